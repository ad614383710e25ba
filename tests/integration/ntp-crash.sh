#!/bin/sh
# Crash matrix for `ntp set`: killed after the Nth write/fsync/rename for
# every N, the snippet and the keys file are each either the old or the new
# version, never a mix inside a file; the keys file is never readable by
# others; once the snippet is new, the keys are new too (keys go first);
# the killed run resumes or says why it cannot; and a plain re-run
# afterwards finishes the job.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lab/ntp-lab.sh"
lab_ntp_netns "$0"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/ntp-lab.sh"

grep -q '^#define CW_FAULT_INJECTION 1' "$top_builddir/config.h" ||
	skip "built without --enable-fault-injection"

PORT=$(lab_free_port)
lab_chronyd "$T/chronyd" "$PORT"
key_file md5.key 'ASCII:LabMD5Key-0001'
key_file sha1.key 'HEX:4c61622053484131206b65792030303032212121'
CONF=$T/chrony/conf.d/certwiz.conf
KEYS=$T/chrony/certwiz.keys
set_a() { "$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.1 --primary-key 2:sha1:"$T/sha1.key"; }
set_b() { "$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary localhost --primary-key 1:md5:"$T/md5.key"; }

# The two versions of each file, from clean runs.
ntp_conf "$PORT" "echo reloaded >> $T/reloads"
set_a >/dev/null
cp "$CONF" "$T/conf.a"; cp "$KEYS" "$T/keys.a"
set_b >/dev/null
cp "$CONF" "$T/conf.b"; cp "$KEYS" "$T/keys.b"

check_files() {	# check_files WHAT N
	for f in conf keys; do
		eval "cur=\$$(echo "$f" | tr a-z A-Z)"
		cmp -s "$cur" "$T/$f.a" || cmp -s "$cur" "$T/$f.b" ||
			{ cat "$cur"; fail "$1 after:$2: $f is neither version"; }
	done
	[ "$(stat -c %a "$KEYS")" = 600 ] || fail "$1 after:$2: keys file mode"
}

n=1 killed=1
while [ "$killed" = 1 ]; do
	set_a >/dev/null
	set +e
	CERTWIZ_FAULT=after:$n set_b >/dev/null 2>&1
	rc=$?
	set -e
	killed=0
	[ "$rc" = 137 ] && killed=1
	check_files set "$n"
	if cmp -s "$CONF" "$T/conf.b"; then
		cmp -s "$KEYS" "$T/keys.b" || fail "set after:$n: new snippet with old keys"
	fi
	# The killed run resumes when its files are in place, else it says
	# it cannot (its keys are not journaled); never anything else.
	RUN=$("$CERTWIZ" --config "$T/certwiz.conf" journal list --json |
		"$PYTHON3" -c 'import json, sys
for r in json.load(sys.stdin):
    if r["flow"] == "ntp" and r["state"] in ("running", "failed"):
        print(r["id"]); break')
	if [ -n "$RUN" ]; then
		set +e
		"$CERTWIZ" --config "$T/certwiz.conf" journal resume "$RUN" >"$T/resume" 2>&1
		rc=$?
		set -e
		case $rc in
		0) cmp -s "$CONF" "$T/conf.b" && cmp -s "$KEYS" "$T/keys.b" ||
			fail "set after:$n: resumed run finished without the new files" ;;
		11) grep -q "no longer available" "$T/resume" || { cat "$T/resume"; fail "set after:$n: resume"; } ;;
		*) cat "$T/resume"; fail "set after:$n: resume exited $rc" ;;
		esac
		check_files resume "$n"
	fi
	set_b >/dev/null || fail "set after:$n: re-run failed"
	cmp -s "$CONF" "$T/conf.b" && cmp -s "$KEYS" "$T/keys.b" || fail "set after:$n: re-run did not finish"
	n=$((n + 1))
	[ $n -lt 50 ] || fail "never ran to the end"
done
[ $n -gt 4 ] || fail "only $n fault points: the matrix proves nothing"
pass "ntp set killed at each of $((n - 2)) points leaves whole files and recovers"

# The same through a failed reload and its restore.
printf 'exit 3\n' > "$T/reload-bad.sh"
n=1 killed=1
while [ "$killed" = 1 ]; do
	ntp_conf "$PORT" "echo reloaded >> $T/reloads"
	set_a >/dev/null
	ntp_conf "$PORT" "sh $T/reload-bad.sh"
	set +e
	CERTWIZ_FAULT=after:$n set_b >/dev/null 2>&1
	rc=$?
	set -e
	killed=0
	[ "$rc" = 137 ] && killed=1
	[ "$killed" = 1 ] || [ "$rc" = 11 ] || fail "restore after:$n: exit $rc"
	check_files restore "$n"
	n=$((n + 1))
	[ $n -lt 50 ] || fail "never ran to the end"
done
cmp -s "$CONF" "$T/conf.a" && cmp -s "$KEYS" "$T/keys.a" || fail "the restore did not finish"
pass "a failed reload killed at each of $((n - 2)) points leaves whole files"
