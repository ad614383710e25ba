/* cert.h - the device key, its certificate request, the check of an issued
 * certificate, the installed files and their status.
 *
 *   cert-key.c     key generation (EC P-256 / RSA 3072), save 0600, load
 *   cert-csr.c     PKCS#10 request, CN = device serial, SHA-256
 *   cert-verify.c  issued certificate + chain against the trust anchor
 *   cert-store.c   atomic install into cert_dir, status, renew-state
 *
 * Installed files under [paths] cert_dir:
 *   device.key   private key, PEM PKCS#8, mode 0600
 *   device.crt   the device certificate, PEM
 *   chain.pem    intermediate CA certificates, PEM (may be empty)
 * Each replaced file is kept as NAME.prev.
 *
 * Private key material stays inside struct cw_cert_key (an EVP_PKEY, which
 * OpenSSL clears on free) and the secure-heap BIOs used to encode it; it is
 * never logged and never part of an error text. */
#ifndef CW_CERT_H
#define CW_CERT_H

#include <stddef.h>
#include <time.h>

#include "core/cfg.h"
#include "core/error.h"

#define CW_CERT_KEY_FILE "device.key"
#define CW_CERT_CRT_FILE "device.crt"
#define CW_CERT_CHAIN_FILE "chain.pem"
/* In [paths] state_dir, written by the renewal flow (see below). */
#define CW_CERT_RENEW_STATE_FILE "renew-state"

/* Caps for what we read back: certificates and keys are small. */
#define CW_CERT_PEM_MAX (256 * 1024)

/* ---- keys (cert-key.c) */

struct cw_cert_key;	/* opaque: the private key */

/* Generates a new key of type t.  Caller frees. */
int cw_cert_key_generate(enum cw_key_type t, struct cw_cert_key **out,
    struct cw_error *err);

/* Writes key as PEM (PKCS#8, unencrypted) to path, mode 0600, atomically;
 * with keep_prev the replaced file stays as path.prev. */
int cw_cert_key_save(const struct cw_cert_key *key, const char *path,
    int keep_prev, struct cw_error *err);

/* Reads a PEM private key from path; the file must be 0600 or stricter. */
int cw_cert_key_load(const char *path, struct cw_cert_key **out,
    struct cw_error *err);

/* "ec-p256", "rsa-3072", or e.g. "rsa-2048", "ec-secp384r1" for keys
 * certwiz did not make.  Writes into buf (at least 32 bytes). */
const char *cw_cert_key_type(const struct cw_cert_key *key, char *buf, size_t len);

/* Wipes and frees.  NULL is a no-op. */
void cw_cert_key_free(struct cw_cert_key *key);

/* The EVP_PKEY inside, for the EST client (client authentication for
 * renewal).  Borrowed: valid while key lives. */
void *cw_cert_key_evp(const struct cw_cert_key *key);

/* ---- certificate request (cert-csr.c) */

/* Builds a PKCS#10 request for key with subject CN = serial, signed with
 * SHA-256.  Returns a new NUL-terminated PEM string and a new DER buffer
 * (either out-pointer may be NULL if not wanted); caller frees both. */
int cw_cert_csr_build(const struct cw_cert_key *key, const char *serial,
    char **pem, unsigned char **der, size_t *derlen, struct cw_error *err);

/* What else the request carries (CSR attributes, RFC 7030 4.5 and 3.5).
 * Every member may be NULL/0. */
struct cw_cert_csr_opts {
	const char *hash;	/* "sha256" (default), "sha384", "sha512" */
	int subject_serial;	/* serialNumber = serial in the subject */
	const char *email;	/* emailAddress in the subject */
	const char *mac;	/* macAddress (1.3.6.1.1.1.1.22) attribute */
	int mac_extension;	/* ... and as an extension */
	const char *san;	/* subjectAltName, "DNS:x,IP:y,email:z" */
	const char *challenge;	/* challengePassword (tls-unique, base64) */
};

/* cw_cert_csr_build with the options above (opts may be NULL). */
int cw_cert_csr_build_ex(const struct cw_cert_key *key, const char *serial,
    const struct cw_cert_csr_opts *opts, char **pem, unsigned char **der,
    size_t *derlen, struct cw_error *err);

/* ---- verification of an issued certificate (cert-verify.c) */

/* What is wrong with a certificate, for callers that act on it (tests,
 * status); the error value carries the words. */
enum cw_cert_problem {
	CW_CERT_OK = 0,
	CW_CERT_UNREADABLE,	/* not PEM / not a certificate / file missing */
	CW_CERT_UNTRUSTED,	/* does not chain to the trust anchor */
	CW_CERT_KEY_MISMATCH,	/* not the public key of our private key */
	CW_CERT_WRONG_CN,	/* subject CN is not the device serial */
	CW_CERT_EXPIRED,
	CW_CERT_NOT_YET_VALID,
	CW_CERT_NO_ANCHOR,	/* the trust anchor file is missing or unreadable */
	CW_CERT_PROBLEM__MAX
};

/* Checks an issued certificate (cert_pem: one PEM certificate; chain_pem:
 * zero or more PEM CA certificates, may be NULL) before it is installed:
 * it chains to the trust anchor PEM file (trust_anchor), its public key is
 * key's, its subject CN is serial, and its validity covers now.  Returns 0,
 * or -1 with CW_E_CRYPTO (CW_E_TIME for validity, CW_E_IO for the anchor)
 * and *problem (may be NULL) saying which check failed. */
int cw_cert_verify(const char *cert_pem, size_t cert_len,
    const char *chain_pem, size_t chain_len, const char *trust_anchor,
    const struct cw_cert_key *key, const char *serial, time_t now,
    enum cw_cert_problem *problem, struct cw_error *err);

/* ---- installed state (cert-store.c) */

/* Installs key, certificate and chain into cert_dir (created 0755 if
 * needed), each file atomically with the previous one kept as NAME.prev.
 * Order: key, chain, certificate.  A file whose content is already the
 * one to install is left alone, so running the install again after an
 * interruption finishes it without overwriting the .prev files with the
 * new content.  The caller verified the certificate (cw_cert_verify). */
int cw_cert_install(const char *cert_dir, const struct cw_cert_key *key,
    const char *cert_pem, size_t cert_len, const char *chain_pem,
    size_t chain_len, struct cw_error *err);

/* Preflight for an enrollment: cert_dir exists (created 0755 if needed)
 * and this process can write into it.  Changes nothing else. */
int cw_cert_dir_check(const char *cert_dir, struct cw_error *err);

enum cw_cert_state {
	CW_CERT_STATE_MISSING = 0,	/* no device.crt */
	CW_CERT_STATE_VALID,
	CW_CERT_STATE_RENEWAL_DUE,	/* fewer than renew_before_days left */
	CW_CERT_STATE_RENEWAL_FAILING,	/* due, and the last renewal failed */
	CW_CERT_STATE_EXPIRED,
	CW_CERT_STATE_BROKEN,		/* unreadable, key mismatch, chain */
	CW_CERT_STATE__MAX
};

struct cw_cert_status {
	enum cw_cert_state state;
	enum cw_cert_problem problem;	/* why BROKEN (else CW_CERT_OK) */
	char problem_text[CW_ERR_MSG_MAX + CW_ERR_DETAIL_MAX + 2]; /* translated, "" if none */
	int have_cert;			/* the fields below are filled */
	char subject[512];		/* RFC 2253 */
	char issuer[512];
	char serial[128];		/* lower-case hex */
	char fingerprint_sha256[65];	/* lower-case hex, no colons */
	time_t not_before, not_after, renew_at;
	long days_left;			/* whole days, negative when expired */
	char key_type[32];		/* of the installed key, "" if unreadable */
	/* The trust anchor's first certificate; "" when unreadable. */
	char anchor_subject[512];
	char anchor_fingerprint_sha256[65];
	/* From the renew-state file; 0 / "" when there is none. */
	time_t last_renewal_attempt, next_renewal_attempt;
	char last_renewal_error[CW_ERR_MSG_MAX];
	/* The subject's CN (UTF-8); "" when it has not exactly one. */
	char subject_cn[256];
};

/* Reads the installed files under cfg->cert_dir, the trust anchor and the
 * renew-state, and classifies them at time now.  Returns 0 for every
 * state (missing and broken included); -1 only when the status cannot be
 * worked out at all (out of memory). */
int cw_cert_status_read(const struct cw_cfg *cfg, time_t now,
    struct cw_cert_status *st, struct cw_error *err);

/* "missing", "valid", "renewal_due", "renewal_failing", "expired",
 * "broken": the JSON names (certwiz.1). */
const char *cw_cert_state_name(enum cw_cert_state s);

/* The state in words, translated ("not installed", "renewal due"...), the
 * same in `certwiz status` and on the status screen. */
const char *cw_cert_state_words(enum cw_cert_state s);

/* The exit code of `certwiz status` for a state (certwiz.1): 0 valid,
 * 20 renewal_due, 21 renewal_failing, 22 expired, 23 broken, 24 missing. */
int cw_cert_state_exit_code(enum cw_cert_state s);

/* ---- renew-state: the renewal flow's record, read by the status.
 *
 * STATE_DIR/renew-state is a small text file, one "key=value" per line:
 *   cert_sha256=<fingerprint of the certificate the renewal tried to replace>
 *   last_attempt=<RFC 3339 UTC>
 *   next_attempt=<RFC 3339 UTC>
 *   last_error=<one line, translated, no secrets>
 * The renewal flow writes it after a failed attempt
 * (cw_cert_renew_state_write) and removes it after a successful one
 * (cw_cert_renew_state_clear).  The status reports renewal_failing only
 * while cert_sha256 is the installed certificate's fingerprint, so a
 * certificate restored by other means is not reported as failing. */
int cw_cert_renew_state_write(const char *state_dir, const char *cert_sha256,
    time_t last_attempt, time_t next_attempt, const char *last_error,
    struct cw_error *err);
int cw_cert_renew_state_clear(const char *state_dir, struct cw_error *err);

/* RFC 3339 UTC ("2026-11-23T17:58:11Z") into buf (at least 21 bytes). */
char *cw_cert_time_rfc3339(time_t t, char *buf, size_t len);

#endif
