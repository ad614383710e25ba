/* test_cert.c - the cert module: keys, CSR, verification of an issued
 * certificate, install with .prev, and every status state.  A test CA is
 * made with the OpenSSL API in the test; time travel through the `now`
 * parameter. */
#include "config.h"

#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pki/cert.h"
#include "core/cfg.h"
#include "testutil.h"

#define DAY 86400L
/* All certificates are issued at T0 for 90 days. */
static const time_t T0 = 1800000000;	/* 2027-01-15 */

struct ca {
	EVP_PKEY *key;
	X509 *cert;
};

struct fixture {
	char *dir;
	struct ca root, other, inter;	/* inter is signed by root */
	char anchor[512];		/* root's PEM file */
	char other_anchor[512];
	struct cw_cfg cfg;
};

static X509 *
make_cert(EVP_PKEY *pub, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
    time_t nb, time_t na, int is_ca)
{
	static long serial = 0x1000;
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	assert_non_null(x);
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
	X509_NAME_free(name);
	assert_non_null(X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &nb));
	assert_non_null(X509_time_adj_ex(X509_getm_notAfter(x), 0, 0, &na));
	X509_set_pubkey(x, pub);
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
	    is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (is_ca) {
		ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	assert_true(X509_sign(x, issuer_key, EVP_sha256()) > 0);
	return x;
}

static char *
pem_of(X509 *x)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out;
	long len;

	PEM_write_bio_X509(bio, x);
	len = BIO_get_mem_data(bio, &data);
	out = strndup(data, (size_t)len);
	BIO_free(bio);
	return out;
}

static void
write_pem(const char *path, X509 *x)
{
	char *pem = pem_of(x);
	tu_write(path, pem, 0644);
	free(pem);
}

static void
make_ca(struct ca *ca, const char *cn, struct ca *parent)
{
	ca->key = EVP_EC_gen("P-256");
	assert_non_null(ca->key);
	ca->cert = make_cert(ca->key, cn, parent ? parent->cert : NULL,
	    parent ? parent->key : ca->key, T0 - 365 * DAY, T0 + 3650 * DAY, 1);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct cw_error err;

	f->dir = tu_mkdtemp();
	make_ca(&f->root, "certwiz test root", NULL);
	make_ca(&f->other, "some other root", NULL);
	make_ca(&f->inter, "certwiz test issuing CA", &f->root);
	snprintf(f->anchor, sizeof(f->anchor), "%s/anchor.pem", f->dir);
	snprintf(f->other_anchor, sizeof(f->other_anchor), "%s/other.pem", f->dir);
	write_pem(f->anchor, f->root.cert);
	write_pem(f->other_anchor, f->other.cert);
	assert_int_equal(cw_cfg_defaults(&f->cfg, &err), 0);
	free(f->cfg.cert_dir);
	free(f->cfg.state_dir);
	free(f->cfg.trust_anchor);
	free(f->cfg.device_serial);
	f->cfg.cert_dir = strdup(tu_path(f->dir, "cert"));
	f->cfg.state_dir = strdup(tu_path(f->dir, "state"));
	f->cfg.trust_anchor = strdup(f->anchor);
	f->cfg.device_serial = strdup("007951000123456");
	*state = f;
	return 0;
}

static void
free_ca(struct ca *ca)
{
	EVP_PKEY_free(ca->key);
	X509_free(ca->cert);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	tu_rmtree(f->dir);
	free(f->dir);
	free_ca(&f->root);
	free_ca(&f->other);
	free_ca(&f->inter);
	cw_cfg_release(&f->cfg);
	free(f);
	return 0;
}

/* A PEM certificate for key, issued by the intermediate CA. */
static char *
issue(struct fixture *f, const struct cw_cert_key *key, const char *cn,
    time_t nb, time_t na)
{
	X509 *x = make_cert(cw_cert_key_evp(key), cn, f->inter.cert, f->inter.key, nb, na, 0);
	char *pem = pem_of(x);

	X509_free(x);
	return pem;
}

/* ---- keys */

static void
test_cert_key_ec_saved_0600(void **state)
{
	struct fixture *f = *state;
	struct cw_cert_key *key = NULL, *back = NULL;
	struct cw_error err;
	const char *path = tu_path(f->dir, "k.pem");
	struct stat st;
	char type[32];

	assert_int_equal(cw_cert_key_generate(CW_KEY_EC_P256, &key, &err), 0);
	assert_string_equal(cw_cert_key_type(key, type, sizeof(type)), "ec-p256");
	assert_int_equal(cw_cert_key_save(key, path, 0, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(cw_cert_key_load(path, &back, &err), 0);
	assert_int_equal(EVP_PKEY_eq(cw_cert_key_evp(key), cw_cert_key_evp(back)), 1);
	cw_cert_key_free(back);
	back = NULL;

	/* A key file others can read is refused. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(cw_cert_key_load(path, &back, &err), -1);
	assert_null(back);
	/* Garbage is refused with a crypto error. */
	tu_write(path, "not a key\n", 0600);
	assert_int_equal(cw_cert_key_load(path, &back, &err), -1);
	assert_int_equal(err.code, CW_E_CRYPTO);
	cw_cert_key_free(key);
	cw_cert_key_free(NULL);
}

static void
test_cert_key_rsa3072(void **state)
{
	struct fixture *f = *state;
	struct cw_cert_key *key = NULL;
	struct cw_error err;
	char type[32];
	unsigned char *der = NULL;
	const unsigned char *p;
	size_t derlen = 0;
	X509_REQ *req;

	(void)f;
	assert_int_equal(cw_cert_key_generate(CW_KEY_RSA_3072, &key, &err), 0);
	assert_string_equal(cw_cert_key_type(key, type, sizeof(type)), "rsa-3072");
	/* The CSR of an RSA key is signed with SHA-256 too. */
	assert_int_equal(cw_cert_csr_build(key, "SER-1", NULL, &der, &derlen, &err), 0);
	p = der;
	req = d2i_X509_REQ(NULL, &p, (long)derlen);
	assert_non_null(req);
	assert_int_equal(X509_REQ_get_signature_nid(req), NID_sha256WithRSAEncryption);
	assert_int_equal(X509_REQ_verify(req, cw_cert_key_evp(key)), 1);
	X509_REQ_free(req);
	free(der);
	cw_cert_key_free(key);
}

/* ---- CSR */

static void
test_cert_csr_content(void **state)
{
	struct fixture *f = *state;
	struct cw_cert_key *key = NULL;
	struct cw_error err;
	unsigned char *der = NULL, *reder = NULL;
	const unsigned char *p;
	char *pem = NULL, cn[128];
	size_t derlen = 0;
	X509_REQ *req, *req2;
	BIO *bio;
	EVP_PKEY *pub;
	int n;

	assert_int_equal(cw_cert_key_generate(CW_KEY_EC_P256, &key, &err), 0);
	assert_int_equal(cw_cert_csr_build(key, f->cfg.device_serial, &pem, &der, &derlen, &err), 0);
	assert_non_null(strstr(pem, "-----BEGIN CERTIFICATE REQUEST-----"));

	bio = BIO_new_mem_buf(pem, -1);
	req = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL);
	BIO_free(bio);
	assert_non_null(req);
	/* Subject: exactly CN = serial. */
	assert_int_equal(X509_NAME_entry_count(X509_REQ_get_subject_name(req)), 1);
	assert_true(X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(req),
	    NID_commonName, cn, sizeof(cn)) > 0);
	assert_string_equal(cn, "007951000123456");
	/* Our public key, a valid SHA-256 signature. */
	pub = X509_REQ_get0_pubkey(req);
	assert_int_equal(EVP_PKEY_eq(pub, cw_cert_key_evp(key)), 1);
	assert_int_equal(X509_REQ_verify(req, pub), 1);
	assert_int_equal(X509_REQ_get_signature_nid(req), NID_ecdsa_with_SHA256);
	/* The DER is the same request. */
	p = der;
	req2 = d2i_X509_REQ(NULL, &p, (long)derlen);
	assert_non_null(req2);
	assert_ptr_equal(p, der + derlen);
	n = i2d_X509_REQ(req, &reder);
	assert_int_equal((size_t)n, derlen);
	assert_memory_equal(reder, der, derlen);

	OPENSSL_free(reder);
	X509_REQ_free(req2);
	X509_REQ_free(req);
	free(pem);
	free(der);

	/* No serial: a configuration error, nothing built. */
	pem = NULL;
	assert_int_equal(cw_cert_csr_build(key, "", &pem, NULL, NULL, &err), -1);
	assert_int_equal(err.code, CW_E_CONFIG);
	assert_null(pem);
	cw_cert_key_free(key);
}

/* ---- verify */

static int
verify(struct fixture *f, const char *pem, const char *chain, const char *anchor,
    const struct cw_cert_key *key, time_t now, enum cw_cert_problem *problem,
    struct cw_error *err)
{
	return cw_cert_verify(pem, strlen(pem), chain, chain ? strlen(chain) : 0,
	    anchor, key, f->cfg.device_serial, now, problem, err);
}

static void
test_cert_verify_failures(void **state)
{
	struct fixture *f = *state;
	struct cw_cert_key *key = NULL, *stranger = NULL;
	enum cw_cert_problem pb;
	struct cw_error err;
	char *good, *chain = pem_of(f->inter.cert), *wrongkey, *wrongcn, *both;
	char *other_chain;
	X509 *x;

	assert_int_equal(cw_cert_key_generate(CW_KEY_EC_P256, &key, &err), 0);
	assert_int_equal(cw_cert_key_generate(CW_KEY_EC_P256, &stranger, &err), 0);
	good = issue(f, key, "007951000123456", T0, T0 + 90 * DAY);
	wrongkey = issue(f, stranger, "007951000123456", T0, T0 + 90 * DAY);
	wrongcn = issue(f, key, "007951000999999", T0, T0 + 90 * DAY);

	assert_int_equal(verify(f, good, chain, f->anchor, key, T0 + DAY, &pb, &err), 0);
	assert_int_equal(pb, CW_CERT_OK);

	/* Leaf and chain in one PEM (as a PKCS#7 bundle converts). */
	both = malloc(strlen(good) + strlen(chain) + 1);
	strcpy(both, good);
	strcat(both, chain);
	assert_int_equal(verify(f, both, NULL, f->anchor, key, T0 + DAY, &pb, &err), 0);

	/* Wrong CA: the anchor is another root. */
	assert_int_equal(verify(f, good, chain, f->other_anchor, key, T0 + DAY, &pb, &err), -1);
	assert_int_equal(err.code, CW_E_CRYPTO);
	assert_int_equal(pb, CW_CERT_UNTRUSTED);
	/* Intermediate missing. */
	assert_int_equal(verify(f, good, NULL, f->anchor, key, T0 + DAY, &pb, &err), -1);
	assert_int_equal(pb, CW_CERT_UNTRUSTED);
	/* A chain from another CA that claims the same names does not help. */
	x = make_cert(f->other.key, "certwiz test issuing CA", f->other.cert, f->other.key,
	    T0 - DAY, T0 + 365 * DAY, 1);
	other_chain = pem_of(x);
	X509_free(x);
	assert_int_equal(verify(f, good, other_chain, f->anchor, key, T0 + DAY, &pb, &err), -1);
	assert_int_equal(pb, CW_CERT_UNTRUSTED);
	/* Wrong key. */
	assert_int_equal(verify(f, wrongkey, chain, f->anchor, key, T0 + DAY, &pb, &err), -1);
	assert_int_equal(err.code, CW_E_CRYPTO);
	assert_int_equal(pb, CW_CERT_KEY_MISMATCH);
	/* Wrong CN. */
	assert_int_equal(verify(f, wrongcn, chain, f->anchor, key, T0 + DAY, &pb, &err), -1);
	assert_int_equal(err.code, CW_E_CRYPTO);
	assert_int_equal(pb, CW_CERT_WRONG_CN);
	/* Expired, not yet valid. */
	assert_int_equal(verify(f, good, chain, f->anchor, key, T0 + 91 * DAY, &pb, &err), -1);
	assert_int_equal(err.code, CW_E_TIME);
	assert_int_equal(pb, CW_CERT_EXPIRED);
	assert_int_equal(verify(f, good, chain, f->anchor, key, T0 - DAY, &pb, &err), -1);
	assert_int_equal(err.code, CW_E_TIME);
	assert_int_equal(pb, CW_CERT_NOT_YET_VALID);
	/* No anchor file; garbage; nothing. */
	assert_int_equal(verify(f, good, chain, tu_path(f->dir, "nope.pem"), key, T0 + DAY, &pb, &err), -1);
	assert_int_equal(pb, CW_CERT_NO_ANCHOR);
	assert_int_equal(verify(f, "garbage", chain, f->anchor, key, T0 + DAY, &pb, &err), -1);
	assert_int_equal(err.code, CW_E_CRYPTO);
	assert_int_equal(pb, CW_CERT_UNREADABLE);
	assert_int_equal(verify(f, "", chain, f->anchor, key, T0 + DAY, &pb, &err), -1);
	assert_int_equal(pb, CW_CERT_UNREADABLE);

	free(good);
	free(wrongkey);
	free(wrongcn);
	free(both);
	free(chain);
	free(other_chain);
	cw_cert_key_free(key);
	cw_cert_key_free(stranger);
}

/* ---- install */

static void
install(struct fixture *f, const struct cw_cert_key *key, const char *pem)
{
	struct cw_error err;
	char *chain = pem_of(f->inter.cert);

	assert_int_equal(cw_cert_install(f->cfg.cert_dir, key, pem, strlen(pem),
	    chain, strlen(chain), &err), 0);
	free(chain);
}

static void
test_cert_install_keeps_prev(void **state)
{
	struct fixture *f = *state;
	struct cw_cert_key *k1 = NULL, *k2 = NULL, *back = NULL;
	struct cw_error err;
	char *c1, *c2, *got, dir[600];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", f->cfg.cert_dir);
	assert_int_equal(cw_cert_key_generate(CW_KEY_EC_P256, &k1, &err), 0);
	assert_int_equal(cw_cert_key_generate(CW_KEY_EC_P256, &k2, &err), 0);
	c1 = issue(f, k1, "007951000123456", T0, T0 + 90 * DAY);
	c2 = issue(f, k2, "007951000123456", T0 + 75 * DAY, T0 + 165 * DAY);

	install(f, k1, c1);
	assert_int_equal(stat(tu_path(dir, "device.key"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	got = tu_read(tu_path(dir, "device.crt"));
	assert_string_equal(got, c1);
	free(got);
	assert_int_equal(access(tu_path(dir, "device.crt.prev"), F_OK), -1);

	install(f, k2, c2);
	got = tu_read(tu_path(dir, "device.crt"));
	assert_string_equal(got, c2);
	free(got);
	got = tu_read(tu_path(dir, "device.crt.prev"));
	assert_string_equal(got, c1);
	free(got);
	assert_int_equal(cw_cert_key_load(tu_path(dir, "device.key.prev"), &back, &err), 0);
	assert_int_equal(EVP_PKEY_eq(cw_cert_key_evp(back), cw_cert_key_evp(k1)), 1);
	cw_cert_key_free(back);
	assert_int_equal(stat(tu_path(dir, "device.key.prev"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* Installing the same again (a resumed install) keeps the .prev files. */
	install(f, k2, c2);
	got = tu_read(tu_path(dir, "device.crt.prev"));
	assert_string_equal(got, c1);
	free(got);
	assert_int_equal(cw_cert_key_load(tu_path(dir, "device.key.prev"), &back, &err), 0);
	assert_int_equal(EVP_PKEY_eq(cw_cert_key_evp(back), cw_cert_key_evp(k1)), 1);
	cw_cert_key_free(back);

	free(c1);
	free(c2);
	cw_cert_key_free(k1);
	cw_cert_key_free(k2);
}

#ifdef CW_FAULT_INJECTION
static char self_path[4096];	/* this binary, from argv[0] */

/* The fault counter is read once per process: each crash run is a fresh
 * process (this binary re-executed with --install-child). */
static int
install_child(const char *dir, const char *cert_dir)
{
	struct cw_cert_key *key = NULL;
	struct cw_error err;
	char *crt = tu_read(tu_path(dir, "new.crt"));
	char *chain = tu_read(tu_path(dir, "new-chain.pem"));
	int rc;

	if (crt == NULL || chain == NULL ||
	    cw_cert_key_load(tu_path(dir, "new.key"), &key, &err) == -1)
		return 2;
	rc = cw_cert_install(cert_dir, key, crt, strlen(crt), chain, strlen(chain), &err);
	cw_cert_key_free(key);
	free(crt);
	free(chain);
	return rc == 0 ? 0 : 1;
}

/* Kill the install at its N-th fault point for every N, then run it again
 * (as a resumed flow does): the end state is always the new key,
 * certificate and chain, with the old ones as .prev. */
static void
test_cert_install_crash_resume(void **state)
{
	struct fixture *f = *state;
	struct cw_cert_key *k1 = NULL, *k2 = NULL, *back = NULL;
	struct cw_error err;
	char *c1, *c2, *got, *chain = pem_of(f->inter.cert);
	int crashed = 1, n;

	assert_int_equal(cw_cert_key_generate(CW_KEY_EC_P256, &k1, &err), 0);
	assert_int_equal(cw_cert_key_generate(CW_KEY_EC_P256, &k2, &err), 0);
	c1 = issue(f, k1, "007951000123456", T0, T0 + 90 * DAY);
	c2 = issue(f, k2, "007951000123456", T0 + 75 * DAY, T0 + 165 * DAY);
	assert_int_equal(cw_cert_key_save(k2, tu_path(f->dir, "new.key"), 0, &err), 0);
	tu_write(tu_path(f->dir, "new.crt"), c2, 0644);
	tu_write(tu_path(f->dir, "new-chain.pem"), chain, 0644);
	for (n = 1; crashed; n++) {
		char nbuf[32];
		int status;
		pid_t pid;

		assert_true(n < 200);
		tu_rmtree(f->cfg.cert_dir);
		install(f, k1, c1);
		fflush(NULL);
		pid = fork();
		assert_true(pid != -1);
		if (pid == 0) {
			snprintf(nbuf, sizeof(nbuf), "after:%d", n);
			setenv("CERTWIZ_FAULT", nbuf, 1);
			/* Not /proc/self/exe: under valgrind that is valgrind. */
			execl(self_path, "test_cert", "--install-child", f->dir,
			    f->cfg.cert_dir, (char *)NULL);
			_exit(127);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		crashed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
		if (!crashed)
			assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		install(f, k2, c2);

		got = tu_read(tu_path(f->cfg.cert_dir, "device.crt"));
		assert_string_equal(got, c2);
		free(got);
		got = tu_read(tu_path(f->cfg.cert_dir, "device.crt.prev"));
		assert_string_equal(got, c1);
		free(got);
		assert_int_equal(cw_cert_key_load(tu_path(f->cfg.cert_dir, "device.key"), &back, &err), 0);
		assert_int_equal(EVP_PKEY_eq(cw_cert_key_evp(back), cw_cert_key_evp(k2)), 1);
		cw_cert_key_free(back);
		assert_int_equal(cw_cert_key_load(tu_path(f->cfg.cert_dir, "device.key.prev"), &back, &err), 0);
		assert_int_equal(EVP_PKEY_eq(cw_cert_key_evp(back), cw_cert_key_evp(k1)), 1);
		cw_cert_key_free(back);
		got = tu_read(tu_path(f->cfg.cert_dir, "chain.pem"));
		assert_string_equal(got, chain);
		free(got);
	}
	/* Each of the key's and the certificate's write, fsync, rename... */
	assert_true(n > 8);
	free(c1);
	free(c2);
	free(chain);
	cw_cert_key_free(k1);
	cw_cert_key_free(k2);
}
#endif

/* ---- status */

static enum cw_cert_state
state_at(struct fixture *f, time_t now, struct cw_cert_status *st)
{
	struct cw_error err;

	assert_int_equal(cw_cert_status_read(&f->cfg, now, st, &err), 0);
	return st->state;
}

static void
test_cert_status_states(void **state)
{
	struct fixture *f = *state;
	struct cw_cert_key *key = NULL, *stranger = NULL;
	struct cw_cert_status st;
	struct cw_error err;
	char *pem;
	char buf[32];

	assert_int_equal(state_at(f, T0, &st), CW_CERT_STATE_MISSING);
	assert_int_equal(st.have_cert, 0);
	assert_string_equal(st.anchor_subject, "CN=certwiz test root");
	assert_int_equal(strlen(st.anchor_fingerprint_sha256), 64);

	assert_int_equal(cw_cert_key_generate(CW_KEY_EC_P256, &key, &err), 0);
	pem = issue(f, key, "007951000123456", T0, T0 + 90 * DAY);
	install(f, key, pem);

	assert_int_equal(state_at(f, T0 + DAY, &st), CW_CERT_STATE_VALID);
	assert_int_equal(st.days_left, 89);
	assert_string_equal(st.subject, "CN=007951000123456");
	assert_string_equal(st.issuer, "CN=certwiz test issuing CA");
	assert_string_equal(st.key_type, "ec-p256");
	assert_int_equal(strlen(st.fingerprint_sha256), 64);
	assert_string_equal(cw_cert_time_rfc3339(st.not_before, buf, sizeof(buf)), "2027-01-15T08:00:00Z");
	assert_int_equal(st.renew_at, T0 + 75 * DAY);
	assert_int_equal(cw_cert_state_exit_code(st.state), 0);

	/* Day 74 valid, day 75 due, day 76 due with a failed renewal of this
	 * certificate: failing; a record about another certificate: just due. */
	assert_int_equal(state_at(f, T0 + 74 * DAY, &st), CW_CERT_STATE_VALID);
	assert_int_equal(state_at(f, T0 + 75 * DAY, &st), CW_CERT_STATE_RENEWAL_DUE);
	assert_int_equal(cw_cert_renew_state_write(f->cfg.state_dir, st.fingerprint_sha256,
	    T0 + 76 * DAY, T0 + 76 * DAY + 3600, "the enrollment service answered 503\nretry", &err), 0);
	assert_int_equal(state_at(f, T0 + 76 * DAY, &st), CW_CERT_STATE_RENEWAL_FAILING);
	assert_string_equal(st.last_renewal_error, "the enrollment service answered 503 retry");
	assert_int_equal(st.last_renewal_attempt, T0 + 76 * DAY);
	assert_int_equal(st.next_renewal_attempt, T0 + 76 * DAY + 3600);
	assert_int_equal(state_at(f, T0 + DAY, &st), CW_CERT_STATE_VALID);
	assert_int_equal(cw_cert_renew_state_write(f->cfg.state_dir, "00ff",
	    T0 + 76 * DAY, T0 + 77 * DAY, "old", &err), 0);
	assert_int_equal(state_at(f, T0 + 76 * DAY, &st), CW_CERT_STATE_RENEWAL_DUE);
	assert_string_equal(st.last_renewal_error, "");
	assert_int_equal(cw_cert_renew_state_clear(f->cfg.state_dir, &err), 0);
	assert_int_equal(cw_cert_renew_state_clear(f->cfg.state_dir, &err), 0);

	/* Expired after not_after; not yet valid is broken (clock). */
	assert_int_equal(state_at(f, T0 + 91 * DAY, &st), CW_CERT_STATE_EXPIRED);
	assert_int_equal(st.days_left, -1);
	assert_int_equal(state_at(f, T0 - DAY, &st), CW_CERT_STATE_BROKEN);
	assert_int_equal(st.problem, CW_CERT_NOT_YET_VALID);

	/* Chain does not verify: another trust anchor. */
	free(f->cfg.trust_anchor);
	f->cfg.trust_anchor = strdup(f->other_anchor);
	assert_int_equal(state_at(f, T0 + DAY, &st), CW_CERT_STATE_BROKEN);
	assert_int_equal(st.problem, CW_CERT_UNTRUSTED);
	assert_true(st.have_cert);
	free(f->cfg.trust_anchor);
	f->cfg.trust_anchor = strdup(f->anchor);

	/* Key mismatch. */
	assert_int_equal(cw_cert_key_generate(CW_KEY_EC_P256, &stranger, &err), 0);
	assert_int_equal(cw_cert_key_save(stranger, tu_path(f->cfg.cert_dir, "device.key"), 0, &err), 0);
	assert_int_equal(state_at(f, T0 + DAY, &st), CW_CERT_STATE_BROKEN);
	assert_int_equal(st.problem, CW_CERT_KEY_MISMATCH);
	assert_int_equal(cw_cert_state_exit_code(st.state), 23);
	/* Key unreadable (missing). */
	assert_int_equal(unlink(tu_path(f->cfg.cert_dir, "device.key")), 0);
	assert_int_equal(state_at(f, T0 + DAY, &st), CW_CERT_STATE_BROKEN);
	assert_int_equal(st.problem, CW_CERT_UNREADABLE);
	/* Certificate unreadable. */
	tu_write(tu_path(f->cfg.cert_dir, "device.crt"), "-----BEGIN CERTIFICATE-----\nxx\n", 0644);
	assert_int_equal(state_at(f, T0 + DAY, &st), CW_CERT_STATE_BROKEN);
	assert_int_equal(st.problem, CW_CERT_UNREADABLE);
	assert_int_equal(st.have_cert, 0);

	free(pem);
	cw_cert_key_free(key);
	cw_cert_key_free(stranger);
}

static void
test_cert_dir_check(void **state)
{
	struct fixture *f = *state;
	struct cw_error err;
	const char *sub = tu_path(f->dir, "a/b/cert");

	assert_int_equal(cw_cert_dir_check(sub, &err), 0);
	assert_int_equal(access(sub, W_OK), 0);
	if (geteuid() != 0) {	/* root writes anyway */
		assert_int_equal(chmod(sub, 0555), 0);
		assert_int_equal(cw_cert_dir_check(sub, &err), -1);
		assert_int_equal(err.code, CW_E_IO);
		assert_int_equal(chmod(sub, 0755), 0);
	}
}

static void
test_cert_state_names(void **state)
{
	(void)state;
	assert_string_equal(cw_cert_state_name(CW_CERT_STATE_MISSING), "missing");
	assert_string_equal(cw_cert_state_name(CW_CERT_STATE_RENEWAL_FAILING), "renewal_failing");
	assert_string_equal(cw_cert_state_name(CW_CERT_STATE__MAX), "?");
	for (int s = 0; s < CW_CERT_STATE__MAX; s++)
		for (int t = s + 1; t < CW_CERT_STATE__MAX; t++)
			assert_int_not_equal(cw_cert_state_exit_code(s), cw_cert_state_exit_code(t));
}

int
main(int argc, char **argv)
{
#ifdef CW_FAULT_INJECTION
	if (argc == 4 && strcmp(argv[1], "--install-child") == 0)
		return install_child(argv[2], argv[3]);
	if (realpath(argv[0], self_path) == NULL)
		snprintf(self_path, sizeof(self_path), "%s", argv[0]);
#endif
	(void)argc;
	(void)argv;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cert_key_ec_saved_0600, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cert_key_rsa3072, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cert_csr_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cert_verify_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cert_install_keeps_prev, setup, teardown),
#ifdef CW_FAULT_INJECTION
		cmocka_unit_test_setup_teardown(test_cert_install_crash_resume, setup, teardown),
#endif
		cmocka_unit_test_setup_teardown(test_cert_status_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cert_dir_check, setup, teardown),
		cmocka_unit_test(test_cert_state_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
