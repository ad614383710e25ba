#!/bin/sh
# The real binary refuses, as sshd and sudo do, a configuration file that
# group or others can write or another user owns, one in a directory
# others can write (a sticky one such as /tmp is fine), a file the config
# names that supplies keys, trust or a command, and a secret file (here an
# NTP key) another user owns.  Each error names the file, its owner and
# mode and the chmod/chown that fixes it.  chown needs root (CI is root).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib.sh"

write_conf
C=$T/certwiz.conf
chmod 644 "$C"
expect_rc 0 "$CERTWIZ" --config "$C" ntp show
pass "a root-owned 0644 config is read"

chmod 666 "$C"
expect_rc 3 "$CERTWIZ" --config "$C" ntp show
expect_out "'$C'"
expect_out "0666"
expect_out "chmod go-w $C"
chmod 664 "$C"
expect_rc 3 "$CERTWIZ" --config "$C" ntp show
expect_out "0664"
chmod 644 "$C"
pass "a config group or others can write is refused, with the chmod that fixes it"

mkdir "$T/etc"
cp "$C" "$T/etc/certwiz.conf"
chmod 777 "$T/etc"
expect_rc 3 "$CERTWIZ" --config "$T/etc/certwiz.conf" ntp show
expect_out "directory '$T/etc'"
expect_out "chmod go-w $T/etc"
chmod 1777 "$T/etc"
expect_rc 0 "$CERTWIZ" --config "$T/etc/certwiz.conf" ntp show
pass "a config in a directory others can write is refused; sticky is fine"

# A file the config names: [sc3] known_hosts (host keys are trust).
cp "$C" "$T/kh.conf"
printf '[sc3]\nknown_hosts = %s/known_hosts\n' "$T" >> "$T/kh.conf"
: > "$T/known_hosts"
chmod 666 "$T/known_hosts"
expect_rc 3 "$CERTWIZ" --config "$T/kh.conf" ntp show
expect_out "\[sc3\] known_hosts '$T/known_hosts'"
expect_out "chmod go-w $T/known_hosts"
chmod 644 "$T/known_hosts"
expect_rc 0 "$CERTWIZ" --config "$T/kh.conf" ntp show
pass "a world-writable known_hosts named by the config is refused"

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: the other-user cases need root to chown"
	exit 0
fi
NOBODY=$(id -un 65534 2>/dev/null || echo nobody)
chown 65534 "$C"
expect_rc 3 "$CERTWIZ" --config "$C" ntp show
expect_out "'$C' is owned by $NOBODY \(uid 65534, mode 0644\)"
expect_out "chown root $C"
SUDO_UID=65534 expect_rc 0 "$CERTWIZ" --config "$C" ntp show
chown 0 "$C"
pass "a config another user owns is refused (accepted when sudo names that user)"

# A secret file (the NTP key) another user owns: refused before use.
printf 'LabMD5Key-0001\n' > "$T/md5.key"
chmod 600 "$T/md5.key"
chown 65534 "$T/md5.key"
cat >> "$C" <<EOC
[ntp]
conf_file = $T/chrony/certwiz.conf
keys_file = $T/chrony/certwiz.keys
reload_command = true
port = 9
timeout_ms = 200
EOC
expect_rc 2 "$CERTWIZ" --config "$C" ntp set --primary 127.0.0.1 --primary-key 1:md5:"$T/md5.key"
expect_out "'$T/md5.key' is owned by $NOBODY"
expect_out "chown root $T/md5.key"
[ ! -e "$T/chrony/certwiz.keys" ] || fail "the key of another user was written"
pass "an NTP key file another user owns is refused, nothing written"
