#!/bin/sh
# Back up SC3 and Restore SC3 in the wizard, to and from a local bundle:
# the master key typed twice in masked fields (never on screen, in the
# history or in a byte sent to the terminal), the flow's lines shown
# ("SC3 Backup success", "Restored SC3 CA"), the restore checklist asked
# first and the restored directory equal to the original.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

MK=tui-sc3-master-key-0042
conf() { sc3_conf "$1"; }
conf "$T/a"
mkdir -p "$T/a/sc3/ca" "$T/a/sc3/keys"
printf 'the CA\n' > "$T/a/sc3/ca/ca.pem"
printf 'a key\n' > "$T/a/sc3/keys/k1"; chmod 600 "$T/a/sc3/keys/k1"

tui_start "'$CERTWIZ' --config '$T/a/certwiz.conf'"
tui_wait "Main menu"
tui_keys b
tui_wait "Destination"
tui_text "$T/bundle.age"
tui_keys Tab
tui_text "$MK"
tui_keys Tab
tui_text "${MK}x"
tui_keys Enter Enter Enter
tui_wait "The two master keys differ"
tui_keys Enter
tui_wait "Destination"
tui_keys Tab
tui_text "$MK"
tui_keys Tab
tui_text "$MK"
tui_keys Enter Enter Enter
tui_wait "SC3 Backup success" 120
[ -s "$T/bundle.age" ] || fail "no bundle written"
pass "backup: keys must match, then the bundle is sealed and copied"
tui_keys Escape
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"
tui_history | grep -qF -- "$MK" && fail "the master key is in the pane history"
grep -qF -- "$MK" "$T/pane.raw" && fail "the master key was written to the terminal"
pass "the master key never reaches the terminal"

conf "$T/b"
mkdir -p "$T/b/sc3"
printf 'old\n' > "$T/b/sc3/old.pem"
tui_start "'$CERTWIZ' --config '$T/b/certwiz.conf'"
tui_wait "Main menu"
tui_keys r
tui_wait "Source"
tui_text "$T/bundle.age"
tui_keys Tab
tui_text "$MK"
tui_keys Enter Enter Enter
tui_wait "same master key as the old unit"
tui_keys y
tui_wait "Confirm" 120
tui_keys y
tui_wait "Restored SC3 CA" 60
diff -r "$T/a/sc3" "$T/b/sc3" || fail "restored directory differs"
pass "restore: checklist, then the bundle restored"
tui_keys Escape
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"
