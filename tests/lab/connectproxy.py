#!/usr/bin/python3
"""connectproxy.py - a minimal HTTP CONNECT proxy for the lab (loopback
only, tunnels only to loopback).  Python stdlib.

  connectproxy.py --state DIR [--port N]

Writes DIR/proxy.port and DIR/proxy.pid once listening, and one line per
tunnel, "CONNECT host:port status", to DIR/proxy.log.
"""

import argparse
import os
import select
import socket
import socketserver
import sys
import threading

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


class Handler(socketserver.StreamRequestHandler):
    rbufsize = 0    # unbuffered: no tunnel byte is left in a read buffer

    def handle(self):
        line = self.rfile.readline(4096).decode("latin-1").strip()
        while True:  # skip the request headers
            h = self.rfile.readline(4096)
            if h in (b"\r\n", b"\n", b""):
                break
        parts = line.split()
        if len(parts) != 3 or parts[0] != "CONNECT":
            return self.answer(line, 405, "only CONNECT")
        host, _, port = parts[1].rpartition(":")
        if host not in LOOPBACK or not port.isdigit():
            return self.answer(line, 403, "loopback only")
        try:
            up = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        except OSError:
            return self.answer(line, 502, "cannot connect")
        self.answer(line, 200, "Connection established")
        self.relay(up)

    def answer(self, line, status, text):
        self.server.log("%s %d" % (line, status))
        self.wfile.write(("HTTP/1.1 %d %s\r\n\r\n" % (status, text)).encode())
        self.wfile.flush()

    def relay(self, up):
        down = self.connection
        socks = [down, up]
        try:
            while True:
                r, _, _ = select.select(socks, [], [], 60)
                if not r:
                    return
                for s in r:
                    data = s.recv(65536)
                    if not data:
                        return
                    (up if s is down else down).sendall(data)
        except OSError:
            return
        finally:
            up.close()


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, state, port):
        self.logf = open(os.path.join(state, "proxy.log"), "a", buffering=1)
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", port), Handler)

    def log(self, line):
        with self.lock:
            self.logf.write(line + "\n")


def write_file(path, data):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(data)
    os.rename(tmp, path)


def main(argv):
    p = argparse.ArgumentParser(prog="connectproxy.py")
    p.add_argument("--state", required=True)
    p.add_argument("--port", type=int, default=0)
    a = p.parse_args(argv)
    os.makedirs(a.state, exist_ok=True)
    srv = Server(a.state, a.port)
    write_file(os.path.join(a.state, "proxy.pid"), "%d\n" % os.getpid())
    write_file(os.path.join(a.state, "proxy.port"), "%d\n" % srv.server_address[1])
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
