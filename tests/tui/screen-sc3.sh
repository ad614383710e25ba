#!/bin/sh
# Back up SC3 and Restore SC3 in the wizard, to and from a local bundle:
# the master key typed twice in masked fields (never on screen, in the
# history or in a byte sent to the terminal), the flow's lines shown
# ("SC3 Backup success", "Restored SC3 CA"), the restore checklist asked
# first and the restored directory equal to the original.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

MK=tui-sc3-master-key-0042
conf() { sc3_conf "$1" "known_hosts = $1/known_hosts" "[device]" "mgmt_addresses = ${2:-192.0.2.1}"; }
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
# restore_wizard UNIT: the wizard's restore up to the start of the flow:
# the form, then the job's checklist.
restore_wizard() {
	tui_start "'$CERTWIZ' --config '$T/$1/certwiz.conf'"
	tui_wait "Main menu"
	tui_keys r
	tui_wait "Source"
	tui_text "$T/bundle.age"
	tui_keys Tab
	tui_text "$MK"
	tui_keys Enter Enter Enter
	tui_wait "same master key as the old unit"
	tui_keys y
}
restore_wizard b
tui_wait "Confirm" 120
tui_keys y
tui_wait "Restored SC3 CA" 60
diff -r "$T/a/sc3" "$T/b/sc3" || fail "restored directory differs"
pass "restore: checklist, then the bundle restored"
tui_keys Escape
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"

# A unit with other management addresses (issue 14): after the bundle is
# opened the wizard names both and asks; "No" leaves the SC3 dir alone.
conf "$T/c" 192.0.2.77
mkdir -p "$T/c/sc3"
printf 'old\n' > "$T/c/sc3/old.pem"
restore_wizard c
tui_wait "anyway" 120
tui_screen | grep -qF "192.0.2.77" || fail "this unit's address not shown"
tui_screen | grep -qF "192.0.2.1)" || fail "the bundle's address not shown"
tui_keys n
tui_wait "mgmt_addresses" 30
[ "$(ls "$T/c/sc3")" = old.pem ] && [ ! -e "$T/c/sc3.prev" ] || fail "the SC3 dir changed"
pass "restore from a unit with other addresses: both shown, declined, nothing changed"
tui_keys Escape
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"

# A failed backup keeps its run; a backup with another destination offers
# to resume it or to abandon it and start the new one.
tui_start "'$CERTWIZ' --config '$T/a/certwiz.conf'"
tui_wait "Main menu"
tui_sc3_backup_form "$T/missing-dir/b.age" "$MK"
tui_wait "Unfinished work. at the next start" 120
tui_gone "journal resume"
tui_keys Enter
tui_wait "Main menu"
tui_sc3_backup_form "$T/bundle2.age" "$MK"
tui_wait "with other inputs exists"
tui_wait "Resume the unfinished run"
tui_wait "Abandon it and start this one"
tui_keys 2
tui_wait "SC3 Backup success" 120
[ -s "$T/bundle2.age" ] || fail "the new backup did not write its bundle"
ls "$T/a/state/journal/"*.journal >/dev/null 2>&1 && fail "the abandoned run is still unfinished"
tui_keys Escape
tui_wait "Main menu"
pass "a failed run is kept (the hint names Unfinished work); a new backup elsewhere offers resume or abandon, abandon starts it"

# The hints name the wizard's fields: a target without a user, a
# refused connection (not "--port").
tui_sc3_backup_form "127.0.0.1:/tmp/x.age" "$MK" 1
tui_wait "How should certwiz log in"
tui_keys a
tui_wait "no user name in"
tui_wait "Give the user name as .SSH user."
tui_keys Enter
tui_wait "Main menu"
tui_sc3_backup_form "127.0.0.1:/tmp/x.age" "$MK" 1 nobody
tui_wait "How should certwiz log in"
tui_keys a
tui_wait "port 1" 60
tui_wait "SSH port"
tui_gone "--port"
tui_keys Enter
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"
pass "the hints name the SSH user and SSH port fields"
