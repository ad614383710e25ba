#!/bin/sh
# `ntp set` is a journaled flow: a probe that fails leaves a resumable run;
# `journal resume` finishes it once the server answers; a new `ntp set`
# supersedes an unfinished run; a failed reload's run cannot be resumed
# without the keys; and no key ever reaches the journal.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lab/ntp-lab.sh"
lab_ntp_netns "$0"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/ntp-lab.sh"

PORT=$(lab_free_port)
ntp_conf "$PORT" "echo reloaded >> $T/reloads"
key_file md5.key 'ASCII:LabMD5Key-0001'
runs() { "$CERTWIZ" --config "$T/certwiz.conf" journal list --json; }
run_field() {	# run_field STATE FIELD: FIELD of the ntp run in STATE
	runs | "$PYTHON3" -c 'import json, sys
for r in json.load(sys.stdin):
    if r["flow"] == "ntp" and r["state"] == sys.argv[1]:
        print(r[sys.argv[2]]); break' "$1" "$2"
}

# No server yet: written and reloaded, the probe fails, the run waits.
expect_rc 9 "$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.1 --primary-key 1:md5:"$T/md5.key"
RUN=$(run_field failed id)
[ -n "$RUN" ] || { runs; fail "no failed ntp run in the journal"; }
[ "$(run_field failed last_step)" = probe ] || fail "the run did not stop at probe"
pass "a failed probe leaves a resumable run"

# The server comes up: resume proves the time and finishes the run.
lab_chronyd "$T/chronyd" "$PORT"
expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" journal resume "$RUN"
expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" journal show "$RUN"
expect_out 'finished'
expect_out 'primary_status=ok'
[ "$(wc -l < "$T/reloads")" = 1 ] || fail "resume reloaded again"
pass "journal resume finishes the run"

# A new set supersedes an unfinished run instead of refusing.
sh "$top_srcdir/tests/lab/chronyd.sh" stop "$T/chronyd"
expect_rc 9 "$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.1 --primary-key 1:md5:"$T/md5.key"
OLD=$(run_field failed id)
expect_rc 9 "$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.1
NEW=$(run_field failed id)
[ -n "$OLD" ] && [ -n "$NEW" ] && [ "$OLD" != "$NEW" ] || fail "no new run"
expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" journal show "$OLD"
expect_out 'abandoned'
pass "a new ntp set supersedes the unfinished run"

# A failed reload restores the files; the run cannot be resumed without
# the keys, and says so.
expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" journal abandon "$NEW"
printf 'exit 3\n' > "$T/reload-bad.sh"
ntp_conf "$PORT" "sh $T/reload-bad.sh"
expect_rc 11 "$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.3 --primary-key 1:md5:"$T/md5.key"
BAD=$(run_field failed id)
[ "$(run_field failed last_step)" = reload ] || fail "the run did not stop at reload"
expect_rc 11 "$CERTWIZ" --config "$T/certwiz.conf" journal resume "$BAD"
expect_out "no longer available"
grep -q 127.0.0.3 "$T/chrony/conf.d/certwiz.conf" && fail "resume wrote the settings without keys"
pass "a run whose files were restored is not resumed blindly"

# Keys: nowhere in the journal, its dir or the log.
if grep -rEq 'LabMD5Key|4c61624d44354b' "$T/state" "$T/log"; then
	fail "a key reached the journal or the log"
fi
pass "no key in the journal or the log"
