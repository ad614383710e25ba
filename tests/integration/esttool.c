/* esttool.c - drives the EST client for the integration tests (the real
 * `certwiz cert fetch` is the enrollment flow's).  Makes an EC P-256 or
 * RSA key + CSR with OpenSSL and calls src/est.
 *
 *   esttool cacerts  --url U (--ca FILE | --insecure) [--out FILE]
 *   esttool enroll   --url U --ca FILE --serial S --key FILE [--cn CN]
 *                    [--rsa] --otp-file FILE|- [--out FILE] [--chain-out FILE]
 *                    [--max-polls N] [--max-wait S] [--timeout-ms MS]
 *                    [--cancel-after-polls N] [--proxy URL]
 *   esttool reenroll --url U --ca FILE --cert FILE --client-key FILE
 *                    --key FILE [--cn CN] [--out FILE]
 *
 * --key FILE is created (0600) when missing, so that a second run sends a
 * CSR for the same key.  Prints one result line
 *   "result=ok http=200 delivery=answered certs=N fingerprint=HEX" or
 *   "result=<error code name> http=N delivery=NAME"
 * then the message, and exits with cw_error_exit_code().
 *
 * Without arguments it runs the cmocka tests of src/est that need no
 * server (make check, make check-valgrind). */
#include "config.h"

#include <fcntl.h>
#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "core/cfg.h"
#include "core/error.h"
#include "pki/est.h"
#include "core/fileio.h"
#include "core/secret.h"

struct args {
	const char *cmd, *url, *ca, *serial, *key, *cn, *otp_file, *out;
	const char *chain_out, *cert, *client_key, *proxy;
	int insecure, rsa, max_polls, max_wait, cancel_after, scan;
	long timeout_ms;
};

static int
progress(void *ctx, enum cw_est_phase phase, unsigned poll, long left)
{
	const struct args *a = ctx;
	static long last = -1;
	static unsigned last_poll;

	if (phase == CW_EST_PHASE_WAITING && (left != last || poll != last_poll)) {
		fprintf(stderr, "waiting: poll %u, %ld s left\n", poll, left);
		last = left;
		last_poll = poll;
	}
	return a->cancel_after > 0 && poll >= (unsigned)a->cancel_after;
}

/* ---- --scan-memory: after everything is freed, look through our own
 * writable memory (/proc/self/mem) for the OTP and for the Basic
 * credentials (base64 of serial:otp).  The needles are kept XOR-masked so
 * that the search does not find its own copy. */

#define MASK 0x5a

struct needle {
	unsigned char *masked;
	size_t len;
};

static void
needle_set(struct needle *nd, const char *plain, size_t len)
{
	size_t i;

	nd->masked = malloc(len);
	nd->len = len;
	for (i = 0; i < len; i++)
		nd->masked[i] = (unsigned char)plain[i] ^ MASK;
}

static size_t
count_hits(const unsigned char *buf, size_t n, const struct needle *nd)
{
	size_t i, j, hits = 0;

	for (i = 0; i + nd->len <= n; i++) {
		for (j = 0; j < nd->len; j++)
			if ((buf[i + j] ^ MASK) != nd->masked[j])
				break;
		if (j == nd->len)
			hits++;
	}
	return hits;
}

static size_t
scan_memory(const struct needle *nds, size_t nn)
{
	enum { CHUNK = 1 << 20 };
	unsigned long lo, hi, off, own = 0;
	char line[512], perms[8];
	unsigned char *buf = NULL;
	size_t hits = 0, k, n, overlap = 0;
	FILE *maps = NULL;
	int mem = -1;

	for (k = 0; k < nn; k++)
		overlap = nds[k].len > overlap ? nds[k].len : overlap;
	if ((maps = fopen("/proc/self/maps", "r")) == NULL ||
	    (mem = open("/proc/self/mem", O_RDONLY)) == -1 ||
	    (buf = malloc(CHUNK)) == NULL) {
		fprintf(stderr, "esttool: cannot scan memory\n");
		hits = (size_t)-1;
		goto out;
	}
	own = (unsigned long)buf;
	while (fgets(line, sizeof(line), maps) != NULL) {
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 ||
		    perms[0] != 'r' || perms[1] != 'w' || strstr(line, "[vvar]") != NULL)
			continue;
		/* Sanitizer shadow and reserved arenas: huge and empty. */
		if (hi - lo > 256UL << 20)
			continue;
		for (off = lo; off < hi; off += CHUNK - overlap) {
			ssize_t got;

			n = hi - off < CHUNK ? hi - off : CHUNK;
			if ((got = pread(mem, buf, n, (off_t)off)) <= 0)
				break;
			if (off <= own && own < off + (size_t)got)
				continue;	/* our own scan buffer */
			for (k = 0; k < nn; k++)
				hits += count_hits(buf, (size_t)got, &nds[k]);
			if (off + n >= hi)
				break;
		}
	}
out:
	free(buf);
	if (maps != NULL)
		fclose(maps);
	if (mem != -1)
		close(mem);
	return hits;
}

static void
needles_from_otp(struct needle nds[2], const char *serial, const struct cw_secret *otp)
{
	size_t len = strlen(serial) + 1 + cw_secret_len(otp);
	char *plain = malloc(len + 1), *b64 = malloc((len + 2) / 3 * 4 + 1);
	int n;

	snprintf(plain, len + 1, "%s:%s", serial, cw_secret_data(otp));
	n = EVP_EncodeBlock((unsigned char *)b64, (unsigned char *)plain, (int)len);
	needle_set(&nds[0], cw_secret_data(otp), cw_secret_len(otp));
	needle_set(&nds[1], b64, (size_t)n);
	OPENSSL_cleanse(plain, len + 1);
	OPENSSL_cleanse(b64, (size_t)n);
	free(plain);
	free(b64);
}

static int
load_or_make_key(const char *path, int rsa, EVP_PKEY **out, struct cw_error *err)
{
	EVP_PKEY *pk = NULL;
	BIO *bio = NULL;
	char *filebuf = NULL, *pem = NULL;
	size_t len;
	long n;
	int ret = -1;

	if (access(path, F_OK) == 0) {
		if (cw_file_read(path, 64 * 1024, &filebuf, &len, err) < 0)
			return -1;
		if ((bio = BIO_new_mem_buf(filebuf, (int)len)) == NULL ||
		    (pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) == NULL) {
			cw_error_set(err, CW_E_CRYPTO, "cannot read key '%s'", path);
			cw_error_openssl(err);
			goto out;
		}
	} else {
		pk = rsa ? EVP_RSA_gen(3072) : EVP_EC_gen("P-256");
		if (pk == NULL || (bio = BIO_new(BIO_s_mem())) == NULL ||
		    !PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL)) {
			cw_error_set(err, CW_E_CRYPTO, "cannot make a key");
			cw_error_openssl(err);
			goto out;
		}
		n = BIO_get_mem_data(bio, &pem);	/* owned by the BIO */
		if (cw_file_install(path, pem, (size_t)n, 0600, 0, err) < 0)
			goto out;
	}
	*out = pk;
	pk = NULL;
	ret = 0;
out:
	free(filebuf);
	EVP_PKEY_free(pk);
	BIO_free(bio);
	return ret;
}

static int
make_csr(EVP_PKEY *pk, const char *cn, unsigned char **der, int *len,
    struct cw_error *err)
{
	X509_REQ *req = NULL;
	X509_NAME *name = NULL;
	int ret = -1;

	*der = NULL;
	if ((req = X509_REQ_new()) == NULL || (name = X509_NAME_new()) == NULL ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) ||
	    !X509_REQ_set_subject_name(req, name) || !X509_REQ_set_pubkey(req, pk) ||
	    !X509_REQ_sign(req, pk, EVP_sha256()) ||
	    (*len = i2d_X509_REQ(req, der)) <= 0) {
		cw_error_set(err, CW_E_CRYPTO, "cannot make the CSR");
		cw_error_openssl(err);
		goto out;
	}
	ret = 0;
out:
	X509_NAME_free(name);
	X509_REQ_free(req);
	return ret;
}

/* ---- without arguments (as run by make check and check-valgrind): the
 * cmocka tests of src/est that need no server. */

struct fixture {
	struct cw_secret *otp;
	unsigned char *csr;
	int len;
	struct cw_est *est;	/* bootstrap client for 127.0.0.1:1 (closed) */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct cw_est_opts o;
	struct cw_error err;
	EVP_PKEY *pk = EVP_EC_gen("P-256");

	assert_non_null(f);
	assert_non_null(pk);
	assert_non_null(f->otp = cw_secret_new(64));
	assert_int_equal(cw_secret_append(f->otp, "ABCDEF", 6, &err), 0);
	assert_int_equal(make_csr(pk, "0001", &f->csr, &f->len, &err), 0);
	EVP_PKEY_free(pk);
	memset(&o, 0, sizeof(o));
	o.url = "https://127.0.0.1:1/.well-known/est/";
	o.trust = CW_EST_TRUST_NONE_BOOTSTRAP;
	o.connect_timeout_ms = 2000;
	assert_int_equal(cw_est_new(&o, &f->est, &err), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	cw_est_free(f->est);
	cw_secret_free(f->otp);
	OPENSSL_free(f->csr);
	free(f);
	return 0;
}

static void
test_est_opts_from_config(void **state)
{
	struct cw_est_opts o;
	struct cw_error err;
	struct cw_cfg cfg;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(cw_cfg_defaults(&cfg, &err), 0);
	cw_est_opts_init(&o, &cfg);
	assert_int_equal(o.trust, CW_EST_TRUST_ANCHOR);
	assert_ptr_equal(o.url, cfg.enroll_url);
	assert_ptr_equal(o.trust_anchor, cfg.trust_anchor);
	assert_int_equal(o.connect_timeout_ms, cfg.timeout_ms);
	cw_cfg_release(&cfg);
}

static void
test_est_new_refuses_bad_config(void **state)
{
	struct cw_est_opts o;
	struct cw_error err;
	struct cw_est *est = NULL;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.url = "http://127.0.0.1:1/.well-known/est";
	o.trust_anchor = "/nonexistent";
	assert_int_equal(cw_est_new(&o, &est, &err), -1);
	assert_int_equal(err.code, CW_E_CONFIG);
	o.url = "https://127.0.0.1:1/.well-known/est";
	o.trust_anchor = NULL;	/* CW_EST_TRUST_ANCHOR without an anchor */
	assert_int_equal(cw_est_new(&o, &est, &err), -1);
	assert_int_equal(err.code, CW_E_CONFIG);
	assert_null(est);
	cw_est_free(NULL);
}

static void
test_est_bad_input_is_not_sent(void **state)
{
	struct fixture *f = *state;
	struct cw_est_certs certs;
	struct cw_error err;

	assert_int_equal(cw_est_simpleenroll(f->est, "00:01", f->otp, f->csr,
	    (size_t)f->len, &certs, &err), -1);
	assert_int_equal(err.code, CW_E_CONFIG);
	assert_int_equal(cw_est_delivery(f->est), CW_EST_NOT_SENT);
	assert_int_equal(cw_est_simpleenroll(f->est, "0001", f->otp, "garbage", 7,
	    &certs, &err), -1);
	assert_int_equal(err.code, CW_E_CRYPTO);
	assert_int_equal(cw_est_delivery(f->est), CW_EST_NOT_SENT);
	assert_int_equal(cw_est_simplereenroll(f->est, f->csr, (size_t)f->len,
	    &certs, &err), -1);
	assert_int_equal(err.code, CW_E_STATE);
	assert_int_equal(certs.count, 0);
}

static void
test_est_connection_refused_is_not_sent(void **state)
{
	struct fixture *f = *state;
	struct cw_est_certs certs;
	struct cw_error err;

	/* Nobody listens on port 1. */
	assert_int_equal(cw_est_simpleenroll(f->est, "0001", f->otp, f->csr,
	    (size_t)f->len, &certs, &err), -1);
	assert_int_equal(err.code, CW_E_NET);
	assert_int_equal(cw_est_delivery(f->est), CW_EST_NOT_SENT);
	assert_int_equal(cw_est_http_status(f->est), 0);
	assert_null(certs.certs);
	assert_int_equal(cw_est_cacerts(f->est, &certs, &err), -1);
	assert_int_equal(err.code, CW_E_NET);
	cw_est_certs_release(&certs);
}

/* RFC 7030 section 4.5.2's example: challengePassword, an EC key on
 * secp384r1, macAddress in extensionRequest, ecdsa-with-SHA384. */
static void
test_est_csrattrs_rfc7030_example(void **state)
{
	static const char b64[] =
	    "MEEGCSqGSIb3DQEJBzASBgcqhkjOPQIBMQcGBSuBBAAiMBYGCSqGSIb3DQEJDjEJ\r\n"
	    "BgcrBgEBAQEWBggqhkjOPQQDAw==\r\n";
	struct cw_est_csrattrs a;
	struct cw_error err;

	(void)state;
	cw_error_clear(&err);
	assert_int_equal(cw_est_csrattrs_parse(b64, sizeof(b64) - 1, &a, &err), 0);
	assert_true(a.offered);
	assert_true(a.pop);
	assert_string_equal(a.key_alg, "ec");
	assert_string_equal(a.curve, "secp384r1");
	assert_string_equal(a.hash, "sha384");
	assert_int_equal(a.nattrs, 1);
	assert_int_equal(a.attrs[0].what, CW_EST_ATTR_MAC);
	assert_true(a.attrs[0].in_extension);
	assert_string_equal(a.attrs[0].oid, "1.3.6.1.1.1.1.22");
	cw_est_csrattrs_release(&a);
	/* Empty: none.  Not base64, not DER, trailing bytes: refused. */
	assert_int_equal(cw_est_csrattrs_parse("", 0, &a, &err), 0);
	assert_false(a.offered);
	assert_int_equal(cw_est_csrattrs_parse("%%%%", 4, &a, &err), -1);
	assert_int_equal(err.code, CW_E_PROTO);
	assert_int_equal(cw_est_csrattrs_parse("MAMCAQA=", 8, &a, &err), -1);
	assert_int_equal(cw_est_csrattrs_parse("MEEGCSqGSIb3", 12, &a, &err), -1);
	/* An unknown OID (title 2.5.4.12) is a fill request certwiz lacks. */
	assert_int_equal(cw_est_csrattrs_parse("MAUGA1UEDA==", 12, &a, &err), 0);
	assert_int_equal(a.nattrs, 1);
	assert_int_equal(a.attrs[0].what, CW_EST_ATTR_UNKNOWN);
	assert_string_equal(a.attrs[0].name, "title");
	cw_est_csrattrs_release(&a);
}

static void
test_est_refusal_classify(void **state)
{
	static const char pop[] = "Proof of Possession Mismatch\n";

	(void)state;
	assert_int_equal(cw_est_refusal_classify(401, "Unauthorized", "OTP wrong", 9),
	    CW_EST_REFUSED_AUTH);
	assert_int_equal(cw_est_refusal_classify(403, NULL, NULL, 0), CW_EST_REFUSED_AUTH);
	assert_int_equal(cw_est_refusal_classify(401, "Unauthorized", pop, sizeof(pop) - 1),
	    CW_EST_REFUSED_POP);
	assert_int_equal(cw_est_refusal_classify(400, "Bad Request",
	    "CSR Attributes missing in request", 33), CW_EST_REFUSED_CSRATTRS);
	assert_int_equal(cw_est_refusal_classify(403, "Forbidden by policy", NULL, 0),
	    CW_EST_REFUSED_POLICY);
	assert_int_equal(cw_est_refusal_classify(500, "Internal", "oops", 4), CW_EST_REFUSED_OTHER);
	assert_int_equal(cw_est_refusal_classify(200, "OK", pop, sizeof(pop) - 1),
	    CW_EST_REFUSED_OTHER);
}

static void
test_est_delivery_names(void **state)
{
	(void)state;
	assert_string_equal(cw_est_delivery_name(CW_EST_NOT_SENT), "not-sent");
	assert_string_equal(cw_est_delivery_name(CW_EST_MAYBE_RECEIVED), "maybe-received");
	assert_string_equal(cw_est_delivery_name(CW_EST_ANSWERED), "answered");
	assert_string_equal(cw_est_delivery_name(CW_EST_DELIVERY__MAX), "unknown");
}

/* ---- answers built here: PKCS#7 certs-only around self-signed certs */

static X509 *
self_signed(EVP_PKEY *pk, const char *cn)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_get_subject_name(x);

	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, name);
	X509_set_pubkey(x, pk);
	assert_true(X509_sign(x, pk, EVP_sha256()) > 0);
	return x;
}

/* certs-only PKCS#7 of x1 (and x2), base64 wrapped at cols (0: DER). */
static char *
certs_only(X509 *x1, X509 *x2, int cols, size_t *len)
{
	PKCS7 *p7 = PKCS7_new();
	unsigned char *der = NULL;
	char *out;
	int n, i, o = 0;

	assert_true(PKCS7_set_type(p7, NID_pkcs7_signed));
	assert_true(PKCS7_content_new(p7, NID_pkcs7_data));
	assert_true(PKCS7_add_certificate(p7, x1));
	if (x2 != NULL)
		assert_true(PKCS7_add_certificate(p7, x2));
	assert_true((n = i2d_PKCS7(p7, &der)) > 0);
	PKCS7_free(p7);
	if (cols == 0) {
		*len = (size_t)n;
		return (char *)der;
	}
	out = malloc((size_t)n * 2 + 16);
	for (i = 0; i < n; i += cols / 4 * 3) {
		int chunk = n - i < cols / 4 * 3 ? n - i : cols / 4 * 3;

		o += EVP_EncodeBlock((unsigned char *)out + o, der + i, chunk);
		out[o++] = '\r';
		out[o++] = '\n';
	}
	out[o] = '\0';
	OPENSSL_free(der);
	*len = (size_t)o;
	return out;
}

struct pfix {
	EVP_PKEY *ours, *theirs;
	X509 *xours, *xtheirs;
	unsigned char *csr;
	int csrlen;
};

static int
psetup(void **state)
{
	struct pfix *f = calloc(1, sizeof(*f));
	struct cw_error err;

	assert_non_null(f);
	f->ours = EVP_EC_gen("P-256");
	f->theirs = EVP_EC_gen("P-256");
	assert_non_null(f->ours);
	assert_non_null(f->theirs);
	f->xours = self_signed(f->ours, "0001");
	f->xtheirs = self_signed(f->theirs, "CA");
	assert_int_equal(make_csr(f->ours, "0001", &f->csr, &f->csrlen, &err), 0);
	*state = f;
	return 0;
}

static int
pteardown(void **state)
{
	struct pfix *f = *state;

	X509_free(f->xours);
	X509_free(f->xtheirs);
	EVP_PKEY_free(f->ours);
	EVP_PKEY_free(f->theirs);
	OPENSSL_free(f->csr);
	free(f);
	return 0;
}

#define P7 "application/pkcs7-mime; smime-type=certs-only"

static void
test_est_parse_any_wrapping_with_or_without_cte(void **state)
{
	static const int cols[] = { 64, 76, 4096 };
	struct pfix *f = *state;
	struct cw_est_certs certs;
	struct cw_error err;
	size_t i, len;
	char *body;

	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		body = certs_only(f->xours, NULL, cols[i], &len);
		assert_int_equal(cw_est_parse_certs(P7, "base64", body, len, f->csr,
		    (size_t)f->csrlen, &certs, &err), 0);
		assert_int_equal(certs.count, 1);
		cw_est_certs_release(&certs);
		assert_int_equal(cw_est_parse_certs("application/pkcs7-mime", NULL,
		    body, len, f->csr, (size_t)f->csrlen, &certs, &err), 0);
		assert_string_equal(certs.chain_pem, "");
		cw_est_certs_release(&certs);
		free(body);
	}
}

static void
test_est_parse_binary_der(void **state)
{
	struct pfix *f = *state;
	struct cw_est_certs certs;
	struct cw_error err;
	size_t len;
	char *der = certs_only(f->xours, NULL, 0, &len);

	assert_int_equal(cw_est_parse_certs(P7, "binary", der, len, f->csr,
	    (size_t)f->csrlen, &certs, &err), 0);
	cw_est_certs_release(&certs);
	/* Without the header, DER is not base64. */
	assert_int_equal(cw_est_parse_certs(P7, NULL, der, len, f->csr,
	    (size_t)f->csrlen, &certs, &err), -1);
	assert_int_equal(err.code, CW_E_PROTO);
	OPENSSL_free(der);
}

static void
test_est_parse_puts_our_cert_first(void **state)
{
	struct pfix *f = *state;
	struct cw_est_certs certs;
	struct cw_error err;
	unsigned char md[32];
	unsigned int mdlen;
	char hex[65];
	size_t len;
	char *body = certs_only(f->xtheirs, f->xours, 64, &len);
	int i;

	assert_int_equal(cw_est_parse_certs(P7, "base64", body, len, f->csr,
	    (size_t)f->csrlen, &certs, &err), 0);
	assert_int_equal(certs.count, 2);
	assert_non_null(strstr(certs.certs[0].subject, "CN=0001"));
	assert_non_null(strstr(certs.certs[1].subject, "CN=CA"));
	assert_string_equal(certs.chain_pem, certs.certs[1].pem);
	assert_int_equal(strlen(certs.all_pem),
	    strlen(certs.certs[0].pem) + strlen(certs.certs[1].pem));
	X509_digest(f->xours, EVP_sha256(), md, &mdlen);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	assert_string_equal(certs.certs[0].fingerprint, hex);
	cw_est_certs_release(&certs);
	/* /cacerts: as sent. */
	assert_int_equal(cw_est_parse_certs(P7, NULL, body, len, NULL, 0, &certs, &err), 0);
	assert_non_null(strstr(certs.certs[0].subject, "CN=CA"));
	cw_est_certs_release(&certs);
	free(body);
}

static void
test_est_parse_refuses_bad_answers(void **state)
{
	struct pfix *f = *state;
	struct cw_est_certs certs;
	struct cw_error err;
	size_t len;
	char *body = certs_only(f->xtheirs, NULL, 64, &len);
	static const char junk_b64[] = "SGVsbG8sIHRoaXMgaXMgbm90IFBLQ1MjNw==\r\n";

	/* A certificate for another key. */
	assert_int_equal(cw_est_parse_certs(P7, NULL, body, len, f->csr,
	    (size_t)f->csrlen, &certs, &err), -1);
	assert_int_equal(err.code, CW_E_CRYPTO);
	assert_null(certs.certs);
	/* Wrong media type. */
	assert_int_equal(cw_est_parse_certs("text/html", NULL, body, len, NULL, 0,
	    &certs, &err), -1);
	assert_int_equal(err.code, CW_E_PROTO);
	assert_int_equal(cw_est_parse_certs(NULL, NULL, body, len, NULL, 0,
	    &certs, &err), -1);
	assert_int_equal(err.code, CW_E_PROTO);
	/* Not base64, empty, base64 of something else. */
	assert_int_equal(cw_est_parse_certs(P7, NULL, "%%% no ***", 10, NULL, 0,
	    &certs, &err), -1);
	assert_int_equal(err.code, CW_E_PROTO);
	assert_int_equal(cw_est_parse_certs(P7, NULL, "", 0, NULL, 0, &certs, &err), -1);
	assert_int_equal(err.code, CW_E_PROTO);
	assert_int_equal(cw_est_parse_certs(P7, NULL, junk_b64, sizeof(junk_b64) - 1,
	    NULL, 0, &certs, &err), -1);
	assert_int_equal(err.code, CW_E_PROTO);
	/* Truncated. */
	assert_int_equal(cw_est_parse_certs(P7, NULL, body, len / 2, NULL, 0,
	    &certs, &err), -1);
	assert_int_equal(err.code, CW_E_PROTO);
	assert_int_equal(certs.count, 0);
	free(body);
}

/* Mutated answers (deterministic): refused or accepted, never a crash or
 * a leak (ASan, valgrind), never another error code. */
static void
test_est_parse_survives_mutations(void **state)
{
	struct pfix *f = *state;
	struct cw_est_certs certs;
	struct cw_error err;
	size_t len, dlen, i;
	char *b64 = certs_only(f->xtheirs, f->xours, 64, &len);
	char *der = certs_only(f->xtheirs, f->xours, 0, &dlen);
	char *buf = malloc(len > dlen ? len : dlen);
	unsigned int seed = 12345;
	int round, k, rc;

	for (round = 0; round < 400; round++) {
		int binary = round & 1;
		size_t n = binary ? dlen : len;

		memcpy(buf, binary ? der : b64, n);
		for (k = 0; k < 1 + round % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			i = (seed >> 8) % n;
			buf[i] = (char)(seed >> 16);
		}
		if (round % 7 == 0)
			n = (seed >> 4) % n;	/* truncated too */
		rc = cw_est_parse_certs(P7, binary ? "binary" : NULL, buf, n,
		    round % 3 ? f->csr : NULL, (size_t)f->csrlen, &certs, &err);
		if (rc < 0)
			assert_true(err.code == CW_E_PROTO || err.code == CW_E_CRYPTO);
		else
			assert_true(certs.count >= 1);
		cw_est_certs_release(&certs);
	}
	free(buf);
	free(b64);
	OPENSSL_free(der);
}

static int
unit_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_est_opts_from_config),
		cmocka_unit_test(test_est_new_refuses_bad_config),
		cmocka_unit_test_setup_teardown(test_est_bad_input_is_not_sent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_est_connection_refused_is_not_sent,
		    setup, teardown),
		cmocka_unit_test(test_est_delivery_names),
		cmocka_unit_test(test_est_csrattrs_rfc7030_example),
		cmocka_unit_test(test_est_refusal_classify),
		cmocka_unit_test_setup_teardown(test_est_parse_any_wrapping_with_or_without_cte,
		    psetup, pteardown),
		cmocka_unit_test_setup_teardown(test_est_parse_binary_der, psetup, pteardown),
		cmocka_unit_test_setup_teardown(test_est_parse_puts_our_cert_first,
		    psetup, pteardown),
		cmocka_unit_test_setup_teardown(test_est_parse_refuses_bad_answers,
		    psetup, pteardown),
		cmocka_unit_test_setup_teardown(test_est_parse_survives_mutations,
		    psetup, pteardown),
	};

	return cmocka_run_group_tests_name("est", tests, NULL, NULL);
}

static int
usage(void)
{
	fprintf(stderr, "usage: esttool cacerts|enroll|reenroll --url URL ... (see esttool.c)\n");
	return 2;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "ca", required_argument, NULL, 'a' },
		{ "insecure", no_argument, NULL, 'I' },
		{ "serial", required_argument, NULL, 's' },
		{ "key", required_argument, NULL, 'k' },
		{ "cn", required_argument, NULL, 'n' },
		{ "rsa", no_argument, NULL, 'R' },
		{ "otp-file", required_argument, NULL, 'o' },
		{ "out", required_argument, NULL, 'O' },
		{ "chain-out", required_argument, NULL, 'C' },
		{ "cert", required_argument, NULL, 'c' },
		{ "client-key", required_argument, NULL, 'K' },
		{ "proxy", required_argument, NULL, 'P' },
		{ "max-polls", required_argument, NULL, 'p' },
		{ "max-wait", required_argument, NULL, 'w' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "cancel-after-polls", required_argument, NULL, 'x' },
		{ "scan-memory", no_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 }
	};
	struct args a;
	struct cw_est_opts opts;
	struct cw_est_certs certs;
	struct cw_error err;
	struct cw_est *est = NULL;
	struct cw_secret *otp = NULL;
	EVP_PKEY *pk = NULL;
	unsigned char *csr = NULL;
	char buf[CW_ERR_MSG_MAX + CW_ERR_DETAIL_MAX + CW_ERR_HINT_MAX + 8];
	struct needle nds[2];
	int c, csrlen = 0, rc = -1, nneedles = 0;

	memset(&a, 0, sizeof(a));
	memset(&opts, 0, sizeof(opts));
	memset(&certs, 0, sizeof(certs));
	cw_error_clear(&err);
	if (argc < 2)
		return unit_tests();
	a.cmd = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'u': a.url = optarg; break;
		case 'a': a.ca = optarg; break;
		case 'I': a.insecure = 1; break;
		case 's': a.serial = optarg; break;
		case 'k': a.key = optarg; break;
		case 'n': a.cn = optarg; break;
		case 'R': a.rsa = 1; break;
		case 'o': a.otp_file = optarg; break;
		case 'O': a.out = optarg; break;
		case 'C': a.chain_out = optarg; break;
		case 'c': a.cert = optarg; break;
		case 'K': a.client_key = optarg; break;
		case 'P': a.proxy = optarg; break;
		case 'p': a.max_polls = atoi(optarg); break;
		case 'w': a.max_wait = atoi(optarg); break;
		case 't': a.timeout_ms = atol(optarg); break;
		case 'x': a.cancel_after = atoi(optarg); break;
		case 'M': a.scan = 1; break;
		default: return usage();
		}
	}
	if (a.url == NULL)
		return usage();

	opts.url = a.url;
	opts.trust = a.insecure ? CW_EST_TRUST_NONE_BOOTSTRAP : CW_EST_TRUST_ANCHOR;
	opts.trust_anchor = a.ca;
	opts.proxy = a.proxy;
	opts.timeout_ms = a.timeout_ms;
	opts.connect_timeout_ms = 5000;
	opts.client_cert = a.cert;
	opts.client_key = a.client_key;
	opts.max_polls = (unsigned)a.max_polls;
	opts.max_wait_s = a.max_wait;
	opts.progress = progress;
	opts.progress_ctx = &a;
	if (cw_est_new(&opts, &est, &err) < 0)
		goto out;

	if (strcmp(a.cmd, "cacerts") == 0) {
		rc = cw_est_cacerts(est, &certs, &err);
	} else if (strcmp(a.cmd, "enroll") == 0 || strcmp(a.cmd, "reenroll") == 0) {
		int re = strcmp(a.cmd, "reenroll") == 0;

		if (a.key == NULL || (!re && (a.serial == NULL || a.otp_file == NULL)))
			return usage();
		if (load_or_make_key(a.key, a.rsa, &pk, &err) < 0 ||
		    make_csr(pk, a.cn ? a.cn : (a.serial ? a.serial : "none"), &csr,
		    &csrlen, &err) < 0)
			goto out;
		if (re) {
			rc = cw_est_simplereenroll(est, csr, (size_t)csrlen, &certs, &err);
		} else {
			/* The OTP: stdin or a 0600 file, never argv. */
			if (cw_secret_read_file(a.otp_file, 256, 0, &otp, &err) < 0)
				goto out;
			if (a.scan) {
				needles_from_otp(nds, a.serial, otp);
				nneedles = 2;
			}
			rc = cw_est_simpleenroll(est, a.serial, otp, csr, (size_t)csrlen,
			    &certs, &err);
		}
	} else {
		return usage();
	}
	if (rc == 0 && a.out != NULL &&
	    cw_file_install(a.out, certs.certs[0].pem, strlen(certs.certs[0].pem),
	    0644, 0, &err) < 0)
		rc = -1;
	if (rc == 0 && a.chain_out != NULL &&
	    cw_file_install(a.chain_out, certs.chain_pem, strlen(certs.chain_pem),
	    0644, 0, &err) < 0)
		rc = -1;
out:
	if (rc == 0) {
		printf("result=ok http=%ld delivery=%s certs=%zu fingerprint=%s\n",
		    cw_est_http_status(est), cw_est_delivery_name(cw_est_delivery(est)),
		    certs.count, certs.certs[0].fingerprint);
		for (size_t i = 0; i < certs.count; i++)
			printf("cert %zu subject=%s issuer=%s sha256=%s\n", i,
			    certs.certs[i].subject, certs.certs[i].issuer,
			    certs.certs[i].fingerprint);
	} else {
		printf("result=%s http=%ld delivery=%s\n", cw_error_code_name(err.code),
		    est ? cw_est_http_status(est) : 0L,
		    est ? cw_est_delivery_name(cw_est_delivery(est)) : "not-sent");
		printf("%s\n", cw_error_format(&err, buf, sizeof(buf)));
	}
	cw_est_certs_release(&certs);
	cw_est_free(est);
	cw_secret_free(otp);
	EVP_PKEY_free(pk);
	OPENSSL_free(csr);
	if (nneedles > 0) {
		printf("otp-in-memory=%zu\n", scan_memory(nds, (size_t)nneedles));
		free(nds[0].masked);
		free(nds[1].masked);
	}
	return rc == 0 ? 0 : cw_error_exit_code(err.code);
}
