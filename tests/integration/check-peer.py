#!/usr/bin/python3
"""check-peer.py - loopback peers for the connectivity check tests.

Usage: check-peer.py PORTFILE [tls:CERT:KEY ...] [tcp] [blackhole] [closed]

Starts one listener per argument on 127.0.0.1 and writes "NAME PORT" lines
to PORTFILE (then renames it into place, so a reader sees all or nothing):
  tls:CERT:KEY  accepts and completes TLS handshakes with CERT/KEY
  tcp           accepts TCP connections and keeps them until the peer closes
  blackhole     listens with backlog 0 and never accepts; its queue is filled
                by the peer itself, so new SYNs are dropped (connect times out)
  closed        a port that was bound and closed again (connection refused)
Runs until killed.  Loopback only."""
import os
import socket
import ssl
import sys
import threading


def serve_tcp(sock, ctx):
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=hold, args=(conn, ctx), daemon=True).start()


def hold(conn, ctx):
    try:
        if ctx is not None:
            conn = ctx.wrap_socket(conn, server_side=True)
        while conn.recv(4096):
            pass
    except (OSError, ssl.SSLError):
        pass
    finally:
        conn.close()


def main():
    portfile = sys.argv[1]
    lines, keep = [], []
    for spec in sys.argv[2:]:
        name = spec.split(":")[0]
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        if name == "closed":
            s.close()
        elif name == "blackhole":
            s.listen(0)
            # Fill the accept queue (and the SYN queue behind it).
            for _ in range(4):
                c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                c.setblocking(False)
                try:
                    c.connect(("127.0.0.1", port))
                except BlockingIOError:
                    pass
                keep.append(c)
            keep.append(s)
        else:
            ctx = None
            if name == "tls":
                _, cert, key = spec.split(":")
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                ctx.load_cert_chain(cert, key)
            s.listen(64)
            threading.Thread(target=serve_tcp, args=(s, ctx), daemon=True).start()
            keep.append(s)
        lines.append("%s %d\n" % (name, port))
    with open(portfile + ".tmp", "w") as f:
        f.writelines(lines)
    os.rename(portfile + ".tmp", portfile)
    threading.Event().wait()


if __name__ == "__main__":
    main()
