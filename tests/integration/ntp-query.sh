#!/bin/sh
# certwiz's SNTP client against a real chronyd (MD5 and SHA1 keys) and
# against fake-ntp.py for what chronyd never does (forged MAC, kiss-o'-death,
# unsynchronised, clock far off).  Each failure must carry its own status.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lab/ntp-lab.sh"
lab_ntp_netns "$0"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/ntp-lab.sh"

PORT=$(lab_free_port)
lab_chronyd "$T/chronyd" "$PORT"
ntp_conf "$PORT"
key_file md5.key 'ASCII:LabMD5Key-0001'
key_file sha1.key 'HEX:4c61622053484131206b65792030303032212121'
key_file wrong.key 'ASCII:NotTheLabKey'

# MD5, and the offset is sane (chronyd runs on this very clock).
cw_json 0 ntp set --json --primary 127.0.0.1 --primary-key 1:md5:"$T/md5.key"
jexpect 'd["proven"]' True
jexpect 'd["servers"][0]["status"]' ok
jexpect 'd["servers"][0]["authenticated"]' True
jexpect 'd["servers"][0]["stratum"]' 8
jexpect 'abs(d["servers"][0]["offset_ms"]) < 100' True
jexpect 'd["servers"][0]["delay_ms"] >= 0' True
pass "MD5-authenticated query to chronyd"

# SHA1, over IPv6 when the lab chronyd listens on ::1.
V6=127.0.0.1
grep -q '^bindaddress ::1' "$T/chronyd/chrony.conf" && V6=::1
cw_json 0 ntp set --json --primary "$V6" --primary-key 2:SHA1:"$T/sha1.key"
jexpect 'd["servers"][0]["status"]' ok
jexpect 'd["servers"][0]["authenticated"]' True
jexpect 'd["servers"][0]["algorithm"]' SHA1
jexpect 'abs(d["servers"][0]["offset_ms"]) < 100' True
pass "SHA1-authenticated query to chronyd on $V6"

# ntp test reads back what set wrote, keys included.
cw_json 0 ntp test --json
jexpect 'd["servers"][0]["status"]' ok
jexpect 'd["servers"][0]["key_id"]' 2
pass "ntp test uses the written configuration"

# Unauthenticated: chronyd answers, certwiz says it is not authenticated.
cw_json 0 ntp set --json --primary 127.0.0.1
jexpect 'd["servers"][0]["status"]' ok
jexpect 'd["servers"][0]["authenticated"]' False
pass "unauthenticated query is answered and marked so"

# Wrong key and wrong key ID: chronyd drops the query; certwiz sees that it
# still answers without a key and blames the key.
cw_json 9 ntp set --json --primary 127.0.0.1 --primary-key 1:md5:"$T/wrong.key"
jexpect 'd["proven"]' False
jexpect 'd["servers"][0]["status"]' key_rejected
jexpect 'd["servers"][0]["error"]["code"]' auth
grep -q "key ID 1" "$T/err" || fail "the message does not name the key ID"
pass "wrong key is reported"
cw_json 9 ntp set --json --primary 127.0.0.1 --primary-key 7:md5:"$T/md5.key"
jexpect 'd["servers"][0]["status"]' key_rejected
pass "wrong key ID is reported"
# The right key with the wrong algorithm is a wrong key as well.
cw_json 9 ntp set --json --primary 127.0.0.1 --primary-key 1:sha1:"$T/md5.key"
jexpect 'd["servers"][0]["status"]' key_rejected
pass "wrong algorithm is reported"

# Nothing listens: port unreachable, no long wait.
DEAD=$(lab_free_port)
ntp_conf "$DEAD"
cw_json 9 ntp set --json --primary 127.0.0.1 --primary-key 1:md5:"$T/md5.key"
jexpect 'd["servers"][0]["status"]' unreachable
jexpect 'd["servers"][0]["error"]["code"]' network
pass "dead port is reported"

# Fakes, one port each.
fake() {
	name=$1; shift
	FPORT=$(lab_free_port)
	lab_fake "$name" "$FPORT" "$@"
	ntp_conf "$FPORT"
}
fake silent --mode silent
cw_json 9 ntp set --json --primary 127.0.0.1
jexpect 'd["servers"][0]["status"]' timeout
cw_json 9 ntp set --json --primary 127.0.0.1 --primary-key 1:md5:"$T/md5.key"
jexpect 'd["servers"][0]["status"]' timeout
pass "a server that never answers times out"

fake forged --mode forged --key-id 1 --alg md5 --key LabMD5Key-0001
cw_json 9 ntp set --json --primary 127.0.0.1 --primary-key 1:md5:"$T/md5.key"
jexpect 'd["servers"][0]["status"]' bad_mac
jexpect 'd["servers"][0]["error"]["code"]' auth
pass "forged MAC is refused"

# The same fake with an honest MAC passes: the test above is not vacuous.
fake honest --mode good --key-id 1 --alg md5 --key LabMD5Key-0001
cw_json 0 ntp set --json --primary 127.0.0.1 --primary-key 1:md5:"$T/md5.key"
jexpect 'd["servers"][0]["authenticated"]' True
fake honestsha --mode good --key-id 2 --alg sha1 --key 'Lab SHA1 key 0002!!!'
cw_json 0 ntp set --json --primary 127.0.0.1 --primary-key 2:sha1:"$T/sha1.key"
jexpect 'd["servers"][0]["authenticated"]' True
pass "honest fake with MD5 and SHA1 passes"

fake nomac --mode nomac
cw_json 9 ntp set --json --primary 127.0.0.1 --primary-key 1:md5:"$T/md5.key"
jexpect 'd["servers"][0]["status"]' no_mac
pass "an unauthenticated answer to a keyed query is refused"

fake requirekey --mode requirekey --key-id 1 --alg md5 --key LabMD5Key-0001
cw_json 9 ntp set --json --primary 127.0.0.1
jexpect 'd["servers"][0]["status"]' kiss_of_death
jexpect 'd["servers"][0]["refid"]' AUTH
grep -q "Symmetric Key" "$T/err" || fail "the hint does not say to configure a key"
cw_json 0 ntp set --json --primary 127.0.0.1 --primary-key 1:md5:"$T/md5.key"
pass "an unauthenticated query to a server that requires a key is reported"

fake nak --mode cryptonak
cw_json 9 ntp set --json --primary 127.0.0.1 --primary-key 1:md5:"$T/md5.key"
jexpect 'd["servers"][0]["status"]' crypto_nak
pass "crypto-NAK is reported"

fake deny --mode kod --kiss DENY
cw_json 9 ntp set --json --primary 127.0.0.1
jexpect 'd["servers"][0]["status"]' kiss_of_death
jexpect 'd["servers"][0]["refid"]' DENY
pass "kiss-o'-death DENY is reported"

fake unsync --mode unsync
cw_json 9 ntp set --json --primary 127.0.0.1
jexpect 'd["servers"][0]["status"]' unsynchronised
pass "stratum 16 / leap 3 is reported"

fake off --mode good --offset 5
cw_json 9 ntp set --json --primary 127.0.0.1
jexpect 'd["servers"][0]["status"]' offset
jexpect '4900 < d["servers"][0]["offset_ms"] < 5100' True
jexpect 'd["servers"][0]["error"]["code"]' time
pass "a clock 5 s off fails the time check"

# Secondary saves the day when the primary is dead...
ntp_conf "$PORT"
cw_json 0 ntp set --json --primary 127.0.0.2 --secondary 127.0.0.1 --secondary-key 1:md5:"$T/md5.key"
jexpect 'd["proven"]' True
jexpect 'd["servers"][0]["status"] != "ok"' True
jexpect 'd["servers"][1]["status"]' ok
pass "secondary proves the time when the primary fails"
# ...and the text output names both.
expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" ntp test
expect_out '^secondary .*authenticated'
expect_out 'enrollment may proceed'
pass "ntp test text output"
