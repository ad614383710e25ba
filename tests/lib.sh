# lib.sh - shared helpers for the shell tests.  Sourced; every test gets its
# own temp dir, removed on exit, and stops what it started by PID.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${CERTWIZ:=$top_builddir/certwiz}"
export LC_ALL=C
# certwiz refuses a config or key file group or others can write: the files
# a test writes must not depend on the caller's umask (002 is common).
umask 022

T=$(mktemp -d "${TMPDIR:-/tmp}/cwtest.XXXXXX")
CW_PIDS=""
# Test secrets (OTPs, keys, passwords) a test registers with
# `CW_TEST_SECRETS="$CW_TEST_SECRETS VALUE"` (no spaces in VALUE): on exit,
# no journal under $T/state or log under $T/log may contain one.
CW_TEST_SECRETS=""
check_secrets() {
	for s in $CW_TEST_SECRETS; do
		for d in "$T/state" "$T/log"; do
			[ -d "$d" ] || continue
			if grep -r -l -F -e "$s" "$d" >&2; then
				echo "FAIL: a test secret is in the files above" >&2
				return 1
			fi
		done
	done
}
cleanup() {
	cw_rc=$?
	for p in $CW_PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $CW_PIDS; do wait "$p" 2>/dev/null || true; done
	check_secrets || cw_rc=1
	rm -rf "$T"
	exit $cw_rc
}
trap cleanup EXIT INT TERM

# wf N: "--work-factor N" (a fast scrypt for sealing) in a build configured
# with --enable-test-hooks; nothing in a release build, which has no such
# option and seals at 18.  Use unquoted: cmd $(wf 4).
wf() {
	if grep -q '^#define CW_TEST_HOOKS 1' "$top_builddir/config.h" 2>/dev/null; then
		echo "--work-factor $1"
	fi
}

fail() { echo "FAIL: $*" >&2; exit 1; }
# need_test_hooks WHAT: skips unless certwiz was configured with
# --enable-test-hooks (a release build ignores CERTWIZ_LOCALEDIR & co.).
need_test_hooks() {
	[ "${CW_TEST_HOOKS:-yes}" = yes ] ||
		skip "needs a build configured with --enable-test-hooks ($1)"
}
pass() { echo "ok - $*"; }
skip() { echo "SKIP: $*"; exit 77; }

# expect_rc WANT CMD...: runs CMD, stdout+stderr to $T/out, checks the code.
expect_rc() {
	want=$1; shift
	set +e
	"$@" >"$T/out" 2>&1
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat "$T/out" >&2; fail "'$*' exited $got, want $want"; }
}

# expect_out PATTERN: grep -E in the last expect_rc output.
expect_out() {
	grep -Eq -- "$1" "$T/out" || { cat "$T/out" >&2; fail "output lacks /$1/"; }
}

# sc3_conf DIR [LINE...]: DIR/certwiz.conf for an SC3 unit whose state,
# SC3 dir and logs are under DIR and whose restart command is an echo;
# each LINE is appended as it is (in [sc3], or after a section line).
sc3_conf() {
	d=$1
	shift
	mkdir -p "$d"
	{
		printf '[paths]\nstate_dir = %s/state\nsc3_dir = %s/sc3\nlog_dir = %s/log\n' "$d" "$d" "$d"
		printf '[log]\nsyslog = no\n[sc3]\nrestart_command = echo restarted\n'
		for l; do printf '%s\n' "$l"; done
	} > "$d/certwiz.conf"
}

# journal_facts FILE [KEY_REGEX]: a journal's records without what differs
# between two runs of the same inputs (sequence numbers, times, the run
# id, checksums); the values of the keys matching KEY_REGEX become "*".
journal_facts() {
	awk -v vary="${2:-^$}" '{
		out = $3
		for (i = 4; i <= NF; i++) {
			k = $i; sub(/=.*/, "", k); v = substr($i, length(k) + 2)
			if (k == "id" || k == "crc")
				continue
			if (k ~ vary)
				v = "*"
			out = out " " k "=" v
		}
		print out
	}' "$1"
}

# A config whose every path is under $T.
write_conf() {
	cat > "$T/certwiz.conf" <<EOC
[device]
serial = 007951000123456
[paths]
state_dir = $T/state
cert_dir = $T/cert
sc3_dir = $T/sc3
log_dir = $T/log
[log]
syslog = no
EOC
}

# sc3_unit DIR [LINE...]: DIR/certwiz.conf for an SC3 unit whose paths
# (state, sc3, log) are under DIR; each LINE goes into its [sc3] section.
sc3_unit() {
	_su_dir=$1
	shift
	mkdir -p "$_su_dir"
	{
		printf '[paths]\nstate_dir = %s/state\nsc3_dir = %s/sc3\nlog_dir = %s/log\n[sc3]\n' \
		    "$_su_dir" "$_su_dir" "$_su_dir"
		for _su_line in "$@"; do printf '%s\n' "$_su_line"; done
		printf '[log]\nsyslog = no\n'
	} > "$_su_dir/certwiz.conf"
}

# need_locales NAME...: each NAME (ll_CC.CHARSET, e.g. de_DE.UTF-8) loads
# with its charset; when one is not installed, all are compiled with
# localedef into $T/locales and LOCPATH points there (glibc then reads
# only that directory).  Skips when that is impossible.
need_locales() {
	for nl in "$@"; do
		want=${nl#*.}
		[ "$(env -u LC_ALL LANG="$nl" locale charmap 2>/dev/null)" = "$want" ] &&
			continue
		command -v localedef >/dev/null 2>&1 || skip "locale $nl missing and no localedef"
		mkdir -p "$T/locales"
		for nl2 in "$@"; do
			localedef -i "${nl2%%.*}" -f "${nl2#*.}" "$T/locales/$nl2" >/dev/null 2>&1 ||
				skip "cannot generate the locale $nl2 (install the locales package)"
		done
		LOCPATH=$T/locales; export LOCPATH
		break
	done
	for nl in "$@"; do
		[ "$(env -u LC_ALL LANG="$nl" locale charmap 2>/dev/null)" = "${nl#*.}" ] ||
			skip "the locale $nl does not load"
	done
}

# make_device_cert SERIAL DAYS: a test root CA in $T/ca and a device
# certificate it signed for DAYS days in $T/cert (key 0600, empty chain),
# the layout `certwiz status` reads with write_conf plus
# [enroll] trust_anchor = $T/ca/root.crt.
make_device_cert() {
	mkdir -p "$T/ca" "$T/cert"
	(cd "$T" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout ca/root.key -out ca/root.crt -subj "/CN=certwiz test root" \
		-days "$2" 2>/dev/null &&
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		-out cert/device.key 2>/dev/null &&
	chmod 600 cert/device.key &&
	openssl req -new -key cert/device.key -subj "/CN=$1" -out ca/dev.csr 2>/dev/null &&
	openssl x509 -req -in ca/dev.csr -CA ca/root.crt -CAkey ca/root.key \
		-CAcreateserial -out cert/device.crt -days "$2" 2>/dev/null &&
	: > cert/chain.pem) || fail "openssl could not make the test certificate"
}
