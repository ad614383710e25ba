#!/bin/sh
# deb.sh - the Debian package end to end on this machine: `make deb-check`,
# as root (CI).  Not part of `make check`: it installs the package
# system-wide, and purges it at the end, also on failure.
#
#   1. builds certwiz_V1 and certwiz_V2 (V1 plus a changelog entry) from a
#      clean copy of the source (build-aux/deb-build); lintian: no E:, no W:
#   2. dpkg -i V1 (systemd is not PID 1 here): files, modes, conffile,
#      Depends, man pages, translations; the timer enabled, nothing started
#      (a spy on systemctl and deb-systemd-invoke); the installed units
#      verify and the service's exposure is at most 3.0
#   3. the INSTALLED /usr/bin/certwiz against the loopback lab with a config
#      in the temp dir: enroll, status; a renewal under strace fits the
#      unit's system call filter, address families and writable dirs; the
#      renewal at day 76 (faketime) without capabilities and with
#      no_new_privs, as the service runs it
#   4. an unfinished enrollment in /var/lib/certwiz with an admin's
#      /etc/certwiz/certwiz.conf; dpkg -i V2 over it keeps the config, the
#      journal and the run, which then resumes and installs the certificate
#   5. dpkg -r keeps the state, the certificate and the config; dpkg -P
#      deletes them; nothing of the package is left on the machine

# The lab helpers (they source lib.sh) check the binary when sourced: the
# installed one comes later.
CERTWIZ=/bin/true
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/enroll-lib.sh"
CERTWIZ=/usr/bin/certwiz
unset CERTWIZ_LOCALEDIR
started=$(date +%s)

[ "$(id -u)" = 0 ] || fail "make deb-check installs the package with dpkg: run it as root"
for t in dpkg-buildpackage dh lintian systemd-analyze faketime setpriv strace man openssl; do
	command -v "$t" >/dev/null 2>&1 || fail "$t is missing (build-aux/install-deps)"
done
# Never replace or purge a real installation.
st=$(dpkg-query -W -f='${db:Status-Status}' certwiz 2>/dev/null || true)
case $st in
"" | not-installed) ;;
*) fail "the certwiz package is on this machine ($st): deb-check would replace and purge it" ;;
esac
for p in /etc/certwiz /var/lib/certwiz /var/log/certwiz /lib/systemd/system/certwiz-renew.timer; do
	[ ! -e "$p" ] || fail "$p exists: deb-check would delete it; remove it first"
done

installed=no
# On failure too: purge, then delete what a broken purge left (none of it
# existed before, see above) so that the machine is as it was.
deb_cleanup() {
	rc=$?
	[ "$installed" = no ] || dpkg -P certwiz >"$T/cleanup-purge" 2>&1 || true
	rm -rf /etc/certwiz /var/lib/certwiz /var/log/certwiz
	(exit "$rc")
	cleanup
}
trap deb_cleanup EXIT INT TERM

# What of the package's names is on the machine (compared before and after).
leftovers() {
	find /etc /lib/systemd /usr/bin /usr/share/man /usr/share/doc /usr/share/locale \
		/var/lib /var/log /var/cache/man -name '*certwiz*' 2>/dev/null | sort
}
leftovers > "$T/left.before"

# ---- 1. build, lint
v1=$(dpkg-parsechangelog -l "$top_srcdir/debian/changelog" -S Version)
v2=$v1+upgradetest1
arch=$(dpkg --print-architecture)
sh "$top_srcdir/build-aux/deb-build" "${DEB_SOURCE:-$top_srcdir}" "$T/deb" "$v2" >"$T/out" 2>&1 ||
	{ cat "$T/out" >&2; fail "the package does not build"; }
deb1=$T/deb/certwiz_${v1}_$arch.deb
deb2=$T/deb/certwiz_${v2}_$arch.deb
[ -s "$deb1" ] && [ -s "$deb2" ] || { cat "$T/out" >&2; fail "no $deb1 or $deb2"; }
built=$(date +%s)
pass "built $v1 and $v2 from a clean copy of the source ($((built - started)) s)"

set +e
lintian --fail-on error,warning "$T/deb/certwiz_${v1}_$arch.changes" >"$T/lintian" 2>&1
rc=$?
set -e
if [ "$rc" != 0 ] || grep -E '^[EW]: ' "$T/lintian" >&2; then
	cat "$T/lintian" >&2
	fail "lintian reports errors or warnings (exit $rc)"
fi
pass "lintian: no error, no warning"

# The contents, whatever dpkg's path excludes on this machine.
dpkg-deb -c "$deb1" > "$T/contents"
has() { grep -Eq -- "$1" "$T/contents" || { cat "$T/contents" >&2; fail "the package lacks /$1/"; }; }
has '^-rw------- root/root .* \./etc/certwiz/certwiz\.conf$'
has '^-rwxr-xr-x root/root .* \./usr/bin/certwiz$'
has ' \./lib/systemd/system/certwiz-renew\.service$'
has ' \./lib/systemd/system/certwiz-renew\.timer$'
has ' \./usr/share/man/man1/certwiz\.1\.gz$'
has ' \./usr/share/man/man5/certwiz\.conf\.5\.gz$'
has ' \./usr/share/man/man5/certwiz-answers\.5\.gz$'
has ' \./usr/share/doc/certwiz/examples/answers\.example$'
for l in $(sed 's/#.*//' "$top_srcdir/po/LINGUAS"); do
	has " \./usr/share/locale/$l/LC_MESSAGES/certwiz\.mo$"
done
dep=$(dpkg-deb -f "$deb1" Depends)
for d in 'chrony \| ntpsec' 'libssh-4 ' 'libcurl4 ' 'libssl3 ' 'libjansson4 ' 'libiniparser1 ' 'libarchive13 ' 'libncursesw6 '; do
	echo "$dep" | grep -Eq "$d" || fail "Depends lacks /$d/: $dep"
done
pass "contents: binary, conffile 0600, units, man pages, $(sed 's/#.*//' "$top_srcdir/po/LINGUAS" | wc -w) catalogs; Depends from dpkg-shlibdeps plus chrony | ntpsec"

# ---- 2. install, without systemd running
[ ! -d /run/systemd/system ] || fail "systemd runs here: this test expects a machine without it"
# A spy before the real systemctl and deb-systemd-invoke: what is asked.
mkdir -p "$T/spy"
for c in systemctl deb-systemd-invoke; do
	real=$(command -v "$c") || fail "$c is missing"
	printf '#!/bin/sh\necho "%s $*" >> "%s/spy.log"\nexec %s "$@"\n' "$c" "$T" "$real" > "$T/spy/$c"
	chmod +x "$T/spy/$c"
done
: > "$T/spy.log"
installed=yes
expect_rc 0 env PATH="$T/spy:$PATH" dpkg -i "$deb1"
not_started() {
	if grep -E 'start|stop|reload' "$T/spy.log" >&2; then
		fail "$1: a unit was started, stopped or reloaded without systemd running (above)"
	fi
}
not_started "dpkg -i"
[ "$(dpkg-query -W -f='${db:Status-Status} ${Version}' certwiz)" = "installed $v1" ] ||
	fail "dpkg does not list certwiz $v1 as installed"
expect_rc 0 /usr/bin/certwiz --version
[ "$(cat "$T/out")" = "certwiz $v1" ] || fail "certwiz --version says '$(cat "$T/out")', the package is $v1"
[ "$(stat -c '%U:%G %a' /etc/certwiz/certwiz.conf)" = "root:root 600" ] || fail "certwiz.conf is $(stat -c '%U:%G %a' /etc/certwiz/certwiz.conf)"
dpkg-query -W -f='${Conffiles}\n' certwiz | grep -q '^ /etc/certwiz/certwiz.conf ' || fail "certwiz.conf is not a conffile"
for dm in /var/lib/certwiz:700 /var/lib/certwiz/cert:755 /var/log/certwiz:750; do
	[ "$(stat -c '%U:%G %a' "${dm%:*}")" = "root:root ${dm#*:}" ] ||
		fail "${dm%:*} is $(stat -c '%U:%G %a' "${dm%:*}" 2>&1), want root:root ${dm#*:}"
done
pass "dpkg -i: $v1 installed, certwiz --version agrees, conffile root:root 0600, state/cert/log dirs 0700/0755/0750"

# The timer is enabled (also without systemd), nothing was started.
[ "$(readlink /etc/systemd/system/timers.target.wants/certwiz-renew.timer)" = /lib/systemd/system/certwiz-renew.timer ] ||
	fail "the timer is not enabled"
expect_rc 0 systemctl --root=/ is-enabled certwiz-renew.timer
expect_out '^enabled$'
grep -q 'preset certwiz-renew.timer' "$T/spy.log" || { cat "$T/spy.log" >&2; fail "the spy saw no enable: it proves nothing"; }
pass "timer enabled (systemctl --root=/ is-enabled), nothing started without systemd"

expect_rc 0 systemd-analyze verify --man=no /lib/systemd/system/certwiz-renew.timer /lib/systemd/system/certwiz-renew.service
set +e
systemd-analyze security --offline=true --threshold=30 --no-pager /lib/systemd/system/certwiz-renew.service >"$T/out" 2>&1
rc=$?
set -e
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$T/out")
[ "$rc" = 0 ] && [ -n "$score" ] || { cat "$T/out" >&2; fail "the installed service's exposure ${score:-?} is above 3.0"; }
pass "installed units verify; service exposure $score (at most 3.0)"

# man finds the pages; they are formatted with -l, as a lookup could show
# a formatted copy man-db cached from an earlier install.
expect_rc 0 man -w certwiz
expect_out '^/usr/share/man/man1/certwiz\.1\.gz$'
expect_rc 0 man -P cat -l /usr/share/man/man1/certwiz.1.gz
expect_out 'certwiz renew'
expect_rc 0 man -w 5 certwiz.conf
expect_out '^/usr/share/man/man5/certwiz\.conf\.5\.gz$'
expect_rc 0 man -P cat -l /usr/share/man/man5/certwiz.conf.5.gz
expect_out '^SANDBOX$'
need_locales de_DE.UTF-8
expect_rc 0 env -u LC_ALL -u LANGUAGE LANG=de_DE.UTF-8 /usr/bin/certwiz --help
expect_out '^Befehle:$'
pass "man certwiz, man 5 certwiz.conf; German from the installed catalog"

# ---- 3. the installed binary against the lab (config in the temp dir)
lab_start
A=$T/a
cw_conf "$A" "post_install_command = touch $A/log/hook-ran"
new_otp
fetch_rc 0 "$A"
valid_install "$A"
cw_rc 0 "$A" status
expect_out '^Device certificate: valid$'
if grep -qi 'timer' "$T/out"; then cat "$T/out" >&2; fail "status shows a timer while systemd does not run"; fi
pass "installed certwiz: enrolled with an OTP against the lab; status valid, no timer row without systemd"

# A renewal (--force: now) under strace: its system calls, socket families
# and writes fit the installed unit's SystemCallFilter=,
# RestrictAddressFamilies= and writable directories (the config's state,
# cert and log dirs stand for StateDirectory= and LogsDirectory=).
reenrolls() { grep -c 'simplereenroll 200' "$T/lab/estd.log" || true; }
CERTWIZ_WRAPPER="strace -f -qq -o $T/trace"
cw_rc 0 "$A" renew --force
CERTWIZ_WRAPPER=
[ "$(reenrolls)" = 1 ] || fail "renew --force did not re-enroll"
[ -e "$A/log/hook-ran" ] || fail "post_install_command did not run"
rm "$A/log/hook-ran"
expect_rc 0 "$PY" "$top_srcdir/tests/integration/sandbox-trace.py" \
	/lib/systemd/system/certwiz-renew.service "$T/trace" "$A/state" "$A/cert" "$A/log"
pass "a traced renewal stays inside the installed unit's sandbox ($(head -n 1 "$T/out"))"

# Day 76, as the service runs it: no capabilities (CapabilityBoundingSet=),
# no_new_privs (NoNewPrivileges=yes).
lab_set --clock-offset $((76 * 86400))
before=$(fingerprint "$A/cert/device.crt")
CERTWIZ_WRAPPER="setpriv --no-new-privs --inh-caps=-all --bounding-set=-all faketime -f +76d"
cw_rc 0 "$A" renew
[ ! -s "$T/out" ] || { cat "$T/out" >&2; fail "renew is not quiet on success"; }
[ "$(reenrolls)" = 2 ] || fail "no re-enrollment at the lab"
[ "$(fingerprint "$A/cert/device.crt")" != "$before" ] || fail "day 76: no new certificate"
valid_install "$A" "$(( $(date +%s) + 76 * 86400 ))"
[ -e "$A/log/hook-ran" ] || fail "post_install_command did not run"
cw_rc 0 "$A" status
CERTWIZ_WRAPPER=
lab_set --clock-offset 0
pass "installed certwiz: renewed at day 76 without capabilities, post_install_command run, status valid"

# ---- 4. upgrade with an unfinished run
cat > /etc/certwiz/certwiz.conf <<EOC
# An admin's config: the lab, the default state dir /var/lib/certwiz.
[device]
serial = $SERIAL
[enroll]
url = $URL
# A lab without NTP: the documented override (the enrollment logs it).
require_proven_time = no
[ntp]
daemon = none
conf_file = $T/u/chrony/certwiz.conf
keys_file = $T/u/chrony/certwiz.keys
reload_command = true
[log]
syslog = no
EOC
cp /etc/certwiz/certwiz.conf "$T/conf.before"
# The lab hangs on /cacerts: the enrollment is killed inside its run.  The
# OTP goes through a FIFO, never a file.
lab_set --fail hang:120 --endpoint cacerts
new_otp
mkfifo "$T/otp.fifo"
/usr/bin/certwiz cert fetch --otp-file - --yes --accept-ca "$(lab_fp)" <"$T/otp.fifo" >"$T/killed.out" 2>&1 &
pid=$!
printf '%s\n' "$OTP" > "$T/otp.fifo"
i=0
until ls /var/lib/certwiz/journal/*.journal >/dev/null 2>&1; do
	kill -0 "$pid" 2>/dev/null || { cat "$T/killed.out" >&2; fail "the enrollment ended before its run began"; }
	i=$((i + 1))
	[ "$i" -le 600 ] || fail "no run journal after 60 s"
	sleep 0.1
done
# (Grouped: the shell's own "Killed" notice goes nowhere.)
{ kill -KILL "$pid"; wait "$pid"; } 2>/dev/null || true
lab_set --fail none
unfinished() {
	expect_rc 0 /usr/bin/certwiz journal list --json
	"$PY" -c 'import json, sys
runs = [r for r in json.load(open(sys.argv[1])) if r["state"] not in ("finished", "abandoned")]
print(" ".join(r["flow"] + ":" + r["id"] for r in runs))' "$T/out"
}
run=$(unfinished)
case $run in
enroll:*) ;;
*) fail "want one unfinished enroll run, got '$run'" ;;
esac
state_sum() { find /var/lib/certwiz -exec stat -c '%n %a %s' {} + | sort; find /var/lib/certwiz -type f -exec sha256sum {} + | sort; }
state_sum > "$T/state.before"

: > "$T/spy.log"
expect_rc 0 env PATH="$T/spy:$PATH" dpkg -i "$deb2"
not_started "upgrade"
[ "$(dpkg-query -W -f='${db:Status-Status} ${Version}' certwiz)" = "installed $v2" ] || fail "the upgrade to $v2 is not installed"
cmp -s /etc/certwiz/certwiz.conf "$T/conf.before" || fail "the upgrade changed the admin's certwiz.conf"
[ "$(stat -c '%a' /etc/certwiz/certwiz.conf)" = 600 ] || fail "the upgrade changed certwiz.conf's mode"
! ls /etc/certwiz/*.dpkg-* >/dev/null 2>&1 || fail "the upgrade left $(ls /etc/certwiz/*.dpkg-*)"
state_sum > "$T/state.after"
diff "$T/state.before" "$T/state.after" >&2 || fail "the upgrade changed the state dir"
[ "$(unfinished)" = "$run" ] || fail "after the upgrade: unfinished runs '$(unfinished)', want '$run'"
pass "upgrade $v1 -> $v2: config, state and the unfinished run ${run#enroll:} unchanged, nothing started"

printf '%s\n' "$OTP" | /usr/bin/certwiz cert fetch --otp-file - --yes --accept-ca "$(lab_fp)" >"$T/out" 2>&1 ||
	{ cat "$T/out" >&2; fail "the interrupted enrollment does not resume after the upgrade"; }
valid_install /var/lib/certwiz
[ -z "$(unfinished)" ] || fail "a run is left unfinished after the resume: $(unfinished)"
expect_rc 0 /usr/bin/certwiz status
pass "the interrupted enrollment resumed with the upgraded certwiz: certificate installed, no run left"

# ---- 5. remove, purge
crt=$(sha256sum < /var/lib/certwiz/cert/device.crt)
for d in /var/lib/certwiz /var/log/certwiz; do
	for o in $ALL_OTPS; do
		! grep -rqF -- "$o" "$d" || fail "an OTP is in a file under $d"
	done
done
: > "$T/spy.log"
expect_rc 0 env PATH="$T/spy:$PATH" dpkg -r certwiz
not_started "dpkg -r"
[ ! -e /usr/bin/certwiz ] || fail "dpkg -r left /usr/bin/certwiz"
[ ! -e /lib/systemd/system/certwiz-renew.service ] && [ ! -e /lib/systemd/system/certwiz-renew.timer ] ||
	fail "dpkg -r left the unit files"
[ "$(sha256sum < /var/lib/certwiz/cert/device.crt)" = "$crt" ] || fail "dpkg -r changed or deleted the certificate"
[ -s /var/lib/certwiz/cert/device.key ] || fail "dpkg -r deleted the key"
[ -d /var/lib/certwiz/journal ] || fail "dpkg -r deleted the journal"
[ -d /var/log/certwiz ] || fail "dpkg -r deleted the logs"
cmp -s /etc/certwiz/certwiz.conf "$T/conf.before" || fail "dpkg -r deleted or changed the config"
pass "dpkg -r: binary and units gone; state, certificate, key, logs and config kept"

expect_rc 0 dpkg -P certwiz
installed=no
st=$(dpkg-query -W -f='${db:Status-Status}' certwiz 2>/dev/null || true)
case $st in "" | not-installed) ;; *) fail "after dpkg -P certwiz is '$st'" ;; esac
for p in /etc/certwiz /var/lib/certwiz /var/log/certwiz; do
	[ ! -e "$p" ] || fail "dpkg -P left $p"
done
leftovers > "$T/left.after"
diff "$T/left.before" "$T/left.after" >&2 || fail "dpkg -P left the files above"
otp_never_on_disk
pass "dpkg -P: state, certificate, logs, config, unit links gone; nothing of certwiz left ($(($(date +%s) - started)) s in all)"
