#!/bin/sh
# The layers of HACKING, kept by grep and by the linker's view:
#  - the backend (src/ but src/cli/) never includes curses, ui/ or the CLI,
#    and never talks to the terminal: no stdout/stderr, /dev/tty, isatty,
#    termios in its sources, and no such symbol - nor any symbol of the
#    curses libraries - among the undefined symbols of src/libcertwiz.a;
#  - the CLI is its own archive (src/cli/libcwcli.a), linked into the
#    binary only: no CLI object in the backend archive;
#  - ui/ never does I/O itself;
#  - no front end assembles a job: ui/ and src/cli/ call the job entry
#    points (src/job/job.h), never the lock, the flow engine or a flow's
#    own run function, and both call the same entry points.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

B=${top_builddir:-$top_srcdir}
cd "$top_srcdir"
backend=$(find src -name '*.[ch]' ! -path 'src/cli/*' | sort)

if grep -nE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|form|menu|panel)' $(find src -name '*.[ch]'); then
	fail "src/ includes curses"
fi
pass "src/ has no curses"

if grep -nE '#[[:space:]]*include[[:space:]]*"(\.\./)?(ui|cli)/' $backend; then
	fail "the backend includes ui/ or cli/"
fi
pass "the backend includes nothing from ui/ or src/cli/"

# Sources without their comments (a comment may say "stdout").
strip_comments() {
	sed -e 's|/\*.*\*/||g' -e '/^[[:space:]]*\/\*/,/\*\//d' -e '/^[[:space:]]*\*/d' "$1"
}
bad=""
for f in $backend; do
	if strip_comments "$f" | grep -nE '\b(stdout|stderr|stdin|isatty|ttyname|tcgetattr|tcsetattr|getpass|perror)\b|/dev/tty|(^|[^a-z_])(printf|vprintf|puts|putchar)[[:space:]]*\(' >/dev/null; then
		strip_comments "$f" | grep -nE '\b(stdout|stderr|stdin|isatty|ttyname|tcgetattr|tcsetattr|getpass|perror)\b|/dev/tty|(^|[^a-z_])(printf|vprintf|puts|putchar)[[:space:]]*\(' | sed "s|^|$f:|" >&2
		bad="$bad $f"
	fi
done
[ -z "$bad" ] || fail "the backend talks to the terminal:$bad"
pass "the backend sources never talk to the terminal"

A="$B/src/libcertwiz.a"
[ -f "$A" ] || skip "no $A (build first)"
command -v nm >/dev/null || skip "no nm"
nm "$A" > "$T/nm" 2>/dev/null || fail "nm $A"
# The lazily loaded libraries' stubs are backend too.
if [ -f "$B/src/liblazylibs.a" ]; then
	nm "$B/src/liblazylibs.a" >> "$T/nm" 2>/dev/null || fail "nm src/liblazylibs.a"
fi
# Undefined symbols per object: "object: symbol".
awk '/^$/ { next } /:$/ { o = $1; next } $1 == "U" { print o " " $2 }' "$T/nm" | sort -u > "$T/undef"
if grep -E ' (printf|vprintf|puts|putchar|perror|__printf_chk|__vprintf_chk|isatty|ttyname|ttyname_r|tcgetattr|tcsetattr|getpass|stdout|stderr|stdin)$' "$T/undef" >&2; then
	fail "a backend object calls the terminal or stdout/stderr"
fi
pass "no backend object references stdout, stderr, printf, puts, isatty, ttyname or termios"

# Every symbol the curses libraries the binary uses define.
if [ -x "${CERTWIZ:-}" ] && command -v ldd >/dev/null; then
	: > "$T/curses"
	for lib in $(ldd "$CERTWIZ" | awk '$1 ~ /^lib(ncurses|form|menu|panel|tinfo)/ { print $3 }'); do
		nm -D --defined-only "$lib" | awk '{ print $NF }' >> "$T/curses"
	done
	[ -s "$T/curses" ] || fail "found no curses library in ldd $CERTWIZ"
	sort -u -o "$T/curses" "$T/curses"
	awk '{ print $2 }' "$T/undef" | sort -u | comm -12 - "$T/curses" > "$T/both"
	if [ -s "$T/both" ]; then
		grep -F -f "$T/both" "$T/undef" >&2
		fail "a backend object references curses"
	fi
	pass "no backend object references a curses symbol ($(wc -l < "$T/curses") checked)"
fi

if awk '$2 == "T" { print $3 }' "$T/nm" | grep -E '^(cw_cli_|cw_cmd_|cw_prompt_|ui_|uw_)' >&2; then
	fail "the backend archive defines CLI or UI functions"
fi
[ -f "$B/src/cli/libcwcli.a" ] || fail "the CLI is not its own archive"
pass "the CLI is its own archive, not in the backend's"

if grep -nE '\b(open|fopen|openat|creat|socket|connect|curl_[a-z_]+|ssh_[a-z_]+|SSL_[A-Za-z_]+|rename|unlink)[[:space:]]*\(' ui/*.c ui/*.h; then
	fail "ui/ does I/O itself"
fi
pass "ui/ does no I/O"

# Job assembly belongs to src/job/: the front ends call cw_job_*.
assembly='\b(cw_lock_acquire|cw_flow_open[a-z_]*|cw_flow_run|cw_flow_abandon[a-z_]*|cw_enroll_run|cw_renew_run|cw_ntp_set_run|cw_ntp_probe|cw_netcheck_run|cw_sc3_transport_[a-z]+|cw_scp_connect|cw_bundle_dir_digest)[[:space:]]*\('
if grep -nE "$assembly" ui/*.c src/cli/*.c; then
	fail "a front end assembles a job itself (call the job in src/job/job.h)"
fi
pass "neither ui/ nor src/cli/ takes the lock, opens or runs a flow"
for j in cw_job_ntp_set cw_job_check cw_job_enroll cw_job_status cw_job_sc3_backup \
    cw_job_sc3_restore cw_job_resume cw_job_abandon; do
	grep -qE "\b$j\(" src/cli/*.c || fail "the CLI does not call $j"
	grep -qE "\b$j\(" ui/*.c || fail "the wizard does not call $j"
done
pass "the CLI and the wizard call the same job entry points"
