#!/usr/bin/python3
"""fake-ntp.py - a tiny NTP responder on loopback that misbehaves on
purpose, for the cases a real chronyd will not produce.

  fake-ntp.py --port P --ready FILE --mode MODE [--key-id N --alg md5|sha1
              --key ASCII] [--offset SECONDS] [--kiss CODE]

MODE: good        answer, with a correct MAC when the query had one
      forged      answer with the right key ID and a MAC of random bytes
      nomac       answer without any MAC
      cryptonak   answer with a crypto-NAK (key ID 0, no digest)
      kod         kiss-o'-death (stratum 0) with --kiss CODE (default DENY),
                  with a correct MAC when the query had the right key
      kodnomac    the same kiss-o'-death without any MAC
      kodforged   the same kiss-o'-death with a MAC of random bytes
      kodfirst    an unauthenticated kiss-o'-death first (as a forger on the
                  path would send), then the genuine answer of "good"
      requirekey  unauthenticated queries get kiss-o'-death AUTH; queries
                  with the right key a good answer
      unsync      stratum 16, leap indicator 3
      silent      read queries, never answer
--offset shifts the server's clock.  Stops on SIGTERM."""
import argparse
import hashlib
import os
import socket
import struct
import time

NTP_EPOCH = 2208988800


def ntp_ts(t):
    sec = int(t)
    return struct.pack("!II", sec + NTP_EPOCH, int((t - sec) * 2**32) & 0xffffffff)


def mac(alg, key, data):
    return hashlib.new(alg, key + data).digest()


def reply(req, a, mode, keyed, good_key, key):
    rx = time.time() + a.offset
    stratum, li, refid = 2, 0, socket.inet_aton("127.0.0.1")
    if mode in ("kod", "kodnomac", "kodforged"):
        stratum, li, refid = 0, 3, a.kiss.encode()[:4].ljust(4, b"\0")
    elif mode == "unsync":
        stratum, li = 16, 3
    hdr = struct.pack("!BBbb", li << 6 | 4 << 3 | 4, stratum, req[2], -20)
    pkt = (hdr + b"\0" * 8 + refid + ntp_ts(rx - 10) + req[40:48] +
           ntp_ts(rx) + ntp_ts(time.time() + a.offset))
    if mode == "cryptonak":
        pkt += b"\0\0\0\0"
    elif keyed and mode in ("forged", "kodforged"):
        pkt += struct.pack("!I", a.key_id) + os.urandom(
            hashlib.new(a.alg).digest_size)
    elif keyed and mode not in ("nomac", "kodnomac") and good_key:
        pkt += struct.pack("!I", a.key_id) + mac(a.alg, key, pkt)
    return pkt



def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--mode", default="good")
    ap.add_argument("--key-id", type=int, default=1)
    ap.add_argument("--alg", default="md5")
    ap.add_argument("--key", default="")
    ap.add_argument("--offset", type=float, default=0.0)
    ap.add_argument("--kiss", default="DENY")
    ap.add_argument("--bind", default="127.0.0.1")
    a = ap.parse_args()
    key = a.key.encode()
    family = socket.AF_INET6 if ":" in a.bind else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((a.bind, a.port))
    with open(a.ready + ".tmp", "w") as f:
        f.write(str(os.getpid()))
    os.rename(a.ready + ".tmp", a.ready)
    while True:
        req, peer = s.recvfrom(1024)
        if len(req) < 48 or a.mode == "silent":
            continue
        keyed = len(req) > 48
        good_key = False
        if keyed and len(req) >= 52:
            kid = struct.unpack("!I", req[48:52])[0]
            good_key = (kid == a.key_id and
                        req[52:] == mac(a.alg, key, req[:48]))
        mode = a.mode
        if mode == "requirekey":
            mode = "good" if good_key else "kod"
            a.kiss = "AUTH"
        if mode == "kodfirst":
            s.sendto(reply(req, a, "kodnomac", keyed, good_key, key), peer)
            mode = "good"
        s.sendto(reply(req, a, mode, keyed, good_key, key), peer)


if __name__ == "__main__":
    main()
