#!/bin/sh
# A kiss-o'-death is believed only when it is authentic (issue 18): for a
# query with a key, only with a MAC that verifies.  Against fake-ntp.py:
# an authenticated KoD is reported as such; one without a MAC or with a
# forged MAC is a bad reply; and a forged KoD sent ahead of the genuine
# answer (what anyone on the path can do) does not cut the wait short:
# the genuine, authenticated answer proves the time.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/ntp-lab.sh"

key_file md5.key 'ASCII:LabMD5Key-0001'
KEYARGS="--key-id 1 --alg md5 --key LabMD5Key-0001"
fake() {
	name=$1; shift
	FPORT=$(lab_free_port)
	lab_fake "$name" "$FPORT" "$@"
	ntp_conf "$FPORT"
}

# shellcheck disable=SC2086
fake authkod --mode kod --kiss DENY $KEYARGS
cw_json 9 ntp set --json --primary 127.0.0.1 --primary-key 1:md5:"$T/md5.key"
jexpect 'd["servers"][0]["status"]' kiss_of_death
jexpect 'd["servers"][0]["refid"]' DENY
pass "an authenticated kiss-o'-death is believed"

# shellcheck disable=SC2086
fake nomackod --mode kodnomac --kiss DENY $KEYARGS
cw_json 9 ntp set --json --primary 127.0.0.1 --primary-key 1:md5:"$T/md5.key"
jexpect 'd["servers"][0]["status"]' no_mac
grep -q "kiss-o'-death 'DENY' without a valid MAC was ignored" "$T/json" "$T/err" ||
	{ cat "$T/json" "$T/err" >&2; fail "the ignored kiss is not named"; }
pass "an unauthenticated kiss-o'-death to a keyed query is not believed"

# shellcheck disable=SC2086
fake forgedkod --mode kodforged --kiss RATE $KEYARGS
cw_json 9 ntp set --json --primary 127.0.0.1 --primary-key 1:md5:"$T/md5.key"
jexpect 'd["servers"][0]["status"]' bad_mac
pass "a kiss-o'-death with a forged MAC is not believed"

# shellcheck disable=SC2086
fake kodfirst --mode kodfirst --kiss DENY $KEYARGS
cw_json 0 ntp set --json --primary 127.0.0.1 --primary-key 1:md5:"$T/md5.key"
jexpect 'd["servers"][0]["status"]' ok
jexpect 'd["servers"][0]["authenticated"]' True
pass "a forged kiss-o'-death ahead of the genuine answer does not cut the wait short"

# Without a key there is nothing to verify: the kiss is reported.
fake plainkod --mode kodnomac --kiss DENY
cw_json 9 ntp set --json --primary 127.0.0.1
jexpect 'd["servers"][0]["status"]' kiss_of_death
pass "without a key the kiss-o'-death is reported"
