#!/bin/sh
# `certwiz journal`: list, show, resume, abandon, the state lock, the
# refusal of other inputs while a run is unfinished.  Runs come from the
# 5-step test flow (tests/integration/flowtest), which this certwiz does not
# know: resume is refused for it, abandon works.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

FT="$top_builddir/tests/integration/flowtest"
[ -x "$FT" ] || fail "no $FT (run make check)"
SECRET="journalcli-Secret-c0ffee"
CW_TEST_SECRETS="$CW_TEST_SECRETS $SECRET"
printf '%s\n' "$SECRET" > "$T/secret"
chmod 600 "$T/secret"
write_conf
C="$T/certwiz.conf"

expect_rc 0 "$CERTWIZ" --config "$C" journal
expect_out "No runs are recorded"
expect_rc 0 "$CERTWIZ" --config "$C" journal list --json
expect_out '^\[\]$'
pass "empty journal"

# A run that fails at step 3 (exit 6: network error).
expect_rc 6 "$FT" "$C" run "$T/files" "$T/secret" one 3
RUN=$(ls "$T/state/journal" | sed -n 's/\.journal$//p')
[ -n "$RUN" ] || fail "no journal written"
expect_rc 0 "$CERTWIZ" --config "$C" journal
expect_out "^Unfinished runs:"
expect_out "^  $RUN +flowtest +failed .* send$"
expect_out "last error: step 3 failed as asked"
expect_rc 0 "$CERTWIZ" --config "$C" journal list --json
expect_out "\"id\": \"$RUN\""
expect_out '"state": "failed"'
expect_out '"last_step": "send"'
pass "list shows the failed run, its step and error"

expect_rc 0 "$CERTWIZ" --config "$C" journal show "$RUN"
expect_out "^Run $RUN \(flow flowtest\): failed"
expect_out " done +step=use-secret how=run f\.d2="
expect_out " failed +step=send code=network msg=step 3 failed as asked"
expect_rc 2 "$CERTWIZ" --config "$C" journal show flowtest-20990101T000000Z-0000
expect_rc 2 "$CERTWIZ" --config "$C" journal show ../../etc/passwd
pass "show renders a run, refuses unknown and bad ids"

# The same flow with other inputs is refused while the run is unfinished.
expect_rc 11 "$FT" "$C" run "$T/files" "$T/secret" two
expect_out "certwiz journal resume $RUN"
expect_out "abandon $RUN"
pass "other inputs refused, pointing at journal resume|abandon"

expect_rc 11 "$CERTWIZ" --config "$C" journal resume "$RUN"
expect_out "does not know the flow 'flowtest'"
pass "resume of a flow this certwiz does not know is refused"

# A second process gets the lock message naming the holder.
"$FT" "$C" hold-lock > "$T/lock.out" 2>&1 &
HOLDER=$!
CW_PIDS="$CW_PIDS $HOLDER"
i=0
until grep -q locked "$T/lock.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 300 ] || fail "the lock holder did not start"
	sleep 0.1
done
expect_rc 5 "$CERTWIZ" --config "$C" journal abandon "$RUN"
expect_out "PID $HOLDER"
expect_rc 5 "$CERTWIZ" --config "$C" journal resume "$RUN"
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null || true
CW_PIDS=""
[ -f "$T/state/journal/$RUN.journal" ] || fail "the locked-out abandon changed the journal"
pass "resume/abandon take the state lock; the holder's PID is named"

[ -d "$T/state/runs/$RUN" ] || fail "no staging dir for the run"
expect_rc 0 "$CERTWIZ" --config "$C" journal abandon "$RUN"
expect_out "abandoned"
[ ! -e "$T/state/runs/$RUN" ] || fail "staging dir left after abandon"
[ -f "$T/state/journal/done/$RUN.journal" ] || fail "abandoned journal not rotated"
expect_rc 0 "$CERTWIZ" --config "$C" journal
expect_out "^Recent runs:"
expect_out "^  $RUN +flowtest +abandoned"
expect_rc 2 "$CERTWIZ" --config "$C" journal abandon "$RUN"
expect_rc 2 "$CERTWIZ" --config "$C" journal resume "$RUN"
pass "abandon records, cleans the staging dir and rotates"

# Now other inputs may start, and finish.
expect_rc 0 "$FT" "$C" run "$T/files" "$T/secret" two
expect_out " new$"
expect_rc 2 "$CERTWIZ" --config "$C" journal frobnicate x
expect_rc 2 "$CERTWIZ" --config "$C" journal show
pass "a new run starts after the abandon; bad usage exits 2"

# A damaged journal: shown as far as it reads, abandoned into done/.
expect_rc 6 "$FT" "$C" run "$T/files2" "$T/secret" three 2
RUN2=$(ls "$T/state/journal" | sed -n 's/\.journal$//p')
sed -i '2s/begin/bigin/' "$T/state/journal/$RUN2.journal"
expect_rc 0 "$CERTWIZ" --config "$C" journal
expect_out "^  $RUN2 +flowtest +failed"
expect_out "corrupt at line 2"
expect_rc 0 "$CERTWIZ" --config "$C" journal show "$RUN2"
expect_out "damaged"
expect_rc 10 "$FT" "$C" run "$T/files2" "$T/secret" three
expect_out "corrupt at line 2"
expect_rc 0 "$CERTWIZ" --config "$C" journal abandon "$RUN2"
[ -f "$T/state/journal/done/$RUN2.damaged" ] || fail "damaged journal not kept"
[ ! -e "$T/state/journal/$RUN2.journal" ] || fail "damaged journal still in place"
expect_rc 0 "$FT" "$C" run "$T/files2" "$T/secret" three
pass "a damaged journal is refused, shown, abandoned and kept aside"

if grep -r -l -F "$SECRET" "$T/state" "$T/log"; then
	fail "the secret is in the files above"
fi
pass "no journal or log holds the secret"
