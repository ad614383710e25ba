#!/bin/sh
# The resume prompt: a run killed half-way (the 5-step test flow, killed by
# the CERTWIZ_FAULT hook) is offered when the wizard starts, before the
# main menu: Show journal renders it, Resume is refused honestly for a flow
# this certwiz does not know (nothing changed, offered again next start),
# Abandon asks, then records it; the next start goes straight to the menu.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

FT="$top_builddir/tests/integration/flowtest"
[ -x "$FT" ] || skip "no flowtest (make check builds it)"
write_conf
C="$T/certwiz.conf"
printf 'tui-resume-secret\n' > "$T/secret"
chmod 600 "$T/secret"
if ! (CERTWIZ_FAULT=after:12 exec "$FT" "$C" run "$T/files" "$T/secret" one) >"$T/ft.out" 2>&1; then
	:
fi
RUN=$(ls "$T/state/journal" | sed -n 's/\.journal$//p')
[ -n "$RUN" ] || skip "flowtest left no unfinished run (built without --enable-fault-injection?)"

tui_start "'$CERTWIZ' --config '$C'"
tui_wait "Unfinished work"
tui_wait "flowtest: stopped after step"
tui_wait "r  Resume"
tui_wait "a  Abandon"
tui_wait "s  Show journal"
tui_gone "Main menu"
pass "a killed run is offered first"

tui_keys s
tui_wait "$RUN"
tui_wait "flowtest"
tui_keys Escape
tui_wait "Unfinished work"
pass "Show journal renders the run"

tui_keys r
tui_wait "does not know the flow"
tui_keys Enter
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"
[ -f "$T/state/journal/$RUN.journal" ] || fail "a refused resume changed the journal"
pass "Resume of an unknown flow refused, run kept"

tui_start "'$CERTWIZ' --config '$C'"
tui_wait "Unfinished work"
tui_keys a
tui_wait "Abandon this run"
tui_keys n
tui_wait "Unfinished work"
[ -f "$T/state/journal/$RUN.journal" ] || fail "No still abandoned the run"
tui_keys a
tui_wait "Abandon this run"
tui_keys y
tui_wait "The run was abandoned"
tui_keys Enter
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"
[ ! -f "$T/state/journal/$RUN.journal" ] || fail "run still unfinished after Abandon"
[ -f "$T/state/journal/done/$RUN.journal" ] || fail "abandoned journal not kept"
pass "Abandon asks, then records the run abandoned"

tui_start "'$CERTWIZ' --config '$C'"
tui_wait "Main menu"
tui_gone "Unfinished work"
tui_keys q
tui_wait "EXIT=0"
pass "next start goes straight to the menu"
