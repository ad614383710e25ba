#!/bin/sh
# Crash matrix over the SC3 restore and backup flows: certwiz is killed with
# SIGKILL after the N-th journal write / fsync / rename (CERTWIZ_FAULT),
# for every N until a run completes.  After each kill the SC3 dir is the
# old one intact or the new one complete, never a mix; running the same
# command again finishes with the new one in place and the old one kept as
# .prev.  A resumed backup never seals a second bundle once "seal" is done.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

tree() { (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while read -r f; do
	if [ -d "$f" ]; then echo "$(stat -c %a "$f") dir $f"
	else echo "$(stat -c '%a %s' "$f") $(sha256sum < "$f" | cut -c1-64) $f"; fi; done
	stat -c '%a root' .); }

conf() { sc3_unit "$1" "restart_command = echo restarted"; }	# conf DIR: a unit under DIR
printf 'crash-matrix-master-key\n' > "$T/mk"; chmod 600 "$T/mk"

# The old unit's SC3 dir, sealed into a bundle.
conf "$T/src"
mkdir -p "$T/src/sc3/ca" "$T/src/sc3/keys"
printf 'new CA\n' > "$T/src/sc3/ca/ca.pem"
printf 'new key\n' > "$T/src/sc3/keys/k1"; chmod 600 "$T/src/sc3/keys/k1"
head -c 150000 /dev/urandom > "$T/src/sc3/keys/k2"
"$CERTWIZ" --config "$T/src/certwiz.conf" sc3 backup --to "$T/bundle" \
	--master-key-file "$T/mk" $(wf 4) >"$T/out" 2>&1 || { cat "$T/out"; fail "backup"; }
new=$(tree "$T/src/sc3")

# olddir DIR: the new unit's SC3 dir before the restore.
olddir() { mkdir -p "$1/sc3/ca"; printf 'old CA\n' > "$1/sc3/ca/ca.pem"; printf 'x\n' > "$1/sc3/stale.pem"; }
conf "$T/o"; olddir "$T/o"; old=$(tree "$T/o/sc3")

restore() { "$CERTWIZ" --config "$1/certwiz.conf" sc3 restore --from "$T/bundle" \
	--master-key-file "$T/mk" --yes; }

n=1; kills=0
while :; do
	d="$T/r$n"; conf "$d"; olddir "$d"
	set +e
	(CERTWIZ_FAULT="after:$n"; export CERTWIZ_FAULT; restore "$d") >"$d/run1" 2>&1
	rc=$?
	set -e
	[ "$rc" = 0 ] && break
	[ "$rc" = 137 ] || { cat "$d/run1"; fail "N=$n: exit $rc, want 137"; }
	kills=$((kills + 1))
	now=$(tree "$d/sc3")
	[ "$now" = "$old" ] || [ "$now" = "$new" ] || { echo "$now"; fail "N=$n: SC3 dir is a mix after the kill"; }
	# Killed after the run was recorded finished: the same command would
	# be a new restore (and rotate .prev); nothing to resume.
	grep -q 'run sc3-restore-.*: finished' "$d/log/sc3migration.log" 2>/dev/null ||
	restore "$d" >"$d/run2" 2>&1 || { cat "$d/run2"; fail "N=$n: resume failed"; }
	[ "$(tree "$d/sc3")" = "$new" ] || fail "N=$n: resumed restore did not leave the new SC3 dir"
	[ "$(tree "$d/sc3.prev")" = "$old" ] || fail "N=$n: old SC3 dir not kept as .prev"
	[ -z "$(ls -a "$d" | grep '\.stage\.')" ] || fail "N=$n: a staging dir was left behind"
	grep -q 'Restored SC3 CA' "$d/log/sc3migration.log" || fail "N=$n: no 'Restored SC3 CA' in the log"
	n=$((n + 1))
done
[ "$kills" -ge 10 ] || fail "only $kills fault points: the hook is not reached"
[ "$(tree "$d/sc3")" = "$new" ] || fail "uninterrupted restore"
pass "restore killed at each of $kills fault points: old or new SC3 dir, never a mix; resume completes"

n=1; kills=0
while :; do
	d="$T/b$n"; conf "$d"; cp -a "$T/src/sc3" "$d/sc3"
	set +e
	(CERTWIZ_FAULT="after:$n"; export CERTWIZ_FAULT; "$CERTWIZ" --config "$d/certwiz.conf" sc3 backup \
		--to "$d/out.bundle" --master-key-file "$T/mk" $(wf 4)) >"$d/run1" 2>&1
	rc=$?
	set -e
	[ "$rc" = 0 ] && break
	[ "$rc" = 137 ] || { cat "$d/run1"; fail "backup N=$n: exit $rc, want 137"; }
	kills=$((kills + 1))
	sealed_before=$(grep -c "step 'seal' done" "$d/log/sc3migration.log" 2>/dev/null || true)
	grep -q 'run sc3-backup-.*: finished' "$d/log/sc3migration.log" 2>/dev/null ||
	"$CERTWIZ" --config "$d/certwiz.conf" sc3 backup --to "$d/out.bundle" \
		--master-key-file "$T/mk" $(wf 4) >"$d/run2" 2>&1 || { cat "$d/run2"; fail "backup N=$n: resume failed"; }
	seals=$(grep -c '^.* INFO sealed ' "$d/log/sc3migration.log")
	[ "$sealed_before" = 0 ] || [ "$seals" = 1 ] || fail "backup N=$n: sealed again after 'seal' was done"
	grep -q 'SC3 Backup success' "$d/log/sc3migration.log" || fail "backup N=$n: no success line"
	"$CERTWIZ" --config "$d/certwiz.conf" sc3 open --from "$d/out.bundle" --master-key-file "$T/mk" \
		--verify-only >/dev/null 2>&1 || fail "backup N=$n: the bundle does not open"
	n=$((n + 1))
done
[ "$kills" -ge 5 ] || fail "only $kills backup fault points"
pass "backup killed at each of $kills fault points: resume completes, never seals twice"
