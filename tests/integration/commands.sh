#!/bin/sh
# Commands from the config, run by the real binary (reload_command of
# `ntp set` here; restart_command and post_install_command go through the
# same cw_proc_run): the command sees PATH and the locale only, not a
# secret in certwiz's environment; no descriptor certwiz inherited; its
# group dies when certwiz is killed with SIGKILL (the command and the
# grandchild it spawned, checked by PID) and on [commands] timeout_s, even
# when it ignores SIGTERM.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/ntp-lab.sh"

# alive PID: the process exists and is not a zombie.
alive() {
	[ -r "/proc/$1/stat" ] || return 1
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	[ -n "$st" ] && [ "$st" != Z ]
}
# wait_file FILE: bounded wait for a file the command writes.
wait_file() {
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || { cat "$T/out" >&2; fail "$1 did not appear"; }
		kill -0 "$CWPID" 2>/dev/null || { cat "$T/out" >&2; fail "certwiz ended early"; }
		sleep 0.05
	done
}
# wait_gone WHAT: every PID in $SURVIVORS (the command, its grandchild, the
# supervisor) is gone within 10 s (bounded: the supervisor sends SIGTERM at
# once, SIGKILL 2 s later).
wait_gone() {
	i=0 left="$SURVIVORS"
	while [ -n "$left" ] && [ $i -lt 200 ]; do
		now=""
		for p in $left; do alive "$p" && now="$now $p"; done
		left=$now
		[ -z "$left" ] || sleep 0.05
		i=$((i + 1))
	done
	[ -z "$left" ] || fail "processes outlived $1 by 10 s:$left (command $CMD, grandchild $GRAND, supervisor $SUP)"
}
# Survivors are killed at the end whatever happens.
SURVIVORS=""
trap 'rc=$?; for p in $SURVIVORS; do kill -9 "$p" 2>/dev/null || true; done; (exit $rc); cleanup' EXIT

# The port is never queried: the reload is where certwiz stops.
DEAD=$(lab_free_port)

# ---- 1. environment and descriptors, then kill -9 of certwiz
cat > "$T/cmd.sh" <<EOS
tr '\\0' '\\n' < /proc/\$\$/environ > $T/env.out
ls /proc/self/fd > $T/fd.out
echo \$\$ > $T/cmd.pid.tmp && mv $T/cmd.pid.tmp $T/cmd.pid
sleep 300 &
echo \$! > $T/grand.pid.tmp && mv $T/grand.pid.tmp $T/grand.pid
wait
EOS
ntp_conf "$DEAD" "/bin/sh $T/cmd.sh"
exec 7>"$T/seven"	# a descriptor the caller holds, without O_CLOEXEC
FOO_TOKEN=tok-secret-4711 LANG=C.UTF-8 \
	"$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.1 >"$T/out" 2>&1 &
CWPID=$!
exec 7>&-
wait_file "$T/grand.pid"
CMD=$(cat "$T/cmd.pid") GRAND=$(cat "$T/grand.pid")
SUP=$(awk '/^PPid:/ { print $2 }' "/proc/$CMD/status")
SURVIVORS="$CMD $GRAND"
[ "$SUP" != "$CWPID" ] && SURVIVORS="$SURVIVORS $SUP"

bad=""
while IFS= read -r v; do
	case $v in
	PATH=/usr/sbin:/usr/bin:/sbin:/bin|LANG=*|LANGUAGE=*|LC_*=*) ;;
	PWD=/) ;;	# exported by /bin/sh itself; the command runs in /
	*) bad="$bad ${v%%=*}" ;;
	esac
done < "$T/env.out"
grep -q '^LANG=C.UTF-8$' "$T/env.out" || bad="$bad (LANG not passed)"
grep -q '^LC_ALL=C$' "$T/env.out" || bad="$bad (LC_ALL not passed)"
[ -z "$bad" ] || { cat "$T/env.out" >&2; echo "FAIL: the command's environment has:$bad" >&2; R1=1; }
grep -q tok-secret-4711 "$T/env.out" && { echo "FAIL: FOO_TOKEN reached the command" >&2; R1=1; }
[ -z "${R1:-}" ] && pass "the command sees PATH and the locale only"

FDS=$(tr '\n' ' ' < "$T/fd.out")
[ "$FDS" = "0 1 2 3 " ] || { echo "FAIL: the command holds descriptors $FDS(want 0 1 2 and ls's own 3)" >&2; R2=1; }
GFDS=$(ls "/proc/$GRAND/fd" | sort -n | tr '\n' ' ')
[ "$GFDS" = "0 1 2 " ] || { echo "FAIL: the grandchild holds descriptors $GFDS" >&2; R2=1; }
[ "$(readlink "/proc/$GRAND/fd/0")" = /dev/null ] || { echo "FAIL: stdin is not /dev/null" >&2; R2=1; }
[ -z "${R2:-}" ] && pass "no descriptor beyond 0-2 is inherited, stdin is /dev/null"

kill -9 "$CWPID"
wait "$CWPID" 2>/dev/null || true
wait_gone "kill -9 of certwiz"
[ -z "${R1:-}${R2:-}" ] || fail "see above"
pass "kill -9 of certwiz kills the command and its grandchild (PIDs $CMD $GRAND)"

# ---- 2. kill -9 of certwiz's whole process group (the job in a shell):
# the supervisor, in a group of its own, survives it and cleans up.
rm -f "$T/cmd.pid" "$T/grand.pid"
setsid "$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.1 >"$T/out" 2>&1 &
CWPID=$!
wait_file "$T/grand.pid"
CMD=$(cat "$T/cmd.pid") GRAND=$(cat "$T/grand.pid")
SUP=$(awk '/^PPid:/ { print $2 }' "/proc/$CMD/status")
CW=$(awk '/^PPid:/ { print $2 }' "/proc/$SUP/status")
PG=$(sed 's/.*) //' "/proc/$CW/stat" | cut -d' ' -f3)
[ "$PG" != "$(sed 's/.*) //' /proc/$$/stat | cut -d' ' -f3)" ] || fail "certwiz is in the test's own group"
SURVIVORS="$CMD $GRAND $SUP"
kill -9 -- "-$PG"
wait "$CWPID" 2>/dev/null || true
wait_gone "kill -9 of certwiz's process group"
pass "kill -9 of certwiz's whole process group kills the command and its grandchild"

# ---- 3. timeout: [commands] timeout_s, SIGTERM ignored -> SIGKILL
rm -f "$T/slow.pids"
cat > "$T/slow.sh" <<EOS
trap '' TERM
echo \$\$ >> $T/slow.pids
sleep 300 &
echo \$! >> $T/slow.pids
wait
EOS
ntp_conf "$DEAD" "/bin/sh $T/slow.sh"
printf '[commands]\ntimeout_s = 1\n' >> "$T/certwiz.conf"
expect_rc 11 "$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.1
expect_out "did not finish within 1 seconds"
[ "$(wc -l < "$T/slow.pids")" -ge 2 ] || fail "the slow command did not run"
SURVIVORS=$(cat "$T/slow.pids")
for p in $SURVIVORS; do
	! alive "$p" || fail "PID $p of the timed-out command outlived certwiz"
done
pass "on timeout the whole group is killed, SIGTERM ignored or not"
