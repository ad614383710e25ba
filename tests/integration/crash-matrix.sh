#!/bin/sh
# Crash matrix: the 5-step test flow is killed with SIGKILL after the N-th
# journal write / fsync / rename (CERTWIZ_FAULT=after:N), for every N until
# a run completes without being killed; each killed run is resumed by
# running the same command again, and the end state (installed files and
# their contents, the journal's final state) must equal an uninterrupted
# run's.  Finally no journal or log may contain the flow's secret.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

FT="$top_builddir/tests/integration/flowtest"
[ -x "$FT" ] || fail "no $FT (run make check)"
SECRET="crashmatrix-Secret-7f3e91"
printf '%s\n' "$SECRET" > "$T/secret"
chmod 600 "$T/secret"

# conf DIR: a config whose state and logs are under DIR.
conf() {
	mkdir -p "$1"
	printf '[paths]\nstate_dir = %s/state\nlog_dir = %s/log\n[log]\nsyslog = no\n' \
	    "$1" "$1" > "$1/certwiz.conf"
}

# files DIR: the installed files and their contents, dotfiles included
# (a temporary left by a kill between write and rename must be gone once
# the resumed run installed that file).
files() {
	(cd "$1/out" && for f in $(ls -A); do printf '== %s\n' "$f"; cat "$f"; done)
}

# The uninterrupted reference run.
conf "$T/ref"
(cd "$T/ref" && "$FT" certwiz.conf run out "$T/secret" crash) >"$T/out" 2>&1 ||
	{ cat "$T/out"; fail "reference run failed"; }
files "$T/ref" > "$T/ref.files"
"$FT" "$T/ref/certwiz.conf" dump > "$T/ref.dump"
grep -q '^run flow=flowtest state=finished steps=\[prepare use-secret send plain summary \]' "$T/ref.dump" ||
	{ cat "$T/ref.dump"; fail "reference dump"; }
grep -q '^unfinished=0 done=1$' "$T/ref.dump" || fail "reference run not rotated"

n=1
late=0
resumed=0
while :; do
	d="$T/n$n"
	conf "$d"
	set +e
	(cd "$d" && exec env CERTWIZ_FAULT="after:$n" "$FT" certwiz.conf run out "$T/secret" crash) >"$d/run1" 2>&1
	rc=$?
	set -e
	if [ "$rc" = 0 ]; then
		break	# the fault point was never reached: every N was covered
	fi
	[ "$rc" = 137 ] || { cat "$d/run1"; fail "N=$n: exit $rc, want 137 (SIGKILL)"; }
	"$FT" "$d/certwiz.conf" dump > "$d/dump"
	if cmp -s "$T/ref.dump" "$d/dump"; then
		# Killed after the run was complete and rotated (fsync of the
		# directories): running the command again would be a new run.
		late=$((late + 1))
	else
		(cd "$d" && "$FT" certwiz.conf run out "$T/secret" crash) >"$d/run2" 2>&1 ||
			{ cat "$d/run2"; fail "N=$n: the resumed run failed"; }
		resumed=$((resumed + $(grep -c ' resumed$' "$d/run2" || true)))
	fi
	files "$d" > "$d/files"
	cmp -s "$T/ref.files" "$d/files" ||
		{ diff "$T/ref.files" "$d/files" >&2 || true; fail "N=$n: installed files differ"; }
	"$FT" "$d/certwiz.conf" dump > "$d/dump"
	cmp -s "$T/ref.dump" "$d/dump" ||
		{ diff "$T/ref.dump" "$d/dump" >&2 || true; fail "N=$n: journal end state differs"; }
	[ -z "$(ls "$d/state/runs" 2>/dev/null)" ] || fail "N=$n: staging dir left behind"
	n=$((n + 1))
done
# Each step journals begin and done and installs a file: far more than
# 25 fault points.  Fewer means the hook is not compiled in.
[ "$n" -gt 25 ] || fail "only $n fault points: is --enable-fault-injection on?"
files "$d" > "$d/files"
cmp -s "$T/ref.files" "$d/files" || fail "the last, unkilled run differs"
[ "$resumed" -gt 20 ] || fail "only $resumed runs were resumed"
pass "killed at each of the $((n - 1)) fault points ($resumed resumed, $late after the end), same end state"

# Secrets never reach a journal or a log.
if grep -r -l -F "$SECRET" "$T"/ref/state "$T"/ref/log "$T"/n*/state "$T"/n*/log; then
	fail "the secret is in the files above"
fi
# ...and the grep itself works.
grep -q -F "$SECRET" "$T/secret" || fail "grep cannot find the secret"
pass "no journal or log holds the secret"
