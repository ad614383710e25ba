#!/bin/sh
# The command line in the user's language and charset: LANGUAGE/LANG pick
# German; a Latin-1 locale gets Latin-1 bytes (gettext converts, nothing
# forces UTF-8), never UTF-8 mojibake; the C locale stays English.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
need_test_hooks "the build-tree catalogs through CERTWIZ_LOCALEDIR"
: "${CERTWIZ_LOCALEDIR:?}"
[ -f "$CERTWIZ_LOCALEDIR/de/LC_MESSAGES/certwiz.mo" ] ||
	fail "no German catalog under $CERTWIZ_LOCALEDIR (make builds it from po/de.po)"
command -v iconv >/dev/null 2>&1 || skip "iconv missing"

# The locales the test needs: the system's if installed, else compiled
# into the temp dir (LOCPATH) from the glibc locale sources.
need_locales de_DE.UTF-8 de_DE.ISO-8859-1

# German in UTF-8, chosen by LANGUAGE with LANG (LC_ALL from lib.sh unset).
run() {	# LANG ARGS...
	l=$1; shift
	set +e
	env -u LC_ALL -u LC_MESSAGES LANGUAGE=de LANG="$l" "$CERTWIZ" "$@" >"$T/out" 2>&1
	rc=$?
	set -e
}
run de_DE.UTF-8 --help
[ "$rc" = 0 ] || fail "--help exited $rc"
grep -q '^Aufruf: certwiz' "$T/out" || { cat "$T/out" >&2; fail "--help is not German"; }
grep -q 'Gerätezertifikat' "$T/out" || fail "no UTF-8 umlaut in the German --help"
iconv -f UTF-8 -t UTF-8 "$T/out" >/dev/null 2>&1 || fail "German --help is not valid UTF-8"
run de_DE.UTF-8 frobnicate
[ "$rc" = 2 ] || fail "unknown command exited $rc"
grep -q "unbekannter Befehl 'frobnicate'" "$T/out" || fail "error message is not German"
pass "LANGUAGE=de LANG=de_DE.UTF-8: German in UTF-8"

# Latin-1: the same text, converted by gettext to the locale's charset.
run de_DE.ISO-8859-1 --help
[ "$rc" = 0 ] || fail "--help exited $rc under Latin-1"
if LC_ALL=C grep -q "$(printf '\303')" "$T/out"; then
	fail "UTF-8 bytes in the output of a Latin-1 locale (mojibake)"
fi
LC_ALL=C grep -q "$(printf 'Ger\344tezertifikat')" "$T/out" ||
	fail "no Latin-1 umlaut in the German --help"
iconv -f ISO-8859-1 -t UTF-8 "$T/out" | grep -q '^Aufruf: certwiz' ||
	fail "--help under Latin-1 is not German"
pass "LANG=de_DE.ISO-8859-1: German in ISO-8859-1"

# The C locale (a serial console without a locale) stays English and ASCII.
run C --help
[ "$rc" = 0 ] || fail "--help exited $rc under C"
grep -q '^Usage: certwiz' "$T/out" || fail "--help is not English under LANG=C"
if LC_ALL=C grep -q "$(printf '[\200-\377]')" "$T/out"; then
	fail "non-ASCII bytes under LANG=C"
fi
pass "LANG=C: English, ASCII only"
