/* cert-verify.c - an issued certificate is checked before anything is
 * installed: chain to the trust anchor, our public key, our serial as CN,
 * validity covering now.  Each failure names what is wrong and says that
 * nothing was installed. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "pki/cert-int.h"
#include "pki/cert.h"
#include "core/i18n.h"

static int
blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

STACK_OF(X509) *
cw_cert_pem_certs(const char *pem, size_t len, const char *what,
    struct cw_error *err)
{
	STACK_OF(X509) *sk = NULL;
	BIO *bio = NULL;
	X509 *x;
	unsigned long e;

	if ((sk = sk_X509_new_null()) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		return NULL;
	}
	if (len == 0 || pem == NULL)
		return sk;
	ERR_clear_error();
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		goto bad;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
		if (sk_X509_push(sk, x) == 0) {
			X509_free(x);
			goto bad;
		}
	/* The loop ends at the end of the text (no start line) or on garbage. */
	e = ERR_peek_last_error();
	if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE &&
	    (sk_X509_num(sk) > 0 || blank(pem, len))) {
		ERR_clear_error();
		BIO_free(bio);
		return sk;
	}
bad:
	cw_error_set(err, CW_E_CRYPTO, _("%s is not a PEM certificate"), what);
	cw_error_openssl(err);
	BIO_free(bio);
	sk_X509_pop_free(sk, X509_free);
	return NULL;
}

int
cw_cert_chain_check(X509 *leaf, STACK_OF(X509) *chain, const char *trust_anchor,
    int check_time, time_t now, enum cw_cert_problem *problem,
    struct cw_error *err)
{
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	int rc = -1, verr;

	if ((store = X509_STORE_new()) == NULL || (ctx = X509_STORE_CTX_new()) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	if (trust_anchor == NULL || trust_anchor[0] == '\0' ||
	    X509_STORE_load_file(store, trust_anchor) != 1) {
		*problem = CW_CERT_NO_ANCHOR;
		cw_error_set(err, CW_E_IO, _("cannot read the trust anchor '%s'"),
		    trust_anchor ? trust_anchor : "");
		cw_error_openssl(err);
		cw_error_hint(err, _("Check [enroll] trust_anchor, or bootstrap it with an enrollment; nothing was installed."));
		goto out;
	}
	if (X509_STORE_CTX_init(ctx, store, leaf, chain) != 1) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	if (check_time)
		X509_STORE_CTX_set_time(ctx, 0, now);
	else
		X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_NO_CHECK_TIME);
	if (X509_verify_cert(ctx) != 1) {
		verr = X509_STORE_CTX_get_error(ctx);
		*problem = CW_CERT_UNTRUSTED;
		cw_error_set(err, CW_E_CRYPTO,
		    _("the certificate does not chain to the trust anchor '%s'"), trust_anchor);
		cw_error_detail(err, "%s (depth %d)", X509_verify_cert_error_string(verr),
		    X509_STORE_CTX_get_error_depth(ctx));
		cw_error_hint(err, _("The certificate was not issued by the expected CA; nothing was installed."));
		ERR_clear_error();
		goto out;
	}
	rc = 0;
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return rc;
}

int
cw_cert_subject_cn(X509 *x, char *buf, size_t len)
{
	X509_NAME *name = X509_get_subject_name(x);
	int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	unsigned char *utf8 = NULL;
	int n;

	if (i < 0 || X509_NAME_get_index_by_NID(name, NID_commonName, i) >= 0)
		return -1;
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
	if (n < 0)
		return -1;
	snprintf(buf, len, "%.*s", n, (const char *)utf8);
	OPENSSL_free(utf8);
	/* An embedded NUL would make two different names compare equal. */
	return (size_t)n == strlen(buf) ? 0 : -1;
}

int
cw_cert_asn1_time(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	*out = timegm(&tm);
	return 0;
}

int
cw_cert_verify(const char *cert_pem, size_t cert_len, const char *chain_pem,
    size_t chain_len, const char *trust_anchor, const struct cw_cert_key *key,
    const char *serial, time_t now, enum cw_cert_problem *problem,
    struct cw_error *err)
{
	STACK_OF(X509) *certs = NULL, *chain = NULL;
	enum cw_cert_problem dummy;
	X509 *leaf;
	char cn[256];
	time_t nb, na;
	int rc = -1;

	cn[0] = '\0';
	if (problem == NULL)
		problem = &dummy;
	*problem = CW_CERT_UNREADABLE;
	if ((certs = cw_cert_pem_certs(cert_pem, cert_len, _("the issued certificate"), err)) == NULL)
		goto out;
	if (sk_X509_num(certs) == 0) {
		cw_error_set(err, CW_E_CRYPTO, _("the server sent no certificate"));
		cw_error_hint(err, _("Nothing was installed."));
		goto out;
	}
	if ((chain = cw_cert_pem_certs(chain_pem, chain_len, _("the CA chain"), err)) == NULL)
		goto out;
	leaf = sk_X509_value(certs, 0);
	/* Certificates after the first one are chain too. */
	for (int i = 1; i < sk_X509_num(certs); i++) {
		if (sk_X509_push(chain, sk_X509_value(certs, i)) == 0 ||
		    X509_up_ref(sk_X509_value(certs, i)) != 1) {
			cw_error_set(err, CW_E_NOMEM, _("out of memory"));
			goto out;
		}
	}
	if (cw_cert_chain_check(leaf, chain, trust_anchor, 0, now, problem, err) == -1)
		goto out;
	if (EVP_PKEY_eq(X509_get0_pubkey(leaf), cw_cert_key_evp(key)) != 1) {
		*problem = CW_CERT_KEY_MISMATCH;
		cw_error_set(err, CW_E_CRYPTO, _("the issued certificate is for another key"));
		cw_error_hint(err, _("The service returned a certificate that does not match this device's key; nothing was installed."));
		ERR_clear_error();
		goto out;
	}
	if (cw_cert_subject_cn(leaf, cn, sizeof(cn)) == -1 || strcmp(cn, serial) != 0) {
		*problem = CW_CERT_WRONG_CN;
		cw_error_set(err, CW_E_CRYPTO,
		    _("the issued certificate is for '%s', not for this device '%s'"), cn, serial);
		cw_error_hint(err, _("Check [device] serial; nothing was installed."));
		goto out;
	}
	if (cw_cert_asn1_time(X509_get0_notBefore(leaf), &nb) == -1 ||
	    cw_cert_asn1_time(X509_get0_notAfter(leaf), &na) == -1) {
		*problem = CW_CERT_UNREADABLE;
		cw_error_set(err, CW_E_CRYPTO, _("the issued certificate has a bad validity period"));
		cw_error_hint(err, _("Nothing was installed."));
		goto out;
	}
	if (now < nb) {
		*problem = CW_CERT_NOT_YET_VALID;
		cw_error_set(err, CW_E_TIME, _("the issued certificate is not valid yet"));
		cw_error_hint(err, _("This device's clock may be wrong: check NTP ('certwiz ntp test'). Nothing was installed."));
		goto out;
	}
	if (now > na) {
		*problem = CW_CERT_EXPIRED;
		cw_error_set(err, CW_E_TIME, _("the issued certificate has already expired"));
		cw_error_hint(err, _("This device's clock may be wrong: check NTP ('certwiz ntp test'). Nothing was installed."));
		goto out;
	}
	/* The CA certificates must be valid now too. */
	if (cw_cert_chain_check(leaf, chain, trust_anchor, 1, now, problem, err) == -1)
		goto out;
	*problem = CW_CERT_OK;
	rc = 0;
out:
	sk_X509_pop_free(chain, X509_free);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}
