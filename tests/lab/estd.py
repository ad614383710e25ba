#!/usr/bin/python3
"""estd.py - the lab EST (RFC 7030) enrollment service.

A test fixture, but real over TLS: Python stdlib + python3-cryptography
(Debian's, so run it with /usr/bin/python3).  Loopback only.

  estd.py init  --state DIR                 make the CA and server certs
  estd.py serve --state DIR [options]       run the service (foreground)
  estd.py otp new SERIAL --state DIR        print a fresh OTP (portal-like)
  estd.py set --state DIR [control options] change behaviour of a running
                                            service (failure injection,
                                            clock, lifetime...)
  estd.py show --state DIR                  print the control settings

State dir (created at first start):
  ca.pem ca.key                 the lab CA (trust anchor for certwiz)
  server.pem server.key         TLS cert for 127.0.0.1, ::1, localhost
  other-ca.pem other-server.*   an unrelated CA for --untrusted
  db.json db.lock               OTPs (SHA-256 only, never the OTP) + control
  port pid                      written once listening (atomically)
  estd.log                      one line per request (never an OTP)

OTP rules (the support portal's): valid 60 minutes, one use.  A repeat of
the same OTP with the same CSR public key replays the certificate already
issued (an appliance resuming after a broken connection); any other reuse
is 401.

Failure injection (`--fail MODE`, for `--count N` requests, default all):
  401 400 415 500 503     that status, OTP untouched
  202                     Retry-After (--retry-after S), OTP bound to the
                          CSR key; after the count, the certificate
  content-type            OTP spent, 200 with text/html
  garbage-base64          OTP spent, 200 with a body that is not base64
  garbage-pkcs7           OTP spent, 200 with base64 of random bytes
  other-key               OTP spent, 200 with a certificate for another key
  huge                    OTP spent, 200 with a valid answer padded to 2 MiB
  binary                  OTP spent, 200 with DER and
                          Content-Transfer-Encoding: binary (not an error:
                          some servers do this)
  policy                  403 "Request rejected: subject not permitted by
                          CA policy" (OTP untouched)
  drop                    request read, OTP spent, connection closed with
                          no answer (the "may have been received" case)
  hang:S                  wait S seconds before answering
  none                    back to normal
--close always|after-401|none  close the connection after each response
  (no Connection: close header) or after a 401 only.

Stricter modes (RFC 7030), control options:
  --cacerts LIST          what /cacerts answers, comma-separated from
                          ca (the lab CA), inter (an intermediate under it),
                          other (the unrelated CA): e.g. "ca,other" for a
                          man in the middle (with --untrusted)
  --csrattrs none|offered|enforced
                          /csrattrs: 404, or a P-384 key, ecdsa-with-SHA384,
                          serialNumber, macAddress and emailAddress
                          (--csrattrs-extra OID adds one more); enforced:
                          a CSR without them is refused (400 "CSR
                          Attributes missing in request")
  --pop none|required     required: challengePassword must be the base64
                          tls-unique of the request's own connection (401
                          "Proof of Possession Mismatch")
  --auth basic|digest     digest: HTTP Digest (MD5, qop=auth) with the
                          serial and the OTP (db keeps only MD5(serial:
                          realm:OTP), never the OTP)
  --approval auto|manual  manual: 202 + Retry-After until
                          `estd.py approve SERIAL --state DIR`
Every request's log line says "auth=basic" or "auth=digest" when it
carried an Authorization header (never its value).
"""

import argparse
import base64
import binascii
import datetime
import fcntl
import hashlib
import http.server
import ipaddress
import json
import os
import secrets
import socket
import socketserver
import ssl
import sys
import threading
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

EST_PREFIX = "/.well-known/est/"
MAX_BODY = 64 * 1024
OTP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
OTP_LEN = 32

DEFAULT_CONTROL = {
    "fail": "none",
    "fail_count": -1,          # -1: every request until reset
    "fail_endpoint": "any",
    "close": "none",
    "clock_offset": 0,
    "retry_after": 1,
    "lifetime_seconds": 90 * 86400,
    "otp_lifetime_seconds": 3600,
    "wrap": 64,
    "cte": True,
    "chain": False,
    "cacerts": "ca",
    "csrattrs": "none",
    "csrattrs_extra": "",
    "pop": "none",
    "auth": "basic",
    "approval": "auto",
}
REALM = "estd"
OID_MAC = "1.3.6.1.1.1.1.22"

FAIL_MODES = ("none", "401", "400", "415", "500", "503", "202", "content-type",
              "garbage-base64", "garbage-pkcs7", "other-key", "huge", "binary",
              "drop", "policy")


# ---------------------------------------------------------------- state

class Store:
    """db.json guarded by flock on db.lock: shared by the server threads and
    the `otp new` / `set` commands."""

    def __init__(self, state):
        self.state = state
        self.path = os.path.join(state, "db.json")
        self.lock = os.path.join(state, "db.lock")

    def __enter__(self):
        self.fd = os.open(self.lock, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            with open(self.path) as f:
                self.db = json.load(f)
        except FileNotFoundError:
            self.db = {}
        self.db.setdefault("otps", {})
        ctl = dict(DEFAULT_CONTROL)
        ctl.update(self.db.get("control", {}))
        self.db["control"] = ctl
        self.dirty = False
        return self

    def save(self):
        self.dirty = True

    def __exit__(self, *exc):
        try:
            if self.dirty and exc[0] is None:
                write_file(self.path, json.dumps(self.db, indent=1).encode(), 0o600)
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)


def write_file(path, data, mode=0o644):
    tmp = "%s.tmp.%d.%d" % (path, os.getpid(), threading.get_ident())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


def now(ctl):
    """The service's clock: real time shifted by the control offset and
    ESTD_CLOCK_OFFSET (seconds), so tests can travel in time."""
    env = float(os.environ.get("ESTD_CLOCK_OFFSET", "0") or 0)
    return time.time() + float(ctl.get("clock_offset", 0)) + env


def utc(ts):
    return datetime.datetime.utcfromtimestamp(int(ts))


def otp_hash(otp):
    return hashlib.sha256(otp.encode()).hexdigest()


# ---------------------------------------------------------------- CA

def new_key():
    return ec.generate_private_key(ec.SECP256R1())


def key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def cert_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def make_ca(cn):
    key = new_key()
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "certwiz lab"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    t = time.time()
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(utc(t - 86400))
            .not_valid_after(utc(t + 20 * 365 * 86400))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True,
                                         False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def make_server_cert(ca_key, ca_cert):
    key = new_key()
    t = time.time()
    san = x509.SubjectAlternativeName([
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1"))])
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(utc(t - 86400))
            .not_valid_after(utc(t + 10 * 365 * 86400))
            .add_extension(san, critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def init_state(state):
    os.makedirs(state, mode=0o700, exist_ok=True)
    for prefix, cn in (("", "certwiz lab EST CA"), ("other-", "untrusted other CA")):
        ca_path = os.path.join(state, prefix + "ca.pem")
        if os.path.exists(ca_path):
            continue
        ca_key, ca_cert = make_ca(cn)
        srv_key, srv_cert = make_server_cert(ca_key, ca_cert)
        write_file(os.path.join(state, prefix + "ca.key"), key_pem(ca_key), 0o600)
        write_file(os.path.join(state, prefix + "server.key"), key_pem(srv_key), 0o600)
        write_file(os.path.join(state, prefix + "server.pem"), cert_pem(srv_cert))
        write_file(ca_path, cert_pem(ca_cert))
    inter = os.path.join(state, "inter-ca.pem")
    if not os.path.exists(inter):
        ca_key, ca_cert = load_ca(state)
        key = new_key()
        t = time.time()
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "certwiz lab"),
                    x509.NameAttribute(NameOID.COMMON_NAME, "certwiz lab intermediate")]))
                .issuer_name(ca_cert.subject)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(utc(t - 86400))
                .not_valid_after(utc(t + 10 * 365 * 86400))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .sign(ca_key, hashes.SHA256()))
        write_file(inter, cert_pem(cert))


def load_ca(state):
    with open(os.path.join(state, "ca.key"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    with open(os.path.join(state, "ca.pem"), "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    return key, cert


def issue(ca_key, ca_cert, cn, pub, ctl, csr=None):
    t = now(ctl)
    if isinstance(pub, rsa.RSAPublicKey):
        ku = x509.KeyUsage(True, False, True, False, False, False, False, False, False)
    else:
        ku = x509.KeyUsage(True, False, False, False, False, False, False, False, False)
    b = (x509.CertificateBuilder()
            .subject_name(csr.subject if csr is not None else
                          x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
            .issuer_name(ca_cert.subject)
            .public_key(pub)
            .serial_number(x509.random_serial_number())
            .not_valid_before(utc(t - 60))
            .not_valid_after(utc(t + int(ctl["lifetime_seconds"])))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(ku, critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False))
    # What the request carried: its subject (CN, serialNumber, e-mail),
    # its subjectAltName and macAddress, signed with its hash.
    algo = hashes.SHA256()
    if csr is not None:
        for ext in csr.extensions:
            if ext.oid == x509.oid.ExtensionOID.SUBJECT_ALTERNATIVE_NAME or \
                    ext.oid.dotted_string == OID_MAC:
                b = b.add_extension(ext.value, critical=False)
        try:
            mac = csr.attributes.get_attribute_for_oid(x509.ObjectIdentifier(OID_MAC))
            if not any(e.oid.dotted_string == OID_MAC for e in csr.extensions):
                b = b.add_extension(x509.UnrecognizedExtension(
                    x509.ObjectIdentifier(OID_MAC), der_ia5(mac.value)), critical=False)
        except x509.AttributeNotFound:
            pass
        if csr.signature_hash_algorithm is not None and \
                csr.signature_hash_algorithm.name in ("sha384", "sha512"):
            algo = getattr(hashes, csr.signature_hash_algorithm.name.upper())()
    return b.sign(ca_key, algo)


def der_len(n):
    if n < 128:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def der(tag, body):
    return bytes([tag]) + der_len(len(body)) + body


def der_oid(dotted):
    parts = [int(x) for x in dotted.split(".")]
    out = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        enc = [p & 0x7f]
        p >>= 7
        while p:
            enc.append(0x80 | (p & 0x7f))
            p >>= 7
        out += bytes(reversed(enc))
    return der(0x06, out)


def der_ia5(value):
    if isinstance(value, str):
        value = value.encode()
    return der(0x16, value)


def csrattrs_der(ctl):
    """CsrAttrs (RFC 7030 4.5.2), DER by hand: the lab's own fixture."""
    items = [
        # Attribute { id-ecPublicKey, SET { secp384r1 } }
        der(0x30, der_oid("1.2.840.10045.2.1") + der(0x31, der_oid("1.3.132.0.34"))),
        der_oid("1.2.840.10045.4.3.3"),          # ecdsa-with-SHA384
        der_oid("2.5.4.5"),                      # serialNumber
        der_oid(OID_MAC),                        # macAddress
        der_oid("1.2.840.113549.1.9.1"),         # emailAddress
    ]
    if ctl.get("pop") == "required":
        items.insert(0, der_oid("1.2.840.113549.1.9.7"))  # challengePassword
    if ctl.get("csrattrs_extra"):
        items.append(der_oid(ctl["csrattrs_extra"]))
    return der(0x30, b"".join(items))


def pub_fingerprint(pub):
    der = pub.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


# ---------------------------------------------------------------- HTTP

class HTTPError(Exception):
    def __init__(self, status, text, headers=None, reason=None):
        super().__init__(text)
        self.status = status
        self.text = text
        self.headers = headers or {}
        self.reason = reason


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "certwiz-lab-estd/1"
    timeout = 30

    def setup(self):
        # The TLS handshake runs here, in the connection's own thread, so a
        # bad client never stalls the accept loop.
        self.request.settimeout(self.timeout)
        try:
            self.request.do_handshake()
        except (ssl.SSLError, OSError) as e:
            self.server.log("%s TLS handshake failed: %s" % (self.client_address[0], e))
            raise
        super().setup()

    def log_message(self, fmt, *args):
        pass  # our own log line per request, see log_request_line

    def log_request_line(self, status, serial=""):
        auth = (self.headers.get("Authorization") or "").split(" ", 1)[0].lower()
        self.server.log("%s %s %s %s serial=%s%s%s" % (
            self.client_address[0], self.command, self.path, status, serial or "-",
            " b64-line=%d" % self.b64_line if getattr(self, "b64_line", None) else "",
            " auth=%s" % auth if auth else ""))

    # -- plumbing

    def respond(self, status, body=b"", ctype="text/plain; charset=utf-8",
                headers=None, serial="", reason=None):
        self.send_response(status, reason)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()
        self.log_request_line(status, serial)
        close = self.ctl["close"]
        if close == "always" or (close == "after-401" and status == 401):
            # Close without announcing it: the client finds out on reuse.
            self.close_connection = True

    def send_certs(self, certs, serial):
        der = pkcs7.serialize_certificates(certs, serialization.Encoding.DER)
        b64 = base64.b64encode(der).decode()
        wrap = int(self.ctl["wrap"])
        if wrap > 0:
            b64 = "\r\n".join(b64[i:i + wrap] for i in range(0, len(b64), wrap)) + "\r\n"
        headers = {}
        if self.ctl["cte"]:
            headers["Content-Transfer-Encoding"] = "base64"
        self.respond(200, b64.encode(), "application/pkcs7-mime; smime-type=certs-only",
                     headers, serial)

    def read_body(self):
        n = self.headers.get("Content-Length")
        if n is None:
            raise HTTPError(411, "Content-Length required")
        n = int(n)
        if n < 0 or n > MAX_BODY:
            raise HTTPError(413, "request too large")
        return self.rfile.read(n)

    def endpoint(self):
        p = self.path.split("?", 1)[0]
        if not p.startswith(EST_PREFIX):
            return None
        return p[len(EST_PREFIX):]

    # -- failure injection

    def take_failure(self, ep):
        """The injected failure for this request (and count it), or None."""
        with Store(self.server.state) as st:
            ctl = st.db["control"]
            mode = ctl["fail"]
            if mode == "none" or ctl["fail_count"] == 0:
                return None
            if ctl["fail_endpoint"] not in ("any", ep):
                return None
            if ctl["fail_count"] > 0:
                ctl["fail_count"] -= 1
                st.save()
            return mode

    # -- methods

    def do_GET(self):
        self.handle_est("GET")

    def do_POST(self):
        self.handle_est("POST")

    def handle_est(self, method):
        self.b64_line = None
        with Store(self.server.state) as st:
            self.ctl = dict(st.db["control"])
        ep = self.endpoint()
        serial = ""
        try:
            body = self.read_body() if method == "POST" else b""
            want = {"cacerts": "GET", "csrattrs": "GET", "simpleenroll": "POST",
                    "simplereenroll": "POST"}
            if ep not in want:
                raise HTTPError(404, "no such EST endpoint")
            if want[ep] != method:
                raise HTTPError(405, "method not allowed", {"Allow": want[ep]})
            fail = self.take_failure(ep)
            if fail is not None and fail.startswith("hang:"):
                time.sleep(float(fail[5:]))
                fail = None
            if fail in ("401", "400", "415", "500", "503"):
                hdr = {"Retry-After": str(self.ctl["retry_after"])} if fail == "503" else {}
                if fail == "401":
                    hdr["WWW-Authenticate"] = 'Basic realm="estd"'
                raise HTTPError(int(fail), "injected failure %s" % fail, hdr)
            if fail == "policy":
                raise HTTPError(403, "Request rejected: subject not permitted by CA policy",
                                reason="Forbidden by policy")
            if ep == "csrattrs":
                self.send_csrattrs()
                return
            if ep == "cacerts":
                certs = [self.server.named_cert(n) for n in self.ctl["cacerts"].split(",")]
            elif ep == "simpleenroll":
                serial, certs = self.simpleenroll(body, fail)
            else:
                serial, certs = self.simplereenroll(body)
            if certs == "manual":
                self.respond(202, b"Request pending manual approval\n", headers={
                    "Retry-After": str(self.ctl["retry_after"])}, serial=serial,
                    reason="Accepted: pending manual approval")
                return
            if certs is None:   # 202
                self.respond(202, b"pending\n", headers={
                    "Retry-After": str(self.ctl["retry_after"])}, serial=serial)
                return
            if fail == "drop":
                self.log_request_line("dropped", serial)
                self.close_connection = True
                return
            if fail == "content-type":
                self.respond(200, b"<html>not EST</html>\n", "text/html", serial=serial)
            elif fail == "garbage-base64":
                self.respond(200, b"%%% this is not base64 ***\r\n",
                             "application/pkcs7-mime; smime-type=certs-only", serial=serial)
            elif fail == "garbage-pkcs7":
                b64 = base64.encodebytes(os.urandom(300))
                self.respond(200, b64, "application/pkcs7-mime; smime-type=certs-only",
                             {"Content-Transfer-Encoding": "base64"}, serial=serial)
            elif fail == "huge":
                # A valid answer padded with 2 MiB of line breaks: only the
                # client's size cap refuses it.
                der = pkcs7.serialize_certificates(certs, serialization.Encoding.DER)
                body = base64.encodebytes(der) + b"\r\n" * (1024 * 1024)
                self.respond(200, body, "application/pkcs7-mime; smime-type=certs-only",
                             serial=serial)
            elif fail == "binary":
                der = pkcs7.serialize_certificates(certs, serialization.Encoding.DER)
                self.respond(200, der, "application/pkcs7-mime; smime-type=certs-only",
                             {"Content-Transfer-Encoding": "binary"}, serial=serial)
            elif fail == "other-key" and ep != "cacerts":
                other = issue(self.server.ca_key, self.server.ca_cert, serial,
                              new_key().public_key(), self.ctl)
                self.send_certs([other], serial)
            else:
                if ep != "cacerts" and self.ctl["chain"]:
                    certs = certs + [self.server.ca_cert]
                self.send_certs(certs, serial)
        except HTTPError as e:
            self.respond(e.status, (e.text + "\n").encode(), headers=e.headers,
                         serial=serial, reason=e.reason)

    # -- EST operations

    def parse_csr(self, body):
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/pkcs10":
            raise HTTPError(415, "Content-Type must be application/pkcs10")
        # RFC 2045: base64 lines of at most 76 characters; logged so that
        # the tests can see how the client wraps.
        self.b64_line = max((len(l) for l in body.splitlines()), default=0)
        if self.b64_line > 76:
            raise HTTPError(400, "base64 lines longer than 76 characters")
        try:
            der = base64.b64decode(b"".join(body.split()), validate=True)
            csr = x509.load_der_x509_csr(der)
        except (binascii.Error, ValueError) as e:
            raise HTTPError(400, "bad PKCS#10 request: %s" % e)
        if not csr.is_signature_valid:
            raise HTTPError(400, "CSR signature does not verify")
        pub = csr.public_key()
        if isinstance(pub, rsa.RSAPublicKey):
            if pub.key_size < 2048:
                raise HTTPError(400, "RSA key too small")
        elif not isinstance(pub, ec.EllipticCurvePublicKey):
            raise HTTPError(400, "unsupported key type")
        cns = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return csr, pub, (cns[0].value if len(cns) == 1 else None)

    def basic_auth(self):
        h = self.headers.get("Authorization") or ""
        if not h.lower().startswith("basic "):
            return None, None
        try:
            user, _, pw = base64.b64decode(h[6:].strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        return user, pw

    def digest_challenge(self):
        return 'Digest realm="%s", qop="auth", algorithm=MD5, nonce="%s"' % (
            REALM, secrets.token_hex(16))

    def digest_auth(self, otps):
        """The OTP record the Digest response proves, or None."""
        h = self.headers.get("Authorization") or ""
        if not h.lower().startswith("digest "):
            return None, None
        f = {}
        for part in h[7:].split(","):
            k, _, v = part.strip().partition("=")
            f[k.strip().lower()] = v.strip().strip('"')
        md5 = lambda x: hashlib.md5(x.encode()).hexdigest()
        ha2 = md5("%s:%s" % (self.command, f.get("uri", "")))
        for h_otp, rec in otps.items():
            if rec.get("serial") != f.get("username") or "ha1" not in rec:
                continue
            if f.get("qop") == "auth":
                want = md5("%s:%s:%s:%s:auth:%s" % (rec["ha1"], f.get("nonce", ""),
                                                    f.get("nc", ""), f.get("cnonce", ""), ha2))
            else:
                want = md5("%s:%s:%s" % (rec["ha1"], f.get("nonce", ""), ha2))
            if secrets.compare_digest(want, f.get("response", "")):
                return rec["serial"], h_otp
        return None, None

    def send_csrattrs(self):
        mode = self.ctl["csrattrs"]
        if mode == "none":
            raise HTTPError(404, "no CSR attributes")
        b64 = base64.b64encode(csrattrs_der(self.ctl)).decode() + "\r\n"
        self.respond(200, b64.encode(), "application/csrattrs",
                     {"Content-Transfer-Encoding": "base64"})

    def check_strict(self, csr, pub):
        """csrattrs enforced and PoP linking, as a strict EST server does."""
        if self.ctl["csrattrs"] == "enforced":
            ok = (isinstance(pub, ec.EllipticCurvePublicKey) and pub.curve.name == "secp384r1"
                  and csr.signature_hash_algorithm is not None
                  and csr.signature_hash_algorithm.name == "sha384"
                  and csr.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
                  and csr.subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS))
            try:
                csr.attributes.get_attribute_for_oid(x509.ObjectIdentifier(OID_MAC))
            except x509.AttributeNotFound:
                ok = False
            if not ok:
                raise HTTPError(400, "CSR Attributes missing in request",
                                reason="CSR Attributes missing in request")
        if self.ctl["pop"] == "required":
            try:
                got = csr.attributes.get_attribute_for_oid(
                    x509.oid.AttributeOID.CHALLENGE_PASSWORD).value
            except x509.AttributeNotFound:
                got = b""
            tlsu = self.request.get_channel_binding("tls-unique") \
                if self.request.version() == "TLSv1.2" else None
            if tlsu is None or got != base64.b64encode(tlsu):
                raise HTTPError(401, "Proof of Possession Mismatch",
                                {"WWW-Authenticate": 'Basic realm="estd"'},
                                reason="Proof of Possession Mismatch")

    def simpleenroll(self, body, fail):
        digest = self.ctl["auth"] == "digest"
        unauth = HTTPError(401, "OTP wrong, used or expired",
                           {"WWW-Authenticate": self.digest_challenge() if digest
                            else 'Basic realm="estd"'})
        if digest:
            with Store(self.server.state) as st:
                serial, h_otp = self.digest_auth(st.db["otps"])
        else:
            serial, otp = self.basic_auth()
            h_otp = otp_hash(otp) if otp else None
        if not serial or not h_otp:
            raise unauth
        csr, pub, cn = self.parse_csr(body)
        if cn != serial:
            raise HTTPError(400, "CSR subject CN must be the device serial", )
        self.check_strict(csr, pub)
        keyfp = pub_fingerprint(pub)
        with Store(self.server.state) as st:
            ctl = st.db["control"]
            rec = st.db["otps"].get(h_otp)
            t = now(ctl)
            if rec is None or rec["serial"] != serial:
                raise unauth
            if t > rec["created"] + rec["lifetime"]:
                raise unauth
            if rec.get("key") is not None and rec["key"] != keyfp:
                raise unauth
            rec["key"] = keyfp
            if ctl["approval"] == "manual" and not rec.get("approved"):
                st.save()
                return serial, "manual"
            if fail == "202":
                st.save()
                return serial, None
            if rec.get("cert") is None:
                cert = issue(self.server.ca_key, self.server.ca_cert, serial, pub, ctl, csr)
                rec["cert"] = cert_pem(cert).decode()
                rec["issued"] = t
            else:
                cert = x509.load_pem_x509_certificate(rec["cert"].encode())
            rec["uses"] = rec.get("uses", 0) + 1
            st.save()
        return serial, [cert]

    def simplereenroll(self, body):
        der = self.request.getpeercert(binary_form=True)
        if der is None:
            raise HTTPError(403, "client certificate required")
        peer = x509.load_der_x509_certificate(der)
        t = now(self.ctl)
        ca = self.server.ca_cert
        try:
            ca.public_key().verify(peer.signature, peer.tbs_certificate_bytes,
                                   ec.ECDSA(peer.signature_hash_algorithm))
        except Exception:
            raise HTTPError(403, "client certificate not issued by this CA")
        if not (utc(t) >= peer.not_valid_before and utc(t) <= peer.not_valid_after):
            raise HTTPError(403, "client certificate not valid now")
        cns = peer.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        serial = cns[0].value if cns else ""
        csr, pub, cn = self.parse_csr(body)
        if cn != serial:
            raise HTTPError(400, "CSR subject CN must match the client certificate")
        self.check_strict(csr, pub)   # attributes and linking: a renewal too
        cert = issue(self.server.ca_key, ca, serial, pub, self.ctl, csr)
        return serial, [cert]


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, args):
        self.state = args.state
        self.address_family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
        self.logf = open(os.path.join(args.state, "estd.log"), "a", buffering=1)
        self.loglock = threading.Lock()
        self.ca_key, self.ca_cert = load_ca(args.state)
        self.named = {"ca": self.ca_cert}
        for name, f in (("other", "other-ca.pem"), ("inter", "inter-ca.pem")):
            with open(os.path.join(args.state, f), "rb") as fh:
                self.named[name] = x509.load_pem_x509_certificate(fh.read())
        prefix = "other-" if args.untrusted else ""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(args.state, prefix + "server.pem"),
                            os.path.join(args.state, prefix + "server.key"))
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        if args.tls == "1.2":
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        elif args.tls == "1.3":
            ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        # Client certificates are asked for and checked when sent; only
        # simplereenroll insists on one (at the HTTP level).
        ctx.verify_mode = ssl.CERT_OPTIONAL
        ctx.load_verify_locations(os.path.join(args.state, "ca.pem"))
        self.ctx = ctx
        super().__init__((args.host, args.port), Handler)

    def named_cert(self, name):
        if name not in self.named:
            raise HTTPError(500, "unknown --cacerts entry %s" % name)
        return self.named[name]

    def get_request(self):
        sock, addr = self.socket.accept()
        return self.ctx.wrap_socket(sock, server_side=True,
                                    do_handshake_on_connect=False), addr

    def handle_error(self, request, client_address):
        e = sys.exc_info()[1]
        if not isinstance(e, (ssl.SSLError, OSError)):
            self.log("error: %r" % (e,))

    def log(self, line):
        with self.loglock:
            self.logf.write("%s %s\n" % (
                datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"), line))


# ---------------------------------------------------------------- CLI

def control_args(p, defaults):
    d = (lambda v: v) if defaults else (lambda v: None)
    p.add_argument("--fail", default=d("none"),
                   help="failure mode: " + " ".join(FAIL_MODES) + " hang:S")
    p.add_argument("--count", type=int, default=d(-1),
                   help="requests the failure applies to (-1: all)")
    p.add_argument("--endpoint", default=d("any"),
                   choices=("any", "cacerts", "simpleenroll", "simplereenroll"))
    p.add_argument("--close", default=d("none"), choices=("none", "always", "after-401"))
    p.add_argument("--clock-offset", type=float, default=d(0),
                   help="shift the service clock by S seconds")
    p.add_argument("--retry-after", type=int, default=d(1))
    p.add_argument("--lifetime-days", type=float, default=None)
    p.add_argument("--lifetime-seconds", type=int, default=None)
    p.add_argument("--otp-minutes", type=float, default=None)
    p.add_argument("--wrap", type=int, default=d(64), help="base64 line length, 0: none")
    p.add_argument("--no-cte", action="store_true",
                   help="no Content-Transfer-Encoding header")
    p.add_argument("--cte", action="store_true")
    p.add_argument("--chain", action="store_true", help="send the CA with the certificate")
    p.add_argument("--no-chain", action="store_true")
    p.add_argument("--cacerts", default=d("ca"), help="/cacerts: ca,inter,other")
    p.add_argument("--csrattrs", default=d("none"), choices=("none", "offered", "enforced"))
    p.add_argument("--csrattrs-extra", default=d(""), help="one more OID to ask for")
    p.add_argument("--pop", default=d("none"), choices=("none", "required"))
    p.add_argument("--auth", default=d("basic"), choices=("basic", "digest"))
    p.add_argument("--approval", default=d("auto"), choices=("auto", "manual"))


def apply_control(ctl, a):
    if a.fail is not None:
        if a.fail not in FAIL_MODES and not a.fail.startswith("hang:"):
            sys.exit("estd: unknown failure mode '%s'" % a.fail)
        ctl["fail"] = a.fail
        ctl["fail_count"] = a.count if a.count is not None else -1
    elif a.count is not None:
        ctl["fail_count"] = a.count
    for key, val in (("fail_endpoint", a.endpoint), ("close", a.close),
                     ("clock_offset", a.clock_offset), ("retry_after", a.retry_after),
                     ("wrap", a.wrap), ("cacerts", a.cacerts), ("csrattrs", a.csrattrs),
                     ("csrattrs_extra", a.csrattrs_extra), ("pop", a.pop),
                     ("auth", a.auth), ("approval", a.approval)):
        if val is not None:
            ctl[key] = val
    if a.lifetime_days is not None:
        ctl["lifetime_seconds"] = int(a.lifetime_days * 86400)
    if a.lifetime_seconds is not None:
        ctl["lifetime_seconds"] = a.lifetime_seconds
    if a.otp_minutes is not None:
        ctl["otp_lifetime_seconds"] = int(a.otp_minutes * 60)
    if a.no_cte:
        ctl["cte"] = False
    if a.cte:
        ctl["cte"] = True
    if a.chain:
        ctl["chain"] = True
    if a.no_chain:
        ctl["chain"] = False


def cmd_serve(a):
    init_state(a.state)
    with Store(a.state) as st:
        st.db["control"] = dict(DEFAULT_CONTROL)
        apply_control(st.db["control"], a)
        st.save()
    srv = Server(a)
    write_file(os.path.join(a.state, "pid"), b"%d\n" % os.getpid())
    write_file(os.path.join(a.state, "port"), b"%d\n" % srv.server_address[1])
    srv.log("listening on %s port %d tls=%s%s" % (
        a.host, srv.server_address[1], a.tls, " untrusted" if a.untrusted else ""))
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


def cmd_otp(a):
    if a.action != "new":
        sys.exit("estd: usage: otp new SERIAL --state DIR")
    init_state(a.state)
    otp = "".join(secrets.choice(OTP_ALPHABET) for _ in range(OTP_LEN))
    with Store(a.state) as st:
        ctl = st.db["control"]
        lifetime = ctl["otp_lifetime_seconds"]
        if a.minutes is not None:
            lifetime = int(a.minutes * 60)
        st.db["otps"][otp_hash(otp)] = {
            "serial": a.serial, "created": now(ctl), "lifetime": lifetime,
            # For Digest: HA1 only (as htdigest keeps it), never the OTP.
            "ha1": hashlib.md5(("%s:%s:%s" % (a.serial, REALM, otp)).encode()).hexdigest()}
        st.save()
    print(otp)
    return 0


def cmd_approve(a):
    with Store(a.state) as st:
        for rec in st.db["otps"].values():
            if rec.get("serial") == a.serial:
                rec["approved"] = True
        st.save()
    return 0


def cmd_set(a):
    init_state(a.state)
    with Store(a.state) as st:
        apply_control(st.db["control"], a)
        st.save()
    return 0


def cmd_show(a):
    with Store(a.state) as st:
        print(json.dumps(st.db["control"], indent=1, sort_keys=True))
    return 0


def main(argv):
    p = argparse.ArgumentParser(prog="estd.py", description="lab EST service")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("init", help="make the CA and server certificates")
    s.add_argument("--state", required=True)

    s = sub.add_parser("serve", help="run the service in the foreground")
    s.add_argument("--state", required=True)
    s.add_argument("--host", default="127.0.0.1", choices=("127.0.0.1", "::1"))
    s.add_argument("--port", type=int, default=0, help="0: any free port")
    s.add_argument("--tls", default="any", choices=("any", "1.2", "1.3"))
    s.add_argument("--untrusted", action="store_true",
                   help="serve a certificate from an unrelated CA")
    control_args(s, True)

    s = sub.add_parser("otp", help="otp new SERIAL: print a fresh OTP")
    s.add_argument("action", choices=("new",))
    s.add_argument("serial")
    s.add_argument("--state", required=True)
    s.add_argument("--minutes", type=float, default=None, help="OTP lifetime")

    s = sub.add_parser("approve", help="approve SERIAL's pending requests (manual approval)")
    s.add_argument("serial")
    s.add_argument("--state", required=True)

    s = sub.add_parser("set", help="change a running service's behaviour")
    s.add_argument("--state", required=True)
    control_args(s, False)

    s = sub.add_parser("show", help="print the control settings")
    s.add_argument("--state", required=True)

    a = p.parse_args(argv)
    if a.cmd == "init":
        init_state(a.state)
        return 0
    return {"serve": cmd_serve, "otp": cmd_otp, "set": cmd_set, "show": cmd_show,
            "approve": cmd_approve}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
