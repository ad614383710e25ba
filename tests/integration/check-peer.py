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
  proxy:LOG     an HTTP proxy that only does CONNECT; appends each target
                ("host:port") to LOG and then relays bytes both ways
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


def relay(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def proxy_conn(conn, log):
    try:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk or len(head) > 8192:
                conn.close()
                return
            head += chunk
        line = head.split(b"\r\n", 1)[0].decode("ascii", "replace").split()
        if len(line) < 2 or line[0] != "CONNECT":
            conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            conn.close()
            return
        with open(log, "a") as f:
            f.write(line[1] + "\n")
        host, port = line[1].rsplit(":", 1)
        try:
            up = socket.create_connection((host.strip("[]"), int(port)), timeout=5)
        except OSError:
            conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            conn.close()
            return
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        threading.Thread(target=relay, args=(up, conn), daemon=True).start()
        relay(conn, up)
    except OSError:
        conn.close()


def serve_proxy(sock, log):
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=proxy_conn, args=(conn, log), daemon=True).start()


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
        elif name == "proxy":
            s.listen(64)
            threading.Thread(target=serve_proxy, args=(s, spec.split(":", 1)[1]),
                             daemon=True).start()
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
