#!/bin/sh
# A Latin-1 console (de_DE.ISO-8859-1): the wizard writes German in
# ISO-8859-1 (gettext converts the UTF-8 catalog to the locale's charset)
# and draws boxes with the terminal's own line drawing (ACS), never with
# UTF-8 bytes, which a Latin-1 terminal would show as mojibake; the German
# shortcut letters work.  tmux itself decodes UTF-8, so the test reads the
# raw bytes the program wrote rather than the screen.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"
need_test_hooks "the build-tree catalogs through CERTWIZ_LOCALEDIR"
: "${CERTWIZ_LOCALEDIR:?}"
[ -f "$CERTWIZ_LOCALEDIR/de/LC_MESSAGES/certwiz.mo" ] || fail "no German catalog"
need_locales de_DE.ISO-8859-1
write_conf

# raw_wait TEXT [SECONDS]: until the program has written TEXT (bytes).
raw_wait() {
	n=$(( ${2:-15} * 10 ))
	while [ $n -gt 0 ]; do
		LC_ALL=C grep -qF -- "$1" "$T/pane.raw" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	od -c "$T/pane.raw" | tail -20 >&2
	fail "the program never wrote '$(printf '%s' "$1" | od -An -c | tr -s ' ')'"
}
l1() { printf '%s' "$1" | iconv -f UTF-8 -t ISO-8859-1; }	# the Latin-1 bytes

menu=$(env -u LC_ALL TEXTDOMAINDIR="$CERTWIZ_LOCALEDIR" LANG=de_DE.UTF-8 gettext -d certwiz "Main menu")
status=$(env -u LC_ALL TEXTDOMAINDIR="$CERTWIZ_LOCALEDIR" LANG=de_DE.UTF-8 gettext -d certwiz "Certificate status")
case $menu in *[!\ -~]*) ;; *) fail "'$menu' has no non-ASCII letter: the test cannot tell charsets apart" ;; esac

tui_start "env -u LC_ALL LANG=de_DE.ISO-8859-1 '$CERTWIZ' --config '$T/certwiz.conf'"
raw_wait "$(l1 "$menu")"
raw_wait "qqqq"		# an ACS horizontal line
# The German shortcut for Certificate status ("z" for Zertifikatsstatus).
key=$(env -u LC_ALL TEXTDOMAINDIR="$CERTWIZ_LOCALEDIR" LANG=de_DE.UTF-8 \
	gettext -d certwiz "$(printf 'main menu shortcut\004s')")
[ "$key" != s ] || fail "gettext(1) finds no German shortcut letters"
tui_keys "$key"
raw_wait "$(l1 "$status")"
tui_keys Escape
sleep 0.3
tui_keys Escape
tui_wait "EXIT=0"
# No UTF-8 anywhere: no two-byte lead followed by a continuation byte
# (German text in Latin-1 never has one), no UTF-8 box drawing.
if LC_ALL=C grep -q "$(printf '[\302-\337][\200-\277]')" "$T/pane.raw" ||
   LC_ALL=C grep -q "$(printf '\342\224')" "$T/pane.raw"; then
	od -c "$T/pane.raw" | head -40 >&2
	fail "UTF-8 bytes in a Latin-1 session"
fi
pass "de_DE.ISO-8859-1: German in Latin-1, ACS boxes, shortcut '$key', no UTF-8"
