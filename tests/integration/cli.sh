#!/bin/sh
# The command line: help, version, unknown commands, config errors, exit
# codes, and the refusal to start the wizard without a terminal.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

expect_rc 0 "$CERTWIZ" --help
expect_out '^Usage: certwiz'
for c in check ntp cert status renew sc3 journal; do
	expect_out "^  $c "
done
pass "--help lists every subcommand"

expect_rc 0 "$CERTWIZ" --version
expect_out '^certwiz [0-9]+\.[0-9]+\.[0-9]+$'
pass "--version"

expect_rc 2 "$CERTWIZ" frobnicate
expect_out "unknown command 'frobnicate'"
expect_rc 2 "$CERTWIZ" --bogus
pass "unknown command and option exit 2"

write_conf
expect_rc 3 "$CERTWIZ" --config "$T/nope.conf" status
expect_out "nope.conf"
printf '[ntp]\nport = 70000\n' > "$T/bad.conf"
expect_rc 3 "$CERTWIZ" --config "$T/bad.conf" status
expect_out "\[ntp\] port = '70000' is not valid"
pass "config errors exit 3 naming the file and key"

printf '[paths]\nstate_dri = /x\n' > "$T/warn.conf"
expect_rc 0 "$CERTWIZ" --config "$T/warn.conf" journal
expect_out "warning: .*unknown key 'state_dri'"
pass "unknown key is a warning"

# No terminal and no subcommand: a clear error, not a broken screen.
expect_rc 2 "$CERTWIZ" --config "$T/certwiz.conf" </dev/null
expect_out "needs a terminal"
expect_out "certwiz status"
pass "wizard refuses without a terminal"

# Every subcommand, and every sub-subcommand, answers --help (exit 0,
# its usage on stdout) before anything else.
for c in check "ntp" "ntp set" "ntp test" "cert fetch" status renew "sc3 backup" \
    "sc3 restore" journal "journal resume"; do
	# shellcheck disable=SC2086
	expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" $c --help
	expect_out "^Usage: certwiz ${c%% *}"
done
expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" sc3 backup --help
expect_out "--accept-host-key"
expect_out "--replace"
pass "every subcommand answers --help"

# The step counter never passes its total, and a new backup that finds an
# unfinished one with another destination says so and takes --replace.
mkdir -p "$T/sc3/ca"
printf 'CA\n' > "$T/sc3/ca/ca.pem"
printf 'cli-master-key\n' > "$T/mk"; chmod 600 "$T/mk"
# setsid: no controlling terminal, so that nothing can be asked.
sc3() { setsid -w "$CERTWIZ" --config "$T/certwiz.conf" sc3 backup --master-key-file "$T/mk" --work-factor 10 "$@" </dev/null; }
expect_rc 0 sc3 --to "$T/b1.age"
expect_out '^\[5/5\] '
if grep -E '^\[[0-9]+/[0-9]+\]' "$T/out" | tr -d '[]' | awk -F'[/ ]' '$1 > $2 { bad = 1 } END { exit !bad }'; then
	cat "$T/out" >&2
	fail "a step counter passed its total"
fi
pass "sc3 backup: [1/5] to [5/5], never past the total"

expect_rc 4 sc3 --to "$T/missing-dir/b2.age"
run1=$(cd "$T/state/journal" && ls sc3-backup-*.journal 2>/dev/null | sed 's/\.journal$//')
[ -n "$run1" ] || fail "the failed backup left no unfinished run"
expect_rc 11 sc3 --to "$T/b3.age"
expect_out "unfinished 'sc3-backup' run with other inputs"
expect_out "give --replace"
[ ! -e "$T/b3.age" ] || fail "the refused backup wrote its bundle"
expect_rc 0 sc3 --to "$T/b3.age" --replace
expect_out "Abandoned the unfinished run $run1"
[ -s "$T/b3.age" ] || fail "--replace did not back up"
"$CERTWIZ" --config "$T/certwiz.conf" journal list | grep -q "$run1.*abandoned" || fail "the replaced run is not recorded abandoned"
pass "an unfinished backup with other inputs: refused naming --replace, replaced with it"

# `journal resume` asks what the run needs, and takes it from files.
expect_rc 4 sc3 --to "$T/missing2/b4.age"
run2=$(cd "$T/state/journal" && ls sc3-backup-*.journal | sed 's/\.journal$//')
expect_rc 2 setsid -w "$CERTWIZ" --config "$T/certwiz.conf" journal resume "$run2" </dev/null
expect_out "Give --master-key-file"
mkdir "$T/missing2"
expect_rc 0 setsid -w "$CERTWIZ" --config "$T/certwiz.conf" journal resume "$run2" --master-key-file "$T/mk" </dev/null
expect_out "SC3 Backup success"
[ -s "$T/missing2/b4.age" ] || fail "the resumed backup wrote no bundle"
pass "journal resume: the master key from --master-key-file, else it names the option"
