#!/bin/sh
# `certwiz status` in the user's language with dates the locale's way:
#  - LANGUAGE=de under LANG=en_US.UTF-8: German words, en_US dates (LANGUAGE
#    picks messages only);
#  - LANG=de_DE.UTF-8 and ja_JP.UTF-8: the catalog's words and the dates in
#    the locale's D_T_FMT (as `locale d_t_fmt` and date(1) write them, with
#    the zone), UTC alongside;
#  - LANG=C: English, ISO 8601, ASCII only; LANGUAGE=de under LANG=C stays
#    English (glibc ignores LANGUAGE in the C locale: a clean fallback);
#  - a Japanese error is valid UTF-8 with the catalog's text and the same
#    exit code as in English.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
need_test_hooks "the build-tree catalogs through CERTWIZ_LOCALEDIR"
: "${CERTWIZ_LOCALEDIR:?}"
for l in de ja; do
	[ -f "$CERTWIZ_LOCALEDIR/$l/LC_MESSAGES/certwiz.mo" ] ||
		fail "no $l catalog under $CERTWIZ_LOCALEDIR (make builds it from po/$l.po)"
done
for c in openssl gettext iconv date locale; do
	command -v $c >/dev/null 2>&1 || skip "$c missing"
done
need_locales de_DE.UTF-8 en_US.UTF-8 ja_JP.UTF-8
write_conf
printf '[enroll]\ntrust_anchor = %s\n' "$T/ca/root.crt" >> "$T/certwiz.conf"
make_device_cert 007951000123456 30
# A fixed zone that needs no tzdata; date(1) and certwiz both read it.
TZ=CET-1CEST,M3.5.0,M10.5.0/3; export TZ
na=$(date -d "$(openssl x509 -in "$T/cert/device.crt" -noout -enddate | cut -d= -f2)" +%s)
utc=$(date -u -d "@$na" +%Y-%m-%dT%H:%M:%SZ)

st() {	# ENV...: certwiz status under that environment, into $T/out
	set +e
	env -u LC_ALL -u LC_MESSAGES -u LC_TIME -u LANGUAGE "$@" \
		"$CERTWIZ" --config "$T/certwiz.conf" status >"$T/out" 2>&1
	rc=$?
	set -e
}
tr_() {	# LANG LANGUAGE MSGID: the catalog's translation, read by gettext(1)
	env -u LC_ALL TEXTDOMAINDIR="$CERTWIZ_LOCALEDIR" LANG="$1" LANGUAGE="$2" \
		gettext -d certwiz "$3"
}
when() {	# LOCALE: not-after the way that locale writes a date and time
	f=$(env -u LC_ALL LC_TIME="$1" locale d_t_fmt)
	case $f in *%Z*|*%z*) ;; *) f="$f %Z" ;; esac
	env -u LC_ALL LC_TIME="$1" date -d "@$na" "+$f"
}
has() {	# TEXT WHAT
	grep -qF -- "$1" "$T/out" || { cat "$T/out" >&2; fail "no '$1' ($2)"; }
}

# German words, US dates.
st LANGUAGE=de LANG=en_US.UTF-8
[ "$rc" = 0 ] || { cat "$T/out" >&2; fail "status exited $rc"; }
w=$(tr_ en_US.UTF-8 de "valid"); l=$(tr_ en_US.UTF-8 de "Not after:")
[ "$w" != valid ] && [ "$l" != "Not after:" ] || fail "gettext(1) finds no German catalog"
has "$w" "German state"; has "$l" "German label"
has "$(when en_US.UTF-8) ($utc)" "en_US date with UTC"
pass "LANGUAGE=de LANG=en_US.UTF-8: German messages, en_US dates"

for loc in de_DE.UTF-8 ja_JP.UTF-8; do
	st LANG=$loc
	[ "$rc" = 0 ] || { cat "$T/out" >&2; fail "status exited $rc under $loc"; }
	w=$(tr_ $loc "" "valid"); l=$(tr_ $loc "" "Not after:")
	[ "$w" != valid ] || fail "gettext(1) finds no catalog for $loc"
	has "$w" "state in $loc"; has "$l" "label in $loc"
	d=$(when $loc)
	case $d in [0-9][0-9][0-9][0-9]-*) fail "$loc writes ISO dates: test cannot tell" ;; esac
	has "$d ($utc)" "$loc date with UTC"
	iconv -f UTF-8 -t UTF-8 "$T/out" >/dev/null 2>&1 || fail "status under $loc is not valid UTF-8"
	pass "LANG=$loc: translated, date '$d' with UTC"
done

for env in "LANG=C" "LANG=C LANGUAGE=de"; do
	# shellcheck disable=SC2086
	st $env
	[ "$rc" = 0 ] || fail "status exited $rc under $env"
	has "Device certificate: valid" "English under $env"
	has "Not after:" "English label under $env"
	has "$(date -d "@$na" '+%Y-%m-%d %H:%M:%S %Z') ($utc)" "ISO local time under $env"
	if LC_ALL=C grep -q "$(printf '[\200-\377]')" "$T/out"; then
		fail "non-ASCII bytes under $env"
	fi
	pass "$env: English, ISO 8601 with UTC, ASCII"
done

# An error in Japanese: same exit code, valid UTF-8, the catalog's words.
set +e
env -u LC_ALL LANG=C "$CERTWIZ" --config "$T/none.conf" status >"$T/en" 2>&1; rc_en=$?
env -u LC_ALL LANG=ja_JP.UTF-8 "$CERTWIZ" --config "$T/none.conf" status >"$T/out" 2>&1; rc=$?
set -e
[ "$rc_en" = 3 ] && [ "$rc" = 3 ] || fail "a missing config exits $rc_en (C) and $rc (ja), not 3"
iconv -f UTF-8 -t UTF-8 "$T/out" >/dev/null 2>&1 || fail "the Japanese error is not valid UTF-8"
h=$(tr_ ja_JP.UTF-8 "" "Check the path given with --config and its permissions.")
case $h in *[a-z]*" "[a-z]*" "[a-z]*) fail "gettext(1) finds no Japanese hint: $h" ;; esac
has "$h" "Japanese hint"
m=$(tr_ ja_JP.UTF-8 "" "cannot read the configuration file '%s'")
has "$(printf "$m" "$T/none.conf")" "Japanese message"
pass "LANG=ja_JP.UTF-8: the error is Japanese UTF-8, exit code 3"

# `ntp show` lines the hosts up by display width, also after the
# double-width Japanese role names (not by bytes, as %-10s would).
printf '[ntp]\nconf_file = %s\nkeys_file = %s\n' "$T/chrony.conf" "$T/ntp.keys" \
	>> "$T/certwiz.conf"
printf 'server 127.0.0.1 port 123 iburst\nserver ::1 port 123 iburst\n' > "$T/chrony.conf"
for loc in C ja_JP.UTF-8 de_DE.UTF-8; do
	env -u LC_ALL LANG=$loc "$CERTWIZ" --config "$T/certwiz.conf" ntp show >"$T/out" 2>&1 ||
		{ cat "$T/out" >&2; fail "ntp show failed under $loc"; }
	cols=$("${PYTHON3:-python3}" -c '
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
for line in open(sys.argv[1], encoding="utf-8"):
    for host in ("127.0.0.1", "::1"):
        if (" " + host + " ") in line:
            print(w(line[:line.index(" " + host + " ") + 1]))
' "$T/out" | sort -u | wc -l)
	[ "$cols" = 1 ] || { cat "$T/out" >&2; fail "ntp show hosts not aligned under $loc"; }
done
pass "ntp show: hosts aligned by display width in C, ja and de"
