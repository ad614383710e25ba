#!/bin/sh
# Every main screen of the real certwiz at 80x24 in tmux, in German,
# Japanese, French, Spanish and C (and once with a generated catalog of
# full-width letters under ja_JP.UTF-8: double width at twice the English
# length, harsher than any real catalog): the main menu, the help, Check
# prerequisites (result), the NTP form, Certificate status (an installed
# certificate), the SC3 backup form, the SC3 restore checklist and form,
# the log list and viewer, Install device certificate (the steps, an error
# box; with the lab EST service also the CA question, the OTP form and the
# confirmation), and the resume prompt (Show journal, Abandon).
#
# On each screen layout.py asserts that the catalog's translation of a
# known string is visible whole (from gettext(1), and for a language other
# than C different from the English msgid, so a missing catalog fails),
# that every box's right border is in the same display column on every row
# (wide characters count two), and that no button, label, title or text is
# cut or written past the box.  Navigation is by arrows, Home, End and
# Enter only: shortcut letters are translated.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

need_test_hooks "the build-tree catalogs through CERTWIZ_LOCALEDIR"
: "${CERTWIZ_LOCALEDIR:?}"
PY=${PYTHON3:-/usr/bin/python3}
LAYOUT=$top_srcdir/tests/tui/layout.py
command -v gettext >/dev/null 2>&1 || skip "gettext(1) missing (gettext-base)"
command -v msgfmt >/dev/null 2>&1 || skip "msgfmt missing (gettext)"
command -v openssl >/dev/null 2>&1 || skip "openssl not installed"
"$PY" -c 'import ctypes' 2>/dev/null || skip "no $PY"
unset LANGUAGE LANG LC_MESSAGES

# ---- fixtures shared by every locale ----
# A port nobody listens on (Check prerequisites fails on it; enrollment
# against it is the error box).
CLOSED=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# An installed certificate for Certificate status (as screen-status.sh).
F=$T/fixture
mkdir -p "$F"
(cd "$F" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout root.key -out root.crt -subj "/CN=certwiz test root" -days 30 &&
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out device.key &&
	openssl req -new -key device.key -subj "/CN=007951000123456" -out dev.csr &&
	openssl x509 -req -in dev.csr -CA root.crt -CAkey root.key \
		-CAcreateserial -out device.crt -days 30) >/dev/null 2>&1 ||
	fail "cannot make the test certificate"
# The lab EST service, when its Python modules are there: the CA question,
# the OTP form and the confirmation before sending.
LABURL=
if "$PY" -c 'import cryptography.hazmat.primitives.serialization.pkcs7' 2>/dev/null &&
	PYTHON3=$PY sh "$top_srcdir/tests/lab/lab.sh" est-start "$T/lab" >/dev/null 2>&1; then
	CW_PIDS="$CW_PIDS $(cat "$T/lab/pid")"
	LABURL=https://127.0.0.1:$(cat "$T/lab/port")/.well-known/est
else
	echo "# no lab EST service (python3-cryptography): CA question, OTP form and confirmation not shown"
fi
# The pseudo catalog: every msgid of po/de.po in full-width letters.
mkdir -p "$T/wide/ja/LC_MESSAGES"
"$PY" "$top_srcdir/tests/tui/pseudo-po.py" "$top_srcdir/po/de.po" "$T/wide.po" &&
	msgfmt -c -o "$T/wide/ja/LC_MESSAGES/certwiz.mo" "$T/wide.po" ||
	fail "cannot build the full-width pseudo catalog"

# ---- locales: the system's, else generated into $T/locales ----
LP=
have_locale() { [ "$(env -u LC_ALL ${LP:+LOCPATH=$LP} LANG="$1" locale charmap 2>/dev/null)" = UTF-8 ]; }
use_locale() {	# NAME (ll_CC.UTF-8): 0 when usable, with LP set if generated
	LP=
	[ "$1" = C ] && return 0
	have_locale "$1" && return 0
	command -v localedef >/dev/null 2>&1 || return 1
	mkdir -p "$T/locales"
	localedef -i "${1%%.*}" -f UTF-8 "$T/locales/$1" >/dev/null 2>&1 || return 1
	LP=$T/locales
	have_locale "$1"
}

# tr_ MSGID: the translation certwiz shows under $LOC ($LOCDIR's catalog).
tr_() {
	env TEXTDOMAINDIR="$LOCDIR" ${LP:+LOCPATH=$LP} LC_ALL="$LOC" \
		gettext -d certwiz -- "$1"
}
# tr_known MSGID: the same, and it must be a translation (not C).  Runs
# in a command substitution: check() fails for it.
tr_known() {
	s=$(tr_ "$1")
	if [ "$LOC" != C ] && [ "$s" = "$1" ]; then
		echo "'$1' is not translated: no or an incomplete catalog in $LOCDIR" >> "$T/untranslated"
	fi
	printf '%s' "$s"
}

# fmt1 FORMAT VALUE: FORMAT with its one %s replaced (printf(1) of dash
# knows no %1$s a translation may use).
fmt1() { printf '%s' "${1%%%s*}$2${1#*%s}"; }

# check WHAT ARGS...: until layout.py passes on the screen (the box drawn
# whole, with the title, texts and buttons ARGS name), at most 15 s; a
# screen may be caught half drawn, a broken one stays broken.
# L10N_LAYOUT_ALL=1 reports every broken screen instead of stopping at the
# first (the test still fails); L10N_LAYOUT_DUMP=DIR keeps each screen.
NCHECK=0 NBAD=0
check() {
	what=$1; shift
	n=0
	[ ! -s "$T/untranslated" ] || { cat "$T/untranslated" >&2; fail "$NAME: $what: untranslated"; }
	while :; do
		tmx capture-pane -p -e -t t > "$T/screen"
		"$PY" "$LAYOUT" "$T/screen" "$@" > "$T/problems" 2>&1 && break
		n=$((n + 1))
		if [ $n -ge 75 ]; then
			tui_screen >&2
			cat "$T/problems" >&2
			[ -n "${L10N_LAYOUT_ALL:-}" ] || fail "$NAME: $what"
			echo "FAIL: $NAME: $what" >&2
			NBAD=$((NBAD + 1))
			break
		fi
		sleep 0.2
	done
	NCHECK=$((NCHECK + 1))
	if [ -n "${L10N_LAYOUT_DUMP:-}" ]; then	# a directory: every screen checked
		tui_screen > "$L10N_LAYOUT_DUMP/$(printf %03d $NCHECK)-$LOC-$(echo "$what" | tr ' ' -).txt"
	fi
}
keys() { tui_keys "$@"; }
# menu N: the Nth entry (0 = first) of the menu on screen, by arrows.
menu() {
	keys Home
	i=0
	while [ $i -lt "$1" ]; do keys Down; i=$((i + 1)); done
	keys Enter
}

main_menu() {
	check "main menu" --title "$(tr_known 'Main menu')" \
		--text "$(tr_ 'What do you want to do?')" \
		--text "$(tr_ 'Check prerequisites')" --text "$(tr_ 'Configure NTP')" \
		--text "$(tr_ 'Install device certificate (OTP)')" \
		--text "$(tr_ 'Certificate status')" --text "$(tr_ 'Back up SC3')" \
		--text "$(tr_ 'Restore SC3')" --text "$(tr_ 'View logs')" \
		--text "$(tr_ 'Quit')"
}

conf() {	# FILE URL
	cat > "$1" <<EOC
[device]
serial = 007951000123456
[paths]
state_dir = $D/state
cert_dir = $D/cert
sc3_dir = $D/sc3
log_dir = $D/log
[enroll]
url = $2
trust_anchor = $D/cert/trust-anchor.pem
# The tour shows the enrollment's own screens: no NTP here (lab override).
require_proven_time = no
[network]
endpoints = 127.0.0.1:$CLOSED
timeout_ms = 3000
[ntp]
daemon = none
conf_file = $D/chrony/certwiz.conf
keys_file = $D/chrony/certwiz.keys
reload_command = true
[log]
syslog = no
EOC
}

# screens LOC LOCDIR NAME: the whole tour under one locale.
screens() {
	LOC=$1 LOCDIR=$2 NAME=$3
	D=$T/run-$NCHECK
	mkdir -p "$D/cert" "$D/log"
	cp "$F/device.crt" "$F/device.key" "$D/cert/"
	cp "$F/root.crt" "$D/cert/trust-anchor.pem"
	: > "$D/cert/chain.pem"
	chmod 600 "$D/cert/device.key"
	printf '2026-11-23T18:00:00Z enroll step=preflight ok\n' > "$D/log/certwiz-test.log"
	# A name wider than any box: cut in the list, not the list refused.
	: > "$D/log/certwiz-zz-$(printf '%0100d' 0).log"
	conf "$D/a.conf" "https://127.0.0.1:$CLOSED/.well-known/est"
	conf "$D/b.conf" "${LABURL:-https://127.0.0.1:$CLOSED/.well-known/est}"
	run="env ${LP:+LOCPATH=$LP} LC_ALL=$LOC CERTWIZ_LOCALEDIR='$LOCDIR' '$CERTWIZ'"

	tui_start "$run --config '$D/a.conf'"
	main_menu
	[ "$LOC" != C ] || selftest
	keys F1
	check "help" --title "$(tr_known Help)" --button "$(tr_ Close)"
	keys Escape
	main_menu

	menu 0
	check "check prerequisites result" --title "$(tr_known 'Check prerequisites')" \
		--text "$(tr_ ENDPOINT)" --text "$(tr_ RESULT)" --text "$(tr_ REASON)" \
		--text "$(tr_ 'Allow these hosts and ports in the firewall or proxy, then check again. Nothing was changed.')" \
		--button "$(tr_ Close)"
	keys Escape
	main_menu

	menu 1
	check "NTP form" --title "$(tr_known 'Configure NTP')" \
		--text "$(tr_ 'Enter the hostname or IP address of each NTP server.')" \
		--text "$(tr_ 'Primary NTP server')" --text "$(tr_ 'Secondary NTP server')" \
		--button "$(tr_ OK)" --button "$(tr_ Cancel)"
	# A bad name: its message under the field, wrapped when long.
	bad=no_such_host_because_underscores_are_not_allowed.example.com
	tui_text "$bad"
	keys Tab
	check "NTP form message" --title "$(tr_ 'Configure NTP')" \
		--text "$(fmt1 "$(tr_known "'%s' is not a valid hostname")" "$bad")" \
		--text "$(tr_ 'Secondary NTP server')" \
		--button "$(tr_ OK)" --button "$(tr_ Cancel)"
	keys Escape
	main_menu

	menu 3
	check "certificate status" --title "$(tr_known 'Certificate status')" \
		--text "$(tr_ 'State:')" --text "$(tr_ valid)" \
		--text "$(tr_ 'Subject:')" --text "CN=007951000123456" \
		--text "$(tr_ 'SHA-256 fingerprint:')" --text "$(tr_ 'Days left:')" \
		--text "$(tr_ 'Trust anchor:')" --button "$(tr_ Close)"
	keys Escape
	main_menu

	menu 4
	check "SC3 backup form" --title "$(tr_known 'Back up SC3')" \
		--text "$(tr_ 'Where should the encrypted bundle go? USER@HOST:PATH (SCP) or a local path. In an HA pair, back up the active unit first. The master key encrypts the bundle.')" \
		--text "$(tr_ Destination)" --text "$(tr_ 'Master key')" \
		--text "$(tr_ 'Master key (again)')" \
		--button "$(tr_ OK)" --button "$(tr_ Cancel)"
	keys Escape
	main_menu

	menu 5
	check "SC3 restore form" --title "$(tr_known 'Restore SC3')" \
		--text "$(tr_ 'Where is the bundle? USER@HOST:PATH (SCP) or a local path. The master key decrypts it: it must be this unit'"'"'s and the old unit'"'"'s.')" \
		--text "$(tr_ Source)" --text "$(tr_ 'Master key')" \
		--text "$(tr_ 'SSH port')" --text "$(tr_ 'SSH user')" \
		--button "$(tr_ OK)" --button "$(tr_ Cancel)"
	tui_text "$D/none.age"
	keys Tab
	tui_text "layout-key"
	keys Enter Enter Enter
	check "SC3 restore checklist" --title "$(tr_known 'Restore SC3')" \
		--text "$(tr_ 'Before restoring, make sure that:')" \
		--text "$(tr_ 'certwiz checks, after opening the bundle:')" \
		--text "$(tr_ 'you confirm:')" \
		--text "$(tr_ 'Is all of this true?')" --button "$(tr_ Yes)" --button "$(tr_ No)"
	keys Enter
	check "SC3 restore cancelled" --text "$(tr_ 'restore cancelled')" \
		--button "$(tr_ OK)"
	keys Enter
	main_menu

	menu 6
	check "log list" --title "$(tr_known 'View logs')" \
		--text "$(tr_ 'Choose a log to read.')" --text certwiz-test.log
	keys Enter
	check "log viewer" --title certwiz-test.log --text "enroll step=preflight ok" \
		--button "$(tr_known Close)"
	keys Escape
	check "log list again" --title "$(tr_known 'View logs')" --text certwiz-test.log
	keys Escape
	main_menu

	menu 2
	check "certificate install steps" --title "$(tr_known 'Install device certificate (OTP)')" \
		--text "$(tr_ '1. Generate the one-time password (OTP) in the support portal for this device'"'"'s serial number.
2. certwiz checks the time, the enrollment service, its CA and the install directory, and makes a new key and request.
3. Paste the OTP. It is valid for 60 minutes and works once: a failed fetch uses it up, so everything that can fail is checked before it is sent.
4. certwiz fetches, verifies and installs the certificate; the previous one is kept.

Start?')" --button "$(tr_ Yes)" --button "$(tr_ No)"
	keys Enter
	check "error box" --title "$(tr_ 'Install device certificate (OTP)')" \
		--text "$(fmt1 "$(tr_known "The enrollment service '%s' must be reachable before the OTP is used. Nothing was changed; no OTP was used.")" \
		    "https://127.0.0.1:$CLOSED/.well-known/est")" \
		--button "$(tr_ OK)"
	keys Enter
	main_menu
	keys End Enter
	tui_wait "EXIT=0"

	# The failed enrollment is an unfinished run: offered first.
	tui_start "$run --config '$D/b.conf'"
	check "resume prompt" --title "$(tr_known 'Unfinished work')" \
		--text "$(tr_ Resume)" --text "$(tr_ Abandon)" --text "$(tr_ 'Show journal')" \
		--text "$(tr_ 'Decide later')"
	RUN=$(ls "$D/state/journal" | sed -n 's/\.journal$//p')
	[ -n "$RUN" ] || fail "$NAME: the failed enrollment left no unfinished run"
	menu 2
	check "journal" --title "$RUN" --text "127.0.0.1:$CLOSED" --button "$(tr_known Close)"
	keys Escape
	check "resume prompt again" --title "$(tr_known 'Unfinished work')" --text "$(tr_ 'Decide later')"
	menu 1
	check "abandon question" --title "$(tr_ Abandon)" \
		--text "$(tr_known 'Abandon this run? Its staged files are removed; what it already changed on the appliance stays as it is. The journal keeps a record.')" \
		--button "$(tr_ Yes)" --button "$(tr_ No)"
	keys Left Enter
	check "abandoned" --title "$(tr_ Abandon)" --text "$(tr_known 'The run was abandoned.')" \
		--button "$(tr_ OK)"
	keys Enter
	main_menu
	if [ -n "$LABURL" ]; then
		# No anchor, no certificate: the CA question, then the OTP.
		rm -f "$D/cert/device.crt" "$D/cert/device.key" "$D/cert/trust-anchor.pem"
		menu 2
		check "certificate install steps (lab)" --title "$(tr_known 'Install device certificate (OTP)')" \
			--button "$(tr_ Yes)" --button "$(tr_ No)"
		keys Enter
		check "CA question" --title "$(tr_known 'Trust the enrollment CA?')" \
			--button "$(tr_ Yes)" --button "$(tr_ No)"
		keys Left Enter
		check "OTP form" --title "$(tr_known 'One-time password')" \
			--text "$(tr_ 'Paste the OTP from the support portal. It is valid 60 minutes and works once:')" \
			--button "$(tr_ OK)" --button "$(tr_ Cancel)"
		tui_text "abcd1234EFGH5678"
		keys Enter
		check "confirmation" --title "$(tr_known 'Send the request?')" \
			--button "$(tr_ Yes)" --button "$(tr_ No)"
		keys Escape
		check "stopped" --title "$(tr_ 'Install device certificate (OTP)')" \
			--text "$(tr_known 'Stopped. The journal keeps the run: the next start of certwiz offers to resume it.')" \
			--button "$(tr_ OK)"
		keys Enter
		main_menu
	fi
	keys End Enter
	tui_wait "EXIT=0"
	pass "$NAME: every screen whole ($NCHECK screens so far)"
}

# selftest: layout.py must fail on a good screen broken three ways (a
# wide character that pushes a row's border right, text past the border,
# a cut item), else the checks below could not fail.  (Buttons: the main
# menu has none; cut buttons are checked on the help screen below.)
selftest() {
	good=$T/good.screen
	cp "$T/screen" "$good"
	"$PY" "$LAYOUT" "$good" --title "Main menu" --text Quit ||
		fail "layout.py rejects a good screen"
	sed 's/Quit/Ｑuit/' "$good" > "$T/bad1"
	sed '/What do you want/s/$/ X/' "$good" > "$T/bad2"
	sed 's/Quit/Qui/' "$good" > "$T/bad3"
	for b in 1 2 3; do
		if "$PY" "$LAYOUT" "$T/bad$b" --title "Main menu" --text Quit >/dev/null; then
			fail "layout.py passes a broken screen ($b)"
		fi
	done
	pass "layout.py fails a shifted border, text past the box, a cut button"
}

# ---- the locales ----
for loc in C de_DE.UTF-8 ja_JP.UTF-8 fr_FR.UTF-8 es_ES.UTF-8; do
	lang=${loc%%_*}
	if [ "$loc" != C ] && [ ! -f "$CERTWIZ_LOCALEDIR/$lang/LC_MESSAGES/certwiz.mo" ]; then
		fail "no $lang catalog under $CERTWIZ_LOCALEDIR (make builds it from po/$lang.po)"
	fi
	use_locale "$loc" || fail "no locale $loc and localedef cannot make it (install the locales package)"
	screens "$loc" "$CERTWIZ_LOCALEDIR" "$loc"
done
if use_locale ja_JP.UTF-8; then
	screens ja_JP.UTF-8 "$T/wide" "ja_JP.UTF-8 with the full-width pseudo catalog"
else
	fail "no locale ja_JP.UTF-8 and localedef cannot make it (install the locales package)"
fi
[ "$NBAD" = 0 ] || fail "$NBAD screens broken"
