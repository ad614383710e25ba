#!/bin/sh
# The Certificate status screen: "missing" on an empty state with the way
# out (Install device certificate (OTP)); then the subject, fingerprint
# and days left of a certificate made with the openssl CLI (as
# tests/integration/status.sh does), once at 80x24 under TERM=vt100.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

command -v openssl >/dev/null || skip "openssl not installed"
SERIAL=007951000123456
write_conf
cat >> "$T/certwiz.conf" <<EOC
[enroll]
trust_anchor = $T/ca/root.crt
EOC

tui_start "'$CERTWIZ' --config '$T/certwiz.conf'"
tui_wait "Main menu"
tui_keys s
tui_wait "State: +not installed \\(missing\\)"
tui_wait "Install device certificate \\(OTP\\)"
tui_wait "NTP: +not configured"
tui_gone "Subject:"
pass "empty state: missing, and how to restore it"
tui_keys Escape
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"

mkdir "$T/ca" "$T/cert"
cd "$T"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout ca/root.key -out ca/root.crt -subj "/CN=certwiz test root" -days 30 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out cert/device.key 2>/dev/null
chmod 600 cert/device.key
openssl req -new -key cert/device.key -subj "/CN=$SERIAL" -out ca/dev.csr 2>/dev/null
openssl x509 -req -in ca/dev.csr -CA ca/root.crt -CAkey ca/root.key \
	-CAcreateserial -out cert/device.crt -days 30 2>/dev/null
: > cert/chain.pem
FP=$(openssl x509 -in cert/device.crt -noout -fingerprint -sha256 | sed 's/^.*=//; s/://g' | tr A-F a-f)
"$CERTWIZ" --config "$T/certwiz.conf" status >/dev/null 2>&1 ||
	{ "$CERTWIZ" --config "$T/certwiz.conf" status >&2 || :; fail "the test certificate is not valid"; }

tui_start "TERM=vt100 '$CERTWIZ' --config '$T/certwiz.conf'"
tui_wait "Main menu"
tui_keys s
tui_wait "State: +valid"
tui_wait "Subject: +CN=$SERIAL"
tui_wait "Issuer: +CN=certwiz test root"
FP1=$(echo "$FP" | cut -c1-32); FP2=$(echo "$FP" | cut -c33-64)
tui_wait "SHA-256 fingerprint: +$FP1 *.\$"
tui_wait "^ *. +$FP2 *.\$"
tui_wait "Days left: +(29|30) days "
tui_wait "Not after: +[0-9-]+ [0-9:]+ [A-Z]+ / [0-9-]+T[0-9:]+Z"
tui_wait "Key type: +ec-p256"
tui_gone "Install device certificate"
pass "installed certificate: subject, fingerprint, days left (TERM=vt100)"
# vt100 has no colour and no line drawing beyond ACS: nothing else to see
# but that it exits cleanly.
tui_keys Escape
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"

# In German the same screen writes its dates the de_DE way (as
# `locale d_t_fmt` and date(1) do) with UTC beside them.
need_test_hooks "the build-tree catalogs through CERTWIZ_LOCALEDIR"
: "${CERTWIZ_LOCALEDIR:?}"
need_locales de_DE.UTF-8
TZ=CET-1CEST,M3.5.0,M10.5.0/3; export TZ
na=$(date -d "$(openssl x509 -in cert/device.crt -noout -enddate | cut -d= -f2)" +%s)
f=$(env -u LC_ALL LC_TIME=de_DE.UTF-8 locale d_t_fmt)
case $f in *%Z*|*%z*) ;; *) f="$f %Z" ;; esac
local_de=$(env -u LC_ALL LC_TIME=de_DE.UTF-8 date -d "@$na" "+$f")
utc=$(date -u -d "@$na" +%Y-%m-%dT%H:%M:%SZ)
tui_start "env -u LC_ALL LANG=de_DE.UTF-8 '$CERTWIZ' --config '$T/certwiz.conf'"
tui_wait "Hauptmen"
tui_keys Down Down Down Enter
tui_wait "Zertifikatsstatus"
# The row may wrap after the "/" (German labels are wide): local time,
# then UTC on the same row or the next.
lab=$(env -u LC_ALL TEXTDOMAINDIR="$CERTWIZ_LOCALEDIR" LANG=de_DE.UTF-8 \
	gettext -d certwiz "Not after:")
[ "$lab" != "Not after:" ] || fail "gettext(1) finds no German catalog"
tui_wait "$lab +$local_de /"
tui_screen | grep -A1 "$lab *$local_de /" | grep -q "$utc" ||
	{ tui_screen >&2; fail "no UTC '$utc' beside '$local_de'"; }
pass "German dates on the status screen: '$local_de / $utc'"
tui_keys Escape
tui_wait "Hauptmen"
tui_keys Escape
tui_wait "EXIT=0"
