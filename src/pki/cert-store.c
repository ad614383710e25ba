/* cert-store.c - the installed key, certificate and chain: atomic install
 * (previous kept as .prev), the status read back from them, and the
 * renewal flow's renew-state record.
 *
 * Status, in the order decided:
 *   no device.crt                                  -> missing
 *   crt/key/chain unreadable, key mismatch,
 *   chain does not verify, not yet valid           -> broken
 *   now > not_after                                -> expired
 *   now >= not_after - renew_before_days, and the
 *   renew-state of this certificate has an error   -> renewal_failing
 *   now >= not_after - renew_before_days           -> renewal_due
 *   otherwise                                      -> valid */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pki/cert-int.h"
#include "pki/cert.h"
#include "core/fileio.h"
#include "core/i18n.h"

static const char *const state_names[CW_CERT_STATE__MAX] = {
	[CW_CERT_STATE_MISSING] = "missing",
	[CW_CERT_STATE_VALID] = "valid",
	[CW_CERT_STATE_RENEWAL_DUE] = "renewal_due",
	[CW_CERT_STATE_RENEWAL_FAILING] = "renewal_failing",
	[CW_CERT_STATE_EXPIRED] = "expired",
	[CW_CERT_STATE_BROKEN] = "broken",
};

static const int state_exit[CW_CERT_STATE__MAX] = {
	[CW_CERT_STATE_VALID] = 0,
	[CW_CERT_STATE_RENEWAL_DUE] = 20,
	[CW_CERT_STATE_RENEWAL_FAILING] = 21,
	[CW_CERT_STATE_EXPIRED] = 22,
	[CW_CERT_STATE_BROKEN] = 23,
	[CW_CERT_STATE_MISSING] = 24,
};

static const char *const state_words[CW_CERT_STATE__MAX] = {
	/* TRANSLATORS: certificate states in `certwiz status` and on the
	 * status screen. */
	[CW_CERT_STATE_MISSING] = N_("not installed"),
	[CW_CERT_STATE_VALID] = N_("valid"),
	[CW_CERT_STATE_RENEWAL_DUE] = N_("renewal due"),
	[CW_CERT_STATE_RENEWAL_FAILING] = N_("renewal failing"),
	[CW_CERT_STATE_EXPIRED] = N_("expired"),
	[CW_CERT_STATE_BROKEN] = N_("broken"),
};

const char *
cw_cert_state_words(enum cw_cert_state s)
{
	return (unsigned)s < CW_CERT_STATE__MAX ? _(state_words[s]) : "?";
}

const char *
cw_cert_state_name(enum cw_cert_state s)
{
	if ((int)s < 0 || s >= CW_CERT_STATE__MAX)
		return "?";
	return state_names[s];
}

int
cw_cert_state_exit_code(enum cw_cert_state s)
{
	if ((int)s < 0 || s >= CW_CERT_STATE__MAX)
		return 1;
	return state_exit[s];
}

char *
cw_cert_time_rfc3339(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "?");
	return buf;
}

static int
parse_rfc3339(const char *s, time_t *out)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL || *end != '\0')
		return -1;
	*out = timegm(&tm);
	return 0;
}

/* dir + "/" + name into buf; -1 when it does not fit. */
static int
join(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* 1 when path holds exactly data. */
static int
same_content(const char *path, const char *data, size_t len)
{
	struct cw_error ignore;
	char *old = NULL;
	size_t oldlen = 0;
	int same;

	if (cw_file_read(path, CW_CERT_PEM_MAX, &old, &oldlen, &ignore) == -1)
		return 0;
	same = oldlen == len && memcmp(old, data, len) == 0;
	free(old);
	return same;
}

/* 1 when path holds a private key with key's public half. */
static int
same_key(const char *path, const struct cw_cert_key *key)
{
	struct cw_cert_key *old = NULL;
	struct cw_error ignore;
	int same;

	if (access(path, F_OK) == -1 || cw_cert_key_load(path, &old, &ignore) == -1)
		return 0;
	same = EVP_PKEY_eq(cw_cert_key_evp(old), cw_cert_key_evp(key)) == 1;
	ERR_clear_error();
	cw_cert_key_free(old);
	return same;
}

int
cw_cert_install(const char *cert_dir, const struct cw_cert_key *key,
    const char *cert_pem, size_t cert_len, const char *chain_pem,
    size_t chain_len, struct cw_error *err)
{
	char path[4096];

	if (cw_file_mkdirs(cert_dir, 0755, err) == -1)
		return -1;
	if (join(path, sizeof(path), cert_dir, CW_CERT_KEY_FILE) == -1)
		goto toolong;
	if (!same_key(path, key) && cw_cert_key_save(key, path, 1, err) == -1)
		return -1;
	cw_fault_point("cert-install-key");
	if (join(path, sizeof(path), cert_dir, CW_CERT_CHAIN_FILE) == -1)
		goto toolong;
	if (chain_pem == NULL)
		chain_pem = "";
	if (!same_content(path, chain_pem, chain_len) &&
	    cw_file_install(path, chain_pem, chain_len, 0644, CW_FILE_KEEP_PREV, err) == -1)
		return -1;
	cw_fault_point("cert-install-chain");
	if (join(path, sizeof(path), cert_dir, CW_CERT_CRT_FILE) == -1)
		goto toolong;
	if (!same_content(path, cert_pem, cert_len) &&
	    cw_file_install(path, cert_pem, cert_len, 0644, CW_FILE_KEEP_PREV, err) == -1)
		return -1;
	return 0;
toolong:
	return cw_error_set(err, CW_E_CONFIG, _("the path '%s' is too long"), cert_dir);
}

int
cw_cert_dir_check(const char *cert_dir, struct cw_error *err)
{
	if (cw_file_mkdirs(cert_dir, 0755, err) == -1)
		return -1;
	/* access() also reports a read-only file system (EROFS), even to root. */
	if (access(cert_dir, W_OK | X_OK) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot write into the certificate directory '%s'"), cert_dir);
		cw_error_detail(err, "%s", strerror(errno));
		return cw_error_hint(err, _("Fix the directory's permissions or [paths] cert_dir before enrolling; the one-time password was not used."));
	}
	return 0;
}

/* ---- renew-state */

int
cw_cert_renew_state_write(const char *state_dir, const char *cert_sha256,
    time_t last_attempt, time_t next_attempt, const char *last_error,
    struct cw_error *err)
{
	char path[4096], t1[32], t2[32], text[CW_ERR_MSG_MAX + 256];
	int n;

	if (join(path, sizeof(path), state_dir, CW_CERT_RENEW_STATE_FILE) == -1)
		return cw_error_set(err, CW_E_CONFIG, _("the path '%s' is too long"), state_dir);
	if (cw_file_mkdirs(state_dir, 0700, err) == -1)
		return -1;
	n = snprintf(text, sizeof(text),
	    "cert_sha256=%s\nlast_attempt=%s\nnext_attempt=%s\nlast_error=%s\n",
	    cert_sha256, cw_cert_time_rfc3339(last_attempt, t1, sizeof(t1)),
	    cw_cert_time_rfc3339(next_attempt, t2, sizeof(t2)), last_error);
	if (n < 0 || (size_t)n >= sizeof(text))
		n = (int)strlen(text);
	/* One record per line: an error text with a newline stays one line. */
	for (char *p = strstr(text, "last_error=") + 11; *p; p++)
		if ((*p == '\n' && p[1] != '\0') || *p == '\r')
			*p = ' ';
	return cw_file_install(path, text, (size_t)n, 0644, 0, err);
}

int
cw_cert_renew_state_clear(const char *state_dir, struct cw_error *err)
{
	char path[4096];

	if (join(path, sizeof(path), state_dir, CW_CERT_RENEW_STATE_FILE) == -1)
		return cw_error_set(err, CW_E_CONFIG, _("the path '%s' is too long"), state_dir);
	if (unlink(path) == -1) {
		if (errno == ENOENT)
			return 0;
		cw_error_set(err, CW_E_IO, _("cannot remove '%s'"), path);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	return cw_file_sync_dir(path, 0, err);
}

/* Fills the renewal fields of st when the renew-state is about the
 * certificate st describes. */
static void
read_renew_state(const char *state_dir, struct cw_cert_status *st)
{
	struct cw_error ignore;
	char path[4096], *text = NULL, *save = NULL;
	char sha[sizeof(st->fingerprint_sha256)] = "";
	char msg[sizeof(st->last_renewal_error)] = "";
	time_t last = 0, next = 0;
	size_t len;

	if (join(path, sizeof(path), state_dir, CW_CERT_RENEW_STATE_FILE) == -1 ||
	    access(path, F_OK) == -1 ||
	    cw_file_read(path, 16 * 1024, &text, &len, &ignore) == -1)
		return;
	for (char *line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');

		if (eq == NULL)
			continue;
		*eq++ = '\0';
		if (strcmp(line, "cert_sha256") == 0)
			snprintf(sha, sizeof(sha), "%s", eq);
		else if (strcmp(line, "last_attempt") == 0)
			(void)parse_rfc3339(eq, &last);
		else if (strcmp(line, "next_attempt") == 0)
			(void)parse_rfc3339(eq, &next);
		else if (strcmp(line, "last_error") == 0)
			snprintf(msg, sizeof(msg), "%s", eq);
	}
	free(text);
	if (strcmp(sha, st->fingerprint_sha256) != 0)
		return;
	st->last_renewal_attempt = last;
	st->next_renewal_attempt = next;
	snprintf(st->last_renewal_error, sizeof(st->last_renewal_error), "%s", msg);
}

/* ---- status */

static void
name_text(X509_NAME *name, char *buf, size_t len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;

	buf[0] = '\0';
	if (bio == NULL)
		return;
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0 &&
	    (n = BIO_get_mem_data(bio, &data)) >= 0)
		snprintf(buf, len, "%.*s", (int)n, data);
	BIO_free(bio);
}

static void
serial_text(X509 *x, char *buf, size_t len)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;

	snprintf(buf, len, "%s", hex ? hex : "");
	for (char *p = buf; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	OPENSSL_free(hex);
	BN_free(bn);
}

static void
fingerprint(X509 *x, char *buf, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	buf[0] = '\0';
	if (X509_digest(x, EVP_sha256(), md, &mdlen) != 1)
		return;
	for (unsigned int i = 0; i < mdlen && 2 * i + 2 < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", md[i]);
}

/* Subject and fingerprint of the trust anchor, for the admin to compare
 * with what the CA publishes.  Missing or unreadable: left empty. */
static void
read_anchor(const char *path, struct cw_cert_status *st)
{
	STACK_OF(X509) *sk = NULL;
	struct cw_error ignore;
	char *text = NULL;
	size_t len;

	if (path == NULL || path[0] == '\0' || access(path, F_OK) == -1 ||
	    cw_file_read(path, CW_CERT_PEM_MAX, &text, &len, &ignore) == -1)
		return;
	if ((sk = cw_cert_pem_certs(text, len, path, &ignore)) != NULL && sk_X509_num(sk) > 0) {
		name_text(X509_get_subject_name(sk_X509_value(sk, 0)),
		    st->anchor_subject, sizeof(st->anchor_subject));
		fingerprint(sk_X509_value(sk, 0), st->anchor_fingerprint_sha256,
		    sizeof(st->anchor_fingerprint_sha256));
	}
	sk_X509_pop_free(sk, X509_free);
	free(text);
}

static void
broken(struct cw_cert_status *st, enum cw_cert_problem problem,
    const struct cw_error *why)
{
	st->state = CW_CERT_STATE_BROKEN;
	st->problem = problem;
	if (why->detail[0])
		snprintf(st->problem_text, sizeof(st->problem_text), "%s: %s",
		    why->msg, why->detail);
	else
		snprintf(st->problem_text, sizeof(st->problem_text), "%s", why->msg);
}

int
cw_cert_status_read(const struct cw_cfg *cfg, time_t now,
    struct cw_cert_status *st, struct cw_error *err)
{
	STACK_OF(X509) *certs = NULL, *chain = NULL;
	struct cw_cert_key *key = NULL;
	struct cw_error why;
	char path[4096], *text = NULL;
	size_t len = 0;
	X509 *leaf;
	long long diff;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	cw_error_clear(&why);
	read_anchor(cfg->trust_anchor, st);
	if (join(path, sizeof(path), cfg->cert_dir, CW_CERT_CRT_FILE) == -1)
		return cw_error_set(err, CW_E_CONFIG, _("the path '%s' is too long"), cfg->cert_dir);
	if (access(path, F_OK) == -1 && errno == ENOENT) {
		st->state = CW_CERT_STATE_MISSING;
		return 0;
	}

	/* The certificate itself. */
	if (cw_file_read(path, CW_CERT_PEM_MAX, &text, &len, &why) == -1) {
		if (why.code == CW_E_NOMEM)
			goto nomem;
		broken(st, CW_CERT_UNREADABLE, &why);
		goto done;
	}
	if ((certs = cw_cert_pem_certs(text, len, path, &why)) == NULL ||
	    sk_X509_num(certs) == 0) {
		if (certs != NULL)
			cw_error_set(&why, CW_E_CRYPTO, _("'%s' holds no certificate"), path);
		broken(st, CW_CERT_UNREADABLE, &why);
		goto done;
	}
	leaf = sk_X509_value(certs, 0);
	st->have_cert = 1;
	name_text(X509_get_subject_name(leaf), st->subject, sizeof(st->subject));
	if (cw_cert_subject_cn(leaf, st->subject_cn, sizeof(st->subject_cn)) == -1)
		st->subject_cn[0] = '\0';
	name_text(X509_get_issuer_name(leaf), st->issuer, sizeof(st->issuer));
	serial_text(leaf, st->serial, sizeof(st->serial));
	fingerprint(leaf, st->fingerprint_sha256, sizeof(st->fingerprint_sha256));
	if (st->fingerprint_sha256[0] == '\0')
		goto nomem;
	if (cw_cert_asn1_time(X509_get0_notBefore(leaf), &st->not_before) == -1 ||
	    cw_cert_asn1_time(X509_get0_notAfter(leaf), &st->not_after) == -1) {
		cw_error_set(&why, CW_E_CRYPTO, _("'%s' has a bad validity period"), path);
		broken(st, CW_CERT_UNREADABLE, &why);
		goto done;
	}
	diff = (long long)st->not_after - (long long)now;
	st->days_left = (long)(diff >= 0 ? diff / 86400 : -((-diff + 86399) / 86400));
	st->renew_at = st->not_after - (time_t)cfg->renew_before_days * 86400;

	/* The key: readable, and the certificate's. */
	if (join(path, sizeof(path), cfg->cert_dir, CW_CERT_KEY_FILE) == -1 ||
	    cw_cert_key_load(path, &key, &why) == -1) {
		broken(st, CW_CERT_UNREADABLE, &why);
		goto done;
	}
	cw_cert_key_type(key, st->key_type, sizeof(st->key_type));
	if (EVP_PKEY_eq(X509_get0_pubkey(leaf), cw_cert_key_evp(key)) != 1) {
		ERR_clear_error();
		cw_error_set(&why, CW_E_CRYPTO,
		    _("the installed key '%s' does not belong to the installed certificate"), path);
		broken(st, CW_CERT_KEY_MISMATCH, &why);
		goto done;
	}

	/* The chain, up to the trust anchor. */
	free(text);
	text = NULL;
	if (join(path, sizeof(path), cfg->cert_dir, CW_CERT_CHAIN_FILE) == -1)
		goto nomem;
	if (access(path, F_OK) == 0 &&
	    cw_file_read(path, CW_CERT_PEM_MAX, &text, &len, &why) == -1) {
		broken(st, CW_CERT_UNREADABLE, &why);
		goto done;
	}
	if ((chain = cw_cert_pem_certs(text, text ? len : 0, path, &why)) == NULL) {
		broken(st, CW_CERT_UNREADABLE, &why);
		goto done;
	}
	if (cw_cert_chain_check(leaf, chain, cfg->trust_anchor, 0, now, &st->problem, &why) == -1) {
		broken(st, st->problem, &why);
		goto done;
	}

	if (now > st->not_after)
		st->state = CW_CERT_STATE_EXPIRED;
	else if (now < st->not_before) {
		cw_error_set(&why, CW_E_TIME, _("the installed certificate is not valid yet"));
		cw_error_hint(&why, _("This device's clock may be wrong: check NTP."));
		broken(st, CW_CERT_NOT_YET_VALID, &why);
		goto done;
	} else if (cw_cert_chain_check(leaf, chain, cfg->trust_anchor, 1, now,
	    &st->problem, &why) == -1) {
		/* A CA certificate of the chain is out of its validity. */
		broken(st, st->problem, &why);
		goto done;
	} else if (now >= st->renew_at)
		st->state = CW_CERT_STATE_RENEWAL_DUE;
	else
		st->state = CW_CERT_STATE_VALID;

	read_renew_state(cfg->state_dir, st);
	if (st->state == CW_CERT_STATE_RENEWAL_DUE && st->last_renewal_error[0] != '\0')
		st->state = CW_CERT_STATE_RENEWAL_FAILING;
done:
	rc = 0;
	goto out;
nomem:
	cw_error_set(err, CW_E_NOMEM, _("out of memory"));
out:
	sk_X509_pop_free(chain, X509_free);
	sk_X509_pop_free(certs, X509_free);
	cw_cert_key_free(key);
	free(text);
	ERR_clear_error();
	return rc;
}
