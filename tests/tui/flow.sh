#!/bin/sh
# A real journaled flow drives the gauge: Cancel reaches it (it stops
# between or inside steps), the journal keeps the run unfinished, and the
# next start resumes at the step that did not finish - the steps done
# before are not run again.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

write_conf
tui_start "UIDEMO_CONF='$T/certwiz.conf' UIDEMO_OUT='$T/o1' '$DEMO' flow"
tui_wait "Second step"
tui_wait "Step 2 of 4"
tui_keys c
tui_wait "Stop after the current step"
tui_keys y
tui_wait "EXIT=0"
grep -qx "flow rc=-1 code=cancelled" "$T/o1" || { cat "$T/o1" >&2; fail "Cancel did not reach the flow"; }
grep -qx "ran step 3" "$T/o1" && fail "the flow ran on after Cancel"
pass "Cancel stops the flow"

expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" journal
expect_out "^Unfinished runs:"
expect_out "uidemo"
pass "the journal keeps the cancelled run unfinished"

tui_start "UIDEMO_CONF='$T/certwiz.conf' UIDEMO_OUT='$T/o2' '$DEMO' flow"
tui_wait "EXIT=0" 30
grep -qx "resumed=1" "$T/o2" || { cat "$T/o2" >&2; fail "not resumed"; }
grep -qx "flow rc=0 code=ok" "$T/o2" || { cat "$T/o2" >&2; fail "resumed run did not finish"; }
grep -qx "ran step 0" "$T/o2" && fail "a finished step ran again"
grep -qx "ran step 3" "$T/o2" || fail "the last step did not run"
expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" journal
grep -q "^Unfinished runs:" "$T/out" && { cat "$T/out" >&2; fail "run still unfinished"; }
pass "the next start resumes where it stopped and finishes"

# A dropped SSH session (SIGHUP) in the middle of the job: the terminal is
# restored, the run stays unfinished, and the next start resumes it.
tui_start "sh -c 'echo \$\$ > \"$T/pid\"; UIDEMO_CONF=\"$T/certwiz.conf\" UIDEMO_OUT=\"$T/o3\" exec \"$DEMO\" flow'; echo EXIT=\$?"
tui_wait "Step 2 of 4"
kill -HUP "$(cat "$T/pid")"
tui_wait "EXIT=130"
grep -qx "flow rc=-1 code=cancelled" "$T/o3" || { cat "$T/o3" >&2; fail "SIGHUP did not stop the flow"; }
grep -qx "quit=1" "$T/o3" || fail "SIGHUP not reported"
tui_start "UIDEMO_CONF='$T/certwiz.conf' UIDEMO_OUT='$T/o4' '$DEMO' flow"
tui_wait "EXIT=0" 30
grep -qx "resumed=1" "$T/o4" || { cat "$T/o4" >&2; fail "not resumed after SIGHUP"; }
grep -qx "flow rc=0 code=ok" "$T/o4" || fail "resumed run did not finish"
grep -qx "ran step 0" "$T/o4" && fail "a finished step ran again after SIGHUP"
pass "SIGHUP mid-job: journal consistent, resumed on the next start"
