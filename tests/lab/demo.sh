#!/bin/sh
# demo.sh - `make demo`: starts the loopback lab (EST enrollment service,
# chronyd when run as root, sshd for SCP), makes a sample SC3 directory (a
# demo CA with its key and PEM files it signed) and a master key, writes
# DEMO_DIR/demo.conf from data/demo.conf pointing at all of it (the SCP
# target, its port, key and known host; the connectivity endpoints with the
# lab's own services beside the seed's list), prints what to type (OTP, CA
# fingerprint, NTP key), runs the wizard, and stops every service it
# started by its PID when the wizard exits (or on Ctrl-C).
#
#   demo.sh SRCDIR CERTWIZ DEMO_DIR
set -eu

SRC=$1 CW=$2 D=$3
PY=${PYTHON3:-/usr/bin/python3}
LAB=$(cd "$SRC/tests/lab" && pwd)
SERIAL=007951000000001
PIDS=""

stop_all() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	done
	[ -z "$PIDS" ] || echo "demo: stopped the lab (PIDs$PIDS)."
}
trap stop_all EXIT
trap 'exit 130' INT TERM HUP

mkdir -p "$D/lab"
D=$(cd "$D" && pwd)

# The EST enrollment service (its CA is made at the first start and kept).
"$PY" -c 'import cryptography.hazmat.primitives.serialization.pkcs7' 2>/dev/null || {
	echo "demo: python3-cryptography is missing (build-aux/install-deps)" >&2; exit 1; }
PYTHON3=$PY sh "$LAB/lab.sh" est-start "$D/lab/est" >/dev/null
PIDS="$PIDS $(cat "$D/lab/est/pid")"
EST_URL=https://127.0.0.1:$(cat "$D/lab/est/port")/.well-known/est

# chronyd serves time with the lab keys; it must run as root.
NTP_PORT=$("$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
NTP_NOTE=
if [ "$(id -u)" = 0 ] && [ -x /usr/sbin/chronyd ]; then
	mkdir -p "$D/lab/chrony"
	if pid=$(PYTHON3=$PY sh "$LAB/chronyd.sh" start "$D/lab/chrony" "$NTP_PORT"); then
		PIDS="$PIDS $pid"
		NTP_NOTE="NTP server: 127.0.0.1 (port $NTP_PORT), key 1 MD5 'LabMD5Key-0001' or key 2 SHA1 HEX:4c61622053484131206b65792030303032212121"
	fi
fi
REQUIRE_TIME=yes
if [ -z "$NTP_NOTE" ]; then
	NTP_NOTE="NTP: no lab chronyd (needs root and chrony): enrollment runs on an unproven clock ([enroll] require_proven_time = no, logged)"
	REQUIRE_TIME=no
fi

# A sample SC3 directory: a demo CA with its key, and PEM files it signed.
if [ ! -f "$D/sc3/ca/demo-ca.crt" ]; then
	mkdir -p "$D/sc3/ca" "$D/sc3/certs"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$D/sc3/ca/demo-ca.key" -out "$D/sc3/ca/demo-ca.crt" \
		-subj "/CN=certwiz demo SC3 CA" -days 3650 2>/dev/null
	for n in log-collector-1 log-collector-2 firewall-1; do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$D/sc3/certs/$n.key" -subj "/CN=$n" -out "$D/sc3/$n.csr" 2>/dev/null
		openssl x509 -req -in "$D/sc3/$n.csr" -CA "$D/sc3/ca/demo-ca.crt" \
			-CAkey "$D/sc3/ca/demo-ca.key" -CAcreateserial -days 825 \
			-out "$D/sc3/certs/$n.pem" 2>/dev/null
		rm -f "$D/sc3/$n.csr"
	done
	rm -f "$D/sc3/ca/demo-ca.srl"
	chmod 600 "$D/sc3/ca/demo-ca.key" "$D/sc3/certs/"*.key
fi
# The device master key the bundle is sealed with (0600).
[ -f "$D/master.key" ] || { (umask 077 && printf 'demo-master-key-0001\n' > "$D/master.key"); }

# sshd for the SC3 migration over SCP: its host key goes to the demo's
# known_hosts, its port and the demo's key to demo.conf ([sc3]).
SSH_NOTE="SCP: no lab sshd (needs openssh-server): back up to a local path instead"
SC3_TARGET="$D/sc3-backup/sc3.age" SSH_PORT=22 SSH_IDENTITY= LAB_ENDPOINTS=${EST_URL#https://}
LAB_ENDPOINTS=${LAB_ENDPOINTS%%/*}
mkdir -p "$D/sc3-backup"
: > "$D/known_hosts"
if [ -x /usr/sbin/sshd ]; then
	sh "$LAB/sshd.sh" init "$D/lab/sshd" >/dev/null 2>&1 &&
	port=$(sh "$LAB/sshd.sh" start "$D/lab/sshd" 2>/dev/null) && {
		PIDS="$PIDS $(cat "$D/lab/sshd/pid")"
		mkdir -p "$D/sc3-remote"
		printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$D/lab/sshd/host_key.pub")" > "$D/known_hosts"
		SC3_TARGET="$(id -un)@127.0.0.1:$D/sc3-remote/sc3.age" SSH_PORT=$port
		SSH_IDENTITY=$D/lab/sshd/id_ed25519
		LAB_ENDPOINTS="$LAB_ENDPOINTS,127.0.0.1:$port"
		SSH_NOTE="SCP target: $SC3_TARGET  port $port  identity $SSH_IDENTITY (in demo.conf [sc3])"
	} || true
fi

sed -e "s|@EST_URL@|$EST_URL|" -e "s|@NTP_PORT@|$NTP_PORT|" -e "s|@SERIAL@|$SERIAL|" \
	-e "s|@REQUIRE_TIME@|$REQUIRE_TIME|" -e "s|@SC3_TARGET@|$SC3_TARGET|" \
	-e "s|@SSH_PORT@|$SSH_PORT|" -e "s|@SSH_IDENTITY@|$SSH_IDENTITY|" \
	-e "s|@LAB_ENDPOINTS@|$LAB_ENDPOINTS|" \
	"$SRC/data/demo.conf" > "$D/demo.conf"
OTP=$(PYTHON3=$PY sh "$LAB/lab.sh" est-otp "$D/lab/est" "$SERIAL")
FP=$(openssl x509 -in "$D/lab/est/ca.pem" -noout -fingerprint -sha256 2>/dev/null | sed 's/.*=//; s/://g' | tr A-F a-f || echo "?")

cat <<EON

  certwiz demo: the lab runs on loopback; its files are under $D/
  Enrollment service: $EST_URL
  CA fingerprint to confirm (SHA-256): $FP
  One-time password for serial $SERIAL (60 minutes, works once):

      $OTP

  $NTP_NOTE
  SC3 directory: $D/sc3 (demo CA and key, 3 certificates); master key in $D/master.key
  $SSH_NOTE
  From a shell: $CW --config $D/demo.conf cert fetch
  A new OTP: sh $LAB/lab.sh est-otp $D/lab/est $SERIAL

EON
if [ -t 0 ] && [ -t 1 ]; then
	printf 'Press Enter to start the wizard... '
	read -r _ || true
fi
set +e
"$CW" --config "$D/demo.conf"
rc=$?
set -e
exit $rc
