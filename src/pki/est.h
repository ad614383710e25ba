/* est.h - EST client (RFC 7030) over libcurl: /cacerts (trust bootstrap),
 * /simpleenroll (HTTP Basic: device serial + OTP), /simplereenroll (mutual
 * TLS with the current certificate).
 *
 * The client only talks: it neither writes files nor decides.  It returns
 * the certificates as PEM strings in a struct cw_est_certs (caller owns,
 * cw_est_certs_release()), and after every request tells how far the
 * request got (cw_est_delivery()), so that the enrollment flow can tell an
 * OTP that was never sent from one that may be spent.
 *
 * Secrets: the OTP stays in its struct cw_secret; the Basic credentials
 * are built in secret buffers, handed to libcurl without a copy and wiped
 * after the request.  Call cw_est_global_init() before any other libcurl
 * use in the process: it installs allocators that wipe every block libcurl
 * frees, so its own copies of the request headers are wiped too. */
#ifndef CW_EST_H
#define CW_EST_H

#include <stddef.h>

#include "core/cfg.h"
#include "core/error.h"
#include "core/secret.h"

/* How the TLS server certificate is checked. */
enum cw_est_trust {
	CW_EST_TRUST_ANCHOR = 0,	/* against opts.trust_anchor (PEM file) */
	CW_EST_TRUST_SYSTEM,		/* against the system CA store */
	/* Bootstrap only (/cacerts): no server authentication; the caller
	 * must have the admin confirm the returned CA fingerprints. */
	CW_EST_TRUST_NONE_BOOTSTRAP,
	CW_EST_TRUST__MAX
};

/* How far the last request got. */
enum cw_est_delivery {
	CW_EST_NOT_SENT = 0,	/* no byte of the request left: safe to retry */
	CW_EST_MAYBE_RECEIVED,	/* sent, no complete answer: the server may
				 * have acted on it (an OTP may be spent) */
	CW_EST_ANSWERED,	/* the server answered (see cw_est_http_status) */
	CW_EST_DELIVERY__MAX
};

/* What a progress callback is told. */
enum cw_est_phase {
	CW_EST_PHASE_CONNECTING = 0,	/* before a request */
	CW_EST_PHASE_TRANSFER,		/* request on the wire */
	CW_EST_PHASE_WAITING,		/* 202: waiting Retry-After seconds */
	CW_EST_PHASE__MAX
};

/* Called at least once a second while a request runs (libcurl's transfer
 * callback) and every 100 ms while a 202 poll waits.
 * poll counts the 202 answers so far; seconds_left is the countdown while
 * WAITING (else 0).  Return non-zero to cancel (CW_E_CANCELLED). */
typedef int cw_est_progress_fn(void *ctx, enum cw_est_phase phase,
    unsigned poll, long seconds_left);

struct cw_est_opts {
	const char *url;		/* EST base, ".../.well-known/est[/label]" */
	enum cw_est_trust trust;
	const char *trust_anchor;	/* PEM file, for CW_EST_TRUST_ANCHOR */
	const char *proxy;		/* NULL or "": the environment's */
	long connect_timeout_ms;	/* 0: 10000 */
	long timeout_ms;		/* whole request; 0: 60000 */
	const char *client_cert;	/* PEM files for simplereenroll */
	const char *client_key;
	unsigned max_polls;		/* 202 answers accepted; 0: 10 */
	long max_wait_s;		/* total time spent waiting; 0: 600 */
	cw_est_progress_fn *progress;	/* may be NULL */
	void *progress_ctx;
	int max_tls12;			/* cap TLS at 1.2 (tls-unique linking) */
};

struct cw_est_cert {
	char *pem;			/* one certificate, PEM */
	char subject[256];		/* one line, RFC 2253 */
	char issuer[256];
	char fingerprint[65];		/* SHA-256 of the DER, lower-case hex */
	int self_signed;		/* a root: issuer = subject, own signature */
	int is_ca;			/* basicConstraints CA (or a v1 root) */
};

struct cw_est_certs {
	/* For enrollment, certs[0] is the issued certificate (the one for the
	 * CSR's key), the rest are the chain as sent.  For /cacerts, the
	 * certificates as sent. */
	struct cw_est_cert *certs;
	size_t count;
	char *chain_pem;		/* certs[1..] concatenated ("" if none) */
	char *all_pem;			/* every certificate concatenated */
};

struct cw_est;

/* Fills opts from the configuration: [enroll] url and trust_anchor (trust
 * CW_EST_TRUST_ANCHOR), [network] proxy and timeout_ms (connect timeout);
 * everything else zero (defaults).  The strings stay owned by cfg. */
void cw_est_opts_init(struct cw_est_opts *opts, const struct cw_cfg *cfg);

/* Once per process, before any other libcurl use (also by other modules).
 * Idempotent.  Returns 0 or -1. */
int cw_est_global_init(struct cw_error *err);

/* A client for opts->url; strings in opts are copied.  Caller frees with
 * cw_est_free(). */
int cw_est_new(const struct cw_est_opts *opts, struct cw_est **out,
    struct cw_error *err);
void cw_est_free(struct cw_est *est);

/* GET /cacerts.  certs->certs[i].fingerprint is what the admin confirms. */
int cw_est_cacerts(struct cw_est *est, struct cw_est_certs *certs,
    struct cw_error *err);

/* POST /simpleenroll with csr (PEM or DER, len bytes), authenticated with
 * serial and otp.  Polls on 202 within the opts' bounds.  The response must
 * contain a certificate for the CSR's public key (else CW_E_CRYPTO).
 * Errors: CW_E_AUTH (401/403: OTP wrong, used or expired), CW_E_PROTO
 * (other statuses, content type, base64, PKCS#7, too large, still pending),
 * CW_E_TLS, CW_E_NET (see cw_est_delivery), CW_E_CANCELLED. */
int cw_est_simpleenroll(struct cw_est *est, const char *serial,
    const struct cw_secret *otp, const void *csr, size_t len,
    struct cw_est_certs *certs, struct cw_error *err);

/* POST /simplereenroll with csr, authenticated by opts->client_cert/key. */
int cw_est_simplereenroll(struct cw_est *est, const void *csr, size_t len,
    struct cw_est_certs *certs, struct cw_error *err);

/* Parses an EST answer as the requests above do (for tests, fuzzing and
 * answers obtained otherwise): content_type must be application/pkcs7-mime
 * (parameters ignored), cte is the Content-Transfer-Encoding header or
 * NULL, body base64 (or DER when cte says binary), at most 1 MiB.  With
 * csr (PEM or DER) the certificate for its key must be there and comes
 * first (else CW_E_CRYPTO).  Errors: CW_E_PROTO, CW_E_CRYPTO. */
int cw_est_parse_certs(const char *content_type, const char *cte,
    const void *body, size_t len, const void *csr, size_t csrlen,
    struct cw_est_certs *certs, struct cw_error *err);

/* ---- CSR attributes (RFC 7030 section 4.5) */

/* What a requested attribute is, for what certwiz can fill. */
enum cw_est_attr {
	CW_EST_ATTR_SERIAL = 0,	/* serialNumber 2.5.4.5: [device] serial */
	CW_EST_ATTR_CN,		/* commonName: the serial, always there */
	CW_EST_ATTR_MAC,	/* macAddress 1.3.6.1.1.1.1.22 */
	CW_EST_ATTR_EMAIL,	/* emailAddress 1.2.840.113549.1.9.1 */
	CW_EST_ATTR_SAN,	/* subjectAltName 2.5.29.17 */
	CW_EST_ATTR_UNKNOWN,	/* nothing certwiz has */
	CW_EST_ATTR__MAX
};

struct cw_est_csrattr {
	enum cw_est_attr what;
	int in_extension;	/* asked for inside extensionRequest */
	char oid[64];		/* dotted */
	char name[64];		/* OpenSSL's long name, or the dotted OID */
};

struct cw_est_csrattrs {
	int offered;		/* the server sent a non-empty list */
	char key_alg[8];	/* "", "ec" or "rsa" */
	char curve[32];		/* OpenSSL short name ("secp384r1"), "" */
	int rsa_bits;		/* 0: not said */
	char hash[16];		/* "", "sha256", "sha384", "sha512" */
	int pop;		/* challengePassword: tls-unique linking asked */
	struct cw_est_csrattr *attrs;	/* what the CSR must carry */
	size_t nattrs;
};

/* Parses a /csrattrs answer body: base64 (blanks ignored) of the DER
 * CsrAttrs (SEQUENCE OF AttrOrOID), at most 64 KiB; an empty body is an
 * empty list.  Pure: no I/O (also for fuzzing).  Errors: CW_E_PROTO. */
int cw_est_csrattrs_parse(const void *body, size_t len,
    struct cw_est_csrattrs *out, struct cw_error *err);
void cw_est_csrattrs_release(struct cw_est_csrattrs *a);

/* GET /csrattrs: 404 and 204 are "none" (out->offered = 0). */
int cw_est_csrattrs(struct cw_est *est, struct cw_est_csrattrs *out,
    struct cw_error *err);

/* ---- proof-of-possession linking (RFC 7030 section 3.5) */

/* Builds the CSR for the connection the request goes out on: tls_unique
 * is the base64 tls-unique of that TLS 1.2 connection, or NULL (TLS 1.3,
 * no linking).  *csr is a new PEM or DER buffer (caller of the callback,
 * i.e. the EST client, frees it). */
typedef int cw_est_sign_fn(void *ctx, const char *tls_unique, char **csr,
    size_t *len, struct cw_error *err);

/* POST /simpleenroll as cw_est_simpleenroll, but with the CSR signed on
 * the connection that carries it: a GET /cacerts opens (or reuses) the
 * connection, verified as the opts say; its tls-unique goes to sign();
 * the POST must go out on that same connection (checked just before the
 * request is written; on another connection nothing is sent and the CSR
 * is signed again for it).  202 answers are polled the same way. */
int cw_est_simpleenroll_linked(struct cw_est *est, const char *serial,
    const struct cw_secret *otp, cw_est_sign_fn *sign, void *sign_ctx,
    struct cw_est_certs *certs, struct cw_error *err);

/* POST /simplereenroll as cw_est_simplereenroll, signed on its connection
 * as cw_est_simpleenroll_linked: a server that links renewals too
 * (RFC 7030 3.5 applies to both) accepts it. */
int cw_est_simplereenroll_linked(struct cw_est *est, cw_est_sign_fn *sign,
    void *sign_ctx, struct cw_est_certs *certs, struct cw_error *err);

/* The TLS version of the last connection ("TLSv1.2", "TLSv1.3"; "" when
 * none) and whether the last request sent a tls-unique bound CSR. */
const char *cw_est_tls_version(const struct cw_est *est);
int cw_est_linked(const struct cw_est *est);

/* ---- refusals */

enum cw_est_refusal {
	CW_EST_REFUSED_OTHER = 0,
	CW_EST_REFUSED_AUTH,		/* 401/403 naming no other cause */
	CW_EST_REFUSED_POP,		/* proof-of-possession / linking */
	CW_EST_REFUSED_CSRATTRS,	/* CSR attributes missing or wrong */
	CW_EST_REFUSED_POLICY,		/* the CA's policy */
	CW_EST_REFUSED__MAX
};

/* Classifies a refusal by status and the server's own words (the HTTP
 * reason phrase and the body, either may be NULL).  Pure. */
enum cw_est_refusal cw_est_refusal_classify(long status, const char *reason,
    const char *body, size_t len);

/* The server's reason text of the last answer (reason phrase, then a
 * printable excerpt of the body), "" when none. */
const char *cw_est_reason(const struct cw_est *est);

/* After a request: how far it got, and the last HTTP status (0 if none). */
enum cw_est_delivery cw_est_delivery(const struct cw_est *est);
long cw_est_http_status(const struct cw_est *est);

/* "not-sent", "maybe-received", "answered". */
const char *cw_est_delivery_name(enum cw_est_delivery d);

/* Frees what certs holds and zeroes it.  Safe on a zeroed struct. */
void cw_est_certs_release(struct cw_est_certs *certs);

#endif
