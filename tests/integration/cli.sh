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
