/* est-parse.c - the EST bodies: the PKCS#10 request as base64 (64
 * columns, CRLF) and the PKCS#7 certs-only answer (base64 or binary DER)
 * into PEM strings and SHA-256 fingerprints.  Pure functions: no I/O. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pki/est-int.h"
#include "pki/est.h"
#include "core/i18n.h"

/* base64 of der, 64 columns, CRLF line ends (RFC 2045).  Caller frees. */
static char *
base64_lines(const unsigned char *der, size_t len, size_t *outlen)
{
	size_t lines = (len + 47) / 48, i, n = 0;
	char *out;

	if ((out = malloc(lines * 66 + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i += 48) {
		size_t chunk = len - i < 48 ? len - i : 48;

		n += (size_t)EVP_EncodeBlock((unsigned char *)out + n, der + i, (int)chunk);
		out[n++] = '\r';
		out[n++] = '\n';
	}
	out[n] = '\0';
	*outlen = n;
	return out;
}

int
cw_est_csr_load(const void *csr, size_t len, X509_REQ **out, struct cw_error *err)
{
	const unsigned char *p = csr;
	BIO *bio = NULL;

	*out = NULL;
	if (len == 0 || len > MAX_CSR)
		return cw_error_set(err, CW_E_USAGE,
		    _("the certificate request is empty or too large"));
	if (len > 10 && memcmp(csr, "-----BEGIN", 10) == 0) {
		if ((bio = BIO_new_mem_buf(csr, (int)len)) != NULL)
			*out = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL);
		BIO_free(bio);
	} else {
		*out = d2i_X509_REQ(NULL, &p, (long)len);
	}
	if (*out == NULL) {
		cw_error_set(err, CW_E_CRYPTO, _("the certificate request is not a valid PKCS#10 request"));
		return cw_error_openssl(err);
	}
	return 0;
}

int
cw_est_csr_body(X509_REQ *req, char **body, size_t *len, struct cw_error *err)
{
	unsigned char *der = NULL;
	int n;

	if ((n = i2d_X509_REQ(req, &der)) <= 0) {
		cw_error_set(err, CW_E_CRYPTO, _("cannot encode the certificate request"));
		return cw_error_openssl(err);
	}
	*body = base64_lines(der, (size_t)n, len);
	OPENSSL_free(der);
	if (*body == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	return 0;
}

/* The media type of the answer, without parameters, matches? */
static int
media_type_is(const char *ctype, const char *want)
{
	size_t n = strlen(want);

	while (*ctype == ' ')
		ctype++;
	return strncasecmp(ctype, want, n) == 0 &&
	    (ctype[n] == '\0' || ctype[n] == ';' || ctype[n] == ' ');
}

static int
decode_body(const char *op, const char *body, size_t len, int binary,
    unsigned char **der, size_t *derlen, struct cw_error *err)
{
	EVP_ENCODE_CTX *ctx = NULL;
	unsigned char *out = NULL;
	int n = 0, m = 0;

	*der = NULL;
	if (len == 0)
		return cw_error_set(err, CW_E_PROTO,
		    _("the EST server's answer to '%s' is empty"), op);
	if (binary) {
		if ((out = malloc(len)) == NULL)
			return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		memcpy(out, body, len);
		*der = out;
		*derlen = len;
		return 0;
	}
	if ((out = malloc(len / 4 * 3 + 80)) == NULL ||
	    (ctx = EVP_ENCODE_CTX_new()) == NULL) {
		free(out);
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	EVP_DecodeInit(ctx);
	if (EVP_DecodeUpdate(ctx, out, &n, (const unsigned char *)body,
	    (int)len) < 0 || EVP_DecodeFinal(ctx, out + n, &m) < 0 ||
	    n + m == 0) {
		EVP_ENCODE_CTX_free(ctx);
		free(out);
		ERR_clear_error();
		cw_error_set(err, CW_E_PROTO,
		    _("the EST server's answer to '%s' is not valid base64"), op);
		return cw_error_hint(err, _("The server is not a working EST service; "
		    "nothing was installed."));
	}
	EVP_ENCODE_CTX_free(ctx);
	*der = out;
	*derlen = (size_t)(n + m);
	return 0;
}

/* A distinguished name as one RFC 2253 line, truncated to fit. */
static void
name_line(const X509_NAME *name, char *buf, size_t len)
{
	BIO *bio;
	char *p;
	long n;

	buf[0] = '\0';
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return;
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0 &&
	    (n = BIO_get_mem_data(bio, &p)) > 0)
		snprintf(buf, len, "%.*s", (int)n, p);
	BIO_free(bio);
}

static int
cert_entry(X509 *x, struct cw_est_cert *e, struct cw_error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	BIO *bio = NULL;
	char *p;
	long n;
	int ret = -1;

	memset(e, 0, sizeof(*e));
	if ((bio = BIO_new(BIO_s_mem())) == NULL || !PEM_write_bio_X509(bio, x))
		goto ossl;
	n = BIO_get_mem_data(bio, &p);
	if ((e->pem = malloc((size_t)n + 1)) == NULL)
		goto ossl;
	memcpy(e->pem, p, (size_t)n);
	e->pem[n] = '\0';
	name_line(X509_get_subject_name(x), e->subject, sizeof(e->subject));
	name_line(X509_get_issuer_name(x), e->issuer, sizeof(e->issuer));
	if (!X509_digest(x, EVP_sha256(), md, &mdlen))
		goto ossl;
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(e->fingerprint + 2 * i, 3, "%02x", md[i]);
	/* Issuer = subject and its own signature verifies. */
	e->self_signed = X509_self_signed(x, 1) == 1;
	e->is_ca = X509_check_ca(x) != 0;
	ERR_clear_error();
	ret = 0;
	goto out;
ossl:
	cw_error_set(err, CW_E_CRYPTO, _("cannot read a certificate from the EST server"));
	cw_error_openssl(err);
out:
	BIO_free(bio);
	return ret;
}

static int
join_pem(const struct cw_est_certs *certs, size_t from, char **out)
{
	size_t i, n = 1;
	char *p;

	for (i = from; i < certs->count; i++)
		n += strlen(certs->certs[i].pem);
	if ((p = malloc(n)) == NULL)
		return -1;
	p[0] = '\0';
	for (i = from; i < certs->count; i++)
		strcat(p, certs->certs[i].pem);
	*out = p;
	return 0;
}

/* Parses a 200 answer.  csr: the request (enroll) or NULL (cacerts). */
int
cw_est_certs_parse(const char *op, const char *ctype, const char *cte,
    const char *body, size_t len, X509_REQ *csr, struct cw_est_certs *certs,
    struct cw_error *err)
{
	STACK_OF(X509) *sk = NULL;
	const unsigned char *p;
	unsigned char *der = NULL;
	size_t derlen = 0, i, k;
	PKCS7 *p7 = NULL;
	int leaf = -1, ret = -1, binary;

	memset(certs, 0, sizeof(*certs));
	if (ctype == NULL || (!media_type_is(ctype, "application/pkcs7-mime") &&
	    !media_type_is(ctype, "application/x-pkcs7-mime"))) {
		cw_error_set(err, CW_E_PROTO,
		    _("the EST server answered '%s' with content type '%s', not application/pkcs7-mime"),
		    op, ctype ? ctype : "");
		cw_error_hint(err, _("Check [enroll] url: it must point to an EST "
		    "service. Nothing was installed."));
		goto out;
	}
	/* RFC 8951: always base64; a server that says binary is taken at its
	 * word. */
	binary = cte != NULL && (strcasecmp(cte, "binary") == 0 ||
	    strcasecmp(cte, "8bit") == 0);
	if (decode_body(op, body, len, binary, &der, &derlen, err) < 0)
		goto out;
	p = der;
	if ((p7 = d2i_PKCS7(NULL, &p, (long)derlen)) == NULL ||
	    !PKCS7_type_is_signed(p7) || p7->d.sign == NULL ||
	    (sk = p7->d.sign->cert) == NULL || sk_X509_num(sk) == 0) {
		cw_error_set(err, CW_E_PROTO,
		    _("the EST server's answer to '%s' is not a PKCS#7 certificate list"), op);
		cw_error_openssl(err);
		cw_error_hint(err, _("The server is not a working EST service; "
		    "nothing was installed."));
		goto out;
	}
	if (csr != NULL) {
		EVP_PKEY *want = X509_REQ_get0_pubkey(csr);

		for (k = 0; k < (size_t)sk_X509_num(sk); k++) {
			EVP_PKEY *got = X509_get0_pubkey(sk_X509_value(sk, (int)k));

			if (want != NULL && got != NULL && EVP_PKEY_eq(want, got) == 1) {
				leaf = (int)k;
				break;
			}
		}
		if (leaf < 0) {
			ERR_clear_error();
			cw_error_set(err, CW_E_CRYPTO,
			    _("the certificate from the EST server is not for this device's key"));
			cw_error_hint(err, _("Nothing was installed. Report this to the "
			    "certificate service."));
			goto out;
		}
	}
	if ((certs->certs = calloc((size_t)sk_X509_num(sk), sizeof(*certs->certs))) == NULL)
		goto nomem;
	/* The issued certificate first, then the others in the order sent. */
	if (leaf >= 0 && cert_entry(sk_X509_value(sk, leaf), &certs->certs[certs->count++], err) < 0)
		goto out;
	for (i = 0; i < (size_t)sk_X509_num(sk); i++) {
		if ((int)i == leaf)
			continue;
		if (cert_entry(sk_X509_value(sk, (int)i), &certs->certs[certs->count++], err) < 0)
			goto out;
	}
	if (join_pem(certs, 1, &certs->chain_pem) < 0 ||
	    join_pem(certs, 0, &certs->all_pem) < 0)
		goto nomem;
	ret = 0;
	goto out;
nomem:
	cw_error_set(err, CW_E_NOMEM, _("out of memory"));
out:
	if (ret < 0)
		cw_est_certs_release(certs);
	PKCS7_free(p7);
	free(der);
	return ret;
}

/* The 200 answer of the last request. */
int
cw_est_parse_certs(const char *content_type, const char *cte,
    const void *body, size_t len, const void *csr, size_t csrlen,
    struct cw_est_certs *certs, struct cw_error *err)
{
	X509_REQ *req = NULL;
	int ret;

	memset(certs, 0, sizeof(*certs));
	if (len > MAX_RESPONSE)
		return cw_error_set(err, CW_E_PROTO,
		    _("the EST server's answer to '%s' is larger than %d bytes"),
		    csr ? "simpleenroll" : "cacerts", MAX_RESPONSE);
	if (csr != NULL && cw_est_csr_load(csr, csrlen, &req, err) < 0)
		return -1;
	ret = cw_est_certs_parse(csr ? "simpleenroll" : "cacerts", content_type, cte,
	    body, len, req, certs, err);
	X509_REQ_free(req);
	return ret;
}

/* A non-200 answer as an error.  what: which credential was used. */
void
cw_est_certs_release(struct cw_est_certs *certs)
{
	size_t i;

	if (certs == NULL)
		return;
	for (i = 0; i < certs->count; i++)
		free(certs->certs[i].pem);
	free(certs->certs);
	free(certs->chain_pem);
	free(certs->all_pem);
	memset(certs, 0, sizeof(*certs));
}

