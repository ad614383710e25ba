#!/bin/sh
# tests/fuzz/mkcorpus.sh - (re)makes the seed corpora in tests/fuzz/corpus/
# from real samples: what certwiz and the lab's peers produce.  The corpora
# are committed; run this only to refresh them, then look at `git status`.
#
#   tests/fuzz/mkcorpus.sh BUILDDIR [SHARED_DIR]
#
# BUILDDIR: a build configured with --enable-test-hooks (certwiz seals at
# work factor 10 there) and built (certwiz, tests/integration/flowtest).
# SHARED_DIR: holds testvectors/age (the C2SP vectors; default ../shared).
# Needs python3, Debian's age (bundle plaintexts), chronyd (root: SNTP
# replies); a part whose tool is missing is left as it is, with a note.
#
#   age/        the C2SP vectors' age files (inflated; the three 257-chunk
#               ones left out for size) and bundles certwiz sealed with the
#               passphrase "password" at work factor 10
#   bundle/     the tar inside those bundles (decrypted by Debian's age)
#   journal/    flowtest runs: finished, failed at a step, and torn
#   cfg/        the shipped and demo configs, and the tests' minimal one
#   answers/    the shipped example answer file, and each section alone
#   est/        lab EST answers (curl -i) to cacerts and simpleenroll,
#               with the failure modes estd.py can be told to produce
#   sntp/       chronyd's replies, unauthenticated, MD5 and SHA1 keyed,
#               and fake-ntp.py's kiss-o'-death, crypto-NAK and unsync
#   known_hosts/  fresh ssh-keygen keys in OpenSSH's line forms: plain, hashed,
#               [host]:port, @revoked, @cert-authority, comments
#   kexinit/    OpenSSH sshd's KEXINIT payload (sshd -i, root), default and
#               with lists certwiz does not allow (no kex, cipher, MAC in common)
#   scp_target/ USER@HOST:PATH forms from the docs and tests
set -eu

B=$(cd "${1:?usage: mkcorpus.sh BUILDDIR [SHARED_DIR]}" && pwd)
S=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${2:-$S/../shared}
C=$S/tests/fuzz/corpus
PY=${PYTHON3:-/usr/bin/python3}
# $T, write_conf, and what is started is stopped by PID (CW_PIDS).
top_srcdir=$S
. "$S/tests/lib.sh"
note() { echo "mkcorpus: $*" >&2; }

# put NAME FILE: the seed's name is its content's SHA-1, as libFuzzer's.
put() {
	mkdir -p "$C/$1"
	cp "$2" "$C/$1/$(sha1sum "$2" | cut -c1-40)"
}

# ---- age: the C2SP vectors, then bundles certwiz seals
if [ -d "$SHARED/testvectors/age" ]; then
	mkdir -p "$C/age"
	"$PY" - "$SHARED/testvectors/age" "$C/age" <<'EOP'
import os, sys, zlib
src, dst = sys.argv[1:3]
for name in sorted(os.listdir(src)):
    if name in ("LICENSE", "ORIGIN.txt"):
        continue
    raw = open(os.path.join(src, name), "rb").read()
    head, _, body = raw.partition(b"\n\n")
    if b"compressed: zlib" in head.split(b"\n"):
        body = zlib.decompress(body)
    if len(body) > 256 * 1024:
        continue
    open(os.path.join(dst, "c2sp-" + name), "wb").write(body)
EOP
	cp "$SHARED/testvectors/age/LICENSE" "$C/LICENSE.c2sp-age"
else
	note "no $SHARED/testvectors/age: C2SP seeds not refreshed"
fi

write_conf
printf 'password' > "$T/mk"
chmod 600 "$T/mk"
n=0
for tree in small nested one; do
	rm -rf "$T/sc3"
	mkdir -p "$T/sc3"
	case $tree in
	small)	printf 'CA cert\n' > "$T/sc3/ca.pem"
		mkdir "$T/sc3/phosphorus" && head -c 300 /dev/urandom > "$T/sc3/phosphorus/keys.bin" ;;
	nested)	mkdir -p "$T/sc3/a/b/c" "$T/sc3/empty"
		printf 'x' > "$T/sc3/a/b/c/deep.txt"; printf '' > "$T/sc3/a/zero"
		chmod 0640 "$T/sc3/a/zero"; chmod 0750 "$T/sc3/a/b" ;;
	one)	printf 'trust\n' > "$T/sc3/trust.pem" ;;
	esac
	n=$((n + 1))
	"$B/certwiz" --config "$T/certwiz.conf" sc3 seal --to "$T/b$n" \
	    --master-key-file "$T/mk" --work-factor 10 >/dev/null
	put age "$T/b$n"
	if command -v age >/dev/null 2>&1; then
		"$PY" "$S/tests/interop/age-pty.py" "$T/mk" age -d -o "$T/b$n.tar" "$T/b$n" 2>/dev/null
		put bundle "$T/b$n.tar"
	else
		note "no age: bundle seeds not refreshed"
	fi
done
if command -v age >/dev/null 2>&1; then
	# Armored, by age itself (its work factor, 18: the header only).
	"$PY" "$S/tests/interop/age-pty.py" "$T/mk" age -p -a -o "$T/armored" "$T/b1.tar" 2>/dev/null
	put age "$T/armored"
fi

# ---- journal: flowtest runs
FT=$B/tests/integration/flowtest
printf 'flow-secret\n' > "$T/secret"
chmod 600 "$T/secret"
"$FT" "$T/certwiz.conf" run "$T/out1" "$T/secret" one >/dev/null 2>&1 || true
"$FT" "$T/certwiz.conf" run "$T/out2" "$T/secret" two 3 >/dev/null 2>&1 || true
for j in "$T"/state/journal/*.journal "$T"/state/journal/done/*.journal; do
	[ -f "$j" ] || continue
	put journal "$j"
	# Torn: the last record cut in the middle, as a crash leaves it.
	head -c $(($(wc -c < "$j") - 20)) "$j" > "$T/torn"
	put journal "$T/torn"
done

# ---- cfg
put cfg "$S/data/certwiz.conf"
put cfg "$S/data/demo.conf"
put cfg "$T/certwiz.conf"

# ---- answers: the shipped example and every section alone
put answers "$S/data/answers.example"
printf '[ntp]\nprimary = 127.0.0.1\nprimary_key = 1:md5:k.key\nsecondary = ::1\nsecondary_key = 2:SHA1:/k2\nrequire_proven = no\n' > "$T/a1"
printf '[check]\nrun = yes\n[enroll]\notp_env = CERTWIZ_OTP\naccept_ca = 3f:2a\nallow_unproven_time = 1\n' > "$T/a2"
printf '[sc3]\nrestore_from = /srv/b.age\nuser = admin\nport = 2222\nauth = password\npassword_file = <FILL IN: x>\n' > "$T/a3"
for f in a1 a2 a3; do put answers "$T/$f"; done

# ---- est: the lab service, answers as curl -i shows them
E=$T/est
if "$S/tests/lab/lab.sh" est-start "$E" >/dev/null 2>&1; then
	CW_PIDS="$CW_PIDS $(cat "$E/pid")"
	url=https://127.0.0.1:$(cat "$E/port")/.well-known/est
	csr=$T/csr.b64
	# The CSR whose key fuzz_est.c knows (its CSR, as DER in base64).
	"$PY" - "$S/tests/fuzz/fuzz_est.c" > "$csr" <<'EOP'
import re, sys
src = open(sys.argv[1]).read()
print("\n".join(re.findall(r'"([A-Za-z0-9+/=]{20,})\\n"', src)))
EOP
	# get OP [FAIL]: one answer, after the line naming the request.
	get() {
		op=$1 fail=${2:-none}
		"$PY" "$S/tests/lab/estd.py" set --state "$E" --fail "$fail" >/dev/null
		{
			echo "$op"
			if [ "$op" = cacerts ] || [ "$op" = csrattrs ]; then
				curl -sik --http1.1 "$url/$op"
			else
				otp=$("$S/tests/lab/lab.sh" est-otp "$E" FUZZ-0001)
				curl -sik --http1.1 -u "FUZZ-0001:$otp" \
				    -H 'Content-Type: application/pkcs10' \
				    --data-binary "@$csr" "$url/$op"
			fi
		} > "$T/answer"
		put est "$T/answer"
	}
	get cacerts
	get simpleenroll
	for f in 401 400 415 500 503 202 content-type garbage-base64 garbage-pkcs7 \
	    other-key binary; do
		get simpleenroll "$f"
	done
	get cacerts binary
	get simpleenroll policy
	"$PY" "$S/tests/lab/estd.py" set --state "$E" --fail none --no-cte --wrap 0 >/dev/null
	get simpleenroll
	# What the stricter modes answer: a CA chain with an intermediate and a
	# foreign root, CSR attributes (and their refusal), a PoP refusal.
	"$PY" "$S/tests/lab/estd.py" set --state "$E" --cacerts ca,inter,other >/dev/null
	get cacerts
	get csrattrs
	"$PY" "$S/tests/lab/estd.py" set --state "$E" --csrattrs enforced \
	    --csrattrs-extra 1.2.3.4.5 >/dev/null
	get csrattrs
	get simpleenroll
	"$PY" "$S/tests/lab/estd.py" set --state "$E" --csrattrs none --pop required >/dev/null
	get simpleenroll
	"$S/tests/lab/lab.sh" est-stop "$E" >/dev/null
else
	note "the lab EST service does not start: est seeds not refreshed"
fi

# ---- sntp: chronyd and fake-ntp.py replies
N=$T/ntp
mkdir -p "$N"
# query PORT [KEYID ALG KEY]: sends one request, saves the reply.
query() {
	"$PY" - "$@" > "$T/reply" <<'EOP'
import hashlib, os, socket, struct, sys
port = int(sys.argv[1])
req = bytearray(b"\x23" + b"\0" * 39) + os.urandom(8)
if len(sys.argv) > 2:
    kid, alg, key = int(sys.argv[2]), sys.argv[3], bytes.fromhex(sys.argv[4])
    req += struct.pack("!I", kid) + hashlib.new(alg, key + bytes(req[:48])).digest()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(bytes(req), ("127.0.0.1", port))
try:
    sys.stdout.buffer.write(s.recv(2048))
except TimeoutError:
    pass    # a server that drops the query (a key it does not know)
EOP
	if [ -s "$T/reply" ]; then put sntp "$T/reply"; fi
}
md5key=$(printf 'LabMD5Key-0001' | od -An -tx1 | tr -d ' \n')
sha1key=4c61622053484131206b65792030303032212121
if [ "$(id -u)" = 0 ] && pid=$(sh "$S/tests/lab/chronyd.sh" start "$N" 12323 2>/dev/null); then
	CW_PIDS="$CW_PIDS $pid"
	query 12323
	query 12323 1 md5 "$md5key"
	query 12323 2 sha1 "$sha1key"
	query 12323 2 sha1 "$(echo "$sha1key" | tr 4 5)"
	kill "$pid"
else
	note "chronyd does not start (root needed): chronyd seeds not refreshed"
fi
for mode in kod cryptonak unsync forged nomac; do
	rm -f "$N/ready"
	"$PY" "$S/tests/lab/fake-ntp.py" --port 12324 --ready "$N/ready" --mode "$mode" \
	    --key-id 1 --alg md5 --key LabMD5Key-0001 >/dev/null 2>&1 &
	pid=$!
	CW_PIDS="$CW_PIDS $pid"
	i=0
	while [ ! -e "$N/ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	query 12324 1 md5 "$md5key"
	if [ "$mode" = kod ]; then query 12324; fi
	kill "$pid"
	wait "$pid" 2>/dev/null || true
done

# ---- known_hosts: fresh keys in the line forms OpenSSH writes and reads
ssh-keygen -q -t ed25519 -N '' -f "$T/ed" </dev/null
ssh-keygen -q -t ecdsa -N '' -f "$T/ec" </dev/null
ssh-keygen -q -t rsa -b 1024 -N '' -f "$T/rsa" </dev/null
ed=$(cut -d' ' -f1,2 "$T/ed.pub") ec=$(cut -d' ' -f1,2 "$T/ec.pub") rsa=$(cut -d' ' -f1,2 "$T/rsa.pub")
printf '127.0.0.1 %s\n' "$ed" > "$T/kh1"
printf '# comment\n127.0.0.1 %s\n[::1]:2222 %s\nserver.example,10.0.0.1 %s\n' "$ec" "$ed" "$rsa" > "$T/kh2"
cp "$T/kh2" "$T/kh3"
ssh-keygen -q -H -f "$T/kh3" >/dev/null 2>&1
printf '@revoked * %s\n@cert-authority *.example %s\n127.0.0.1 %s\r\n' "$ed" "$ec" "$ec" > "$T/kh4"
for f in kh1 kh2 kh3 kh4; do put known_hosts "$T/$f"; done

# ---- kexinit: what sshd sends first, read as cw_scp_explain_kex reads it
SSHD=${SSHD:-/usr/sbin/sshd}
if [ "$(id -u)" = 0 ] && [ -x "$SSHD" ]; then
	mkdir -p /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$T/hk" </dev/null
	for o in KexAlgorithms=curve25519-sha256 KexAlgorithms=sntrup761x25519-sha512@openssh.com \
	    Ciphers=chacha20-poly1305@openssh.com MACs=umac-128-etm@openssh.com \
	    HostKeyAlgorithms=ssh-ed25519; do
		"$PY" - "$SSHD" -i -f /dev/null -h "$T/hk" -o "$o" > "$T/kex" <<'EOP'
import subprocess, struct, sys
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.DEVNULL)
p.stdin.write(b"SSH-2.0-certwiz_probe\r\n")
p.stdin.flush()
while not p.stdout.readline().startswith(b"SSH-"):
    pass
hdr = p.stdout.read(5)
plen, pad = struct.unpack("!I", hdr[:4])[0], hdr[4]
sys.stdout.buffer.write(p.stdout.read(plen - 1)[:plen - 1 - pad])
p.kill()
EOP
		put kexinit "$T/kex"
	done
else
	note "sshd -i needs root: kexinit seeds not refreshed"
fi

# ---- scp_target
for t in admin@192.0.2.10:/var/backup/sc3migration 'root@[::1]:sc3' \
    'u@host:~/x' 'u@fe80::1:/x' 'u@[fe80::1%eth0]:/tmp/b' user@server.example:relative; do
	printf '%s' "$t" > "$T/t"
	put scp_target "$T/t"
done
echo "mkcorpus: seeds in $C" >&2
