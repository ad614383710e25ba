/* cert-csr.c - the PKCS#10 certificate request: subject CN = the device
 * serial, the device key's public half, signed with SHA-256 (or the hash
 * the EST server asks for), with the CSR attributes it asks for. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pki/cert.h"
#include "core/i18n.h"

int
cw_cert_csr_build(const struct cw_cert_key *key, const char *serial,
    char **pem, unsigned char **der, size_t *derlen, struct cw_error *err)
{
	return cw_cert_csr_build_ex(key, serial, NULL, pem, der, derlen, err);
}

/* The macAddress value as an extension (OCTET STRING of the IA5String). */
static int
add_mac_ext(STACK_OF(X509_EXTENSION) **exts, ASN1_OBJECT *obj, const char *mac)
{
	ASN1_IA5STRING *s = NULL;
	ASN1_OCTET_STRING *os = NULL;
	X509_EXTENSION *ext = NULL;
	unsigned char *der = NULL;
	int n, ok = 0;

	if ((s = ASN1_IA5STRING_new()) == NULL || ASN1_STRING_set(s, mac, -1) != 1 ||
	    (n = i2d_ASN1_IA5STRING(s, &der)) <= 0 ||
	    (os = ASN1_OCTET_STRING_new()) == NULL ||
	    ASN1_OCTET_STRING_set(os, der, n) != 1 ||
	    (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os)) == NULL ||
	    X509v3_add_ext(exts, ext, -1) == NULL)
		goto out;
	ok = 1;
out:
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(os);
	ASN1_IA5STRING_free(s);
	OPENSSL_free(der);
	return ok;
}

/* Adds what opts asks for to req (before it is signed). */
static int
add_opts(X509_REQ *req, X509_NAME *name, const char *serial,
    const struct cw_cert_csr_opts *o)
{
	STACK_OF(X509_EXTENSION) *exts = NULL;
	X509_EXTENSION *ext = NULL;
	ASN1_OBJECT *mac = NULL;
	int ok = 0;

	if (o->subject_serial && X509_NAME_add_entry_by_NID(name, NID_serialNumber,
	    MBSTRING_ASC, (const unsigned char *)serial, -1, -1, 0) != 1)
		goto out;
	if (o->email != NULL && o->email[0] != '\0' &&
	    X509_NAME_add_entry_by_NID(name, NID_pkcs9_emailAddress, MBSTRING_ASC,
	    (const unsigned char *)o->email, -1, -1, 0) != 1)
		goto out;
	if (o->mac != NULL && o->mac[0] != '\0') {
		if ((mac = OBJ_txt2obj("1.3.6.1.1.1.1.22", 1)) == NULL ||
		    X509_REQ_add1_attr_by_OBJ(req, mac, V_ASN1_IA5STRING,
		    (const unsigned char *)o->mac, (int)strlen(o->mac)) != 1)
			goto out;
		if (o->mac_extension && !add_mac_ext(&exts, mac, o->mac))
			goto out;
	}
	if (o->san != NULL && o->san[0] != '\0') {
		if ((ext = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name,
		    o->san)) == NULL || X509v3_add_ext(&exts, ext, -1) == NULL)
			goto out;
	}
	if (exts != NULL && X509_REQ_add_extensions(req, exts) != 1)
		goto out;
	if (o->challenge != NULL && o->challenge[0] != '\0' &&
	    X509_REQ_add1_attr_by_NID(req, NID_pkcs9_challengePassword, MBSTRING_ASC,
	    (const unsigned char *)o->challenge, -1) != 1)
		goto out;
	ok = 1;
out:
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_EXTENSION_free(ext);
	ASN1_OBJECT_free(mac);
	return ok;
}

int
cw_cert_csr_build_ex(const struct cw_cert_key *key, const char *serial,
    const struct cw_cert_csr_opts *opts, char **pem, unsigned char **der,
    size_t *derlen, struct cw_error *err)
{
	static const struct cw_cert_csr_opts none;
	const EVP_MD *md;
	EVP_PKEY *pkey = cw_cert_key_evp(key);
	X509_REQ *req = NULL;
	X509_NAME *name = NULL;
	BIO *bio = NULL;
	unsigned char *d = NULL, *p;
	char *text = NULL, *data;
	long len;
	int n, rc = -1;

	if (pem != NULL)
		*pem = NULL;
	if (der != NULL)
		*der = NULL;
	if (serial == NULL || serial[0] == '\0') {
		cw_error_set(err, CW_E_CONFIG, _("the device serial number is not configured"));
		return cw_error_hint(err, _("Set [device] serial in the configuration file; it is the certificate's subject."));
	}
	if (opts == NULL)
		opts = &none;
	if (opts->hash == NULL || opts->hash[0] == '\0' || strcmp(opts->hash, "sha256") == 0)
		md = EVP_sha256();
	else if (strcmp(opts->hash, "sha384") == 0)
		md = EVP_sha384();
	else if (strcmp(opts->hash, "sha512") == 0)
		md = EVP_sha512();
	else
		return cw_error_set(err, CW_E_CRYPTO, _("the signature hash '%s' is not supported"),
		    opts->hash);
	if ((req = X509_REQ_new()) == NULL || (name = X509_NAME_new()) == NULL ||
	    X509_REQ_set_version(req, X509_REQ_VERSION_1) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)serial, -1, -1, 0) != 1 ||
	    !add_opts(req, name, serial, opts) ||
	    X509_REQ_set_subject_name(req, name) != 1 ||
	    X509_REQ_set_pubkey(req, pkey) != 1 ||
	    X509_REQ_sign(req, pkey, md) <= 0) {
		cw_error_set(err, CW_E_CRYPTO, _("cannot build the certificate request for '%s'"), serial);
		cw_error_openssl(err);
		goto out;
	}
	if (pem != NULL) {
		if ((bio = BIO_new(BIO_s_mem())) == NULL ||
		    PEM_write_bio_X509_REQ(bio, req) != 1 ||
		    (len = BIO_get_mem_data(bio, &data)) <= 0 ||
		    (text = malloc((size_t)len + 1)) == NULL) {
			cw_error_set(err, CW_E_CRYPTO, _("cannot encode the certificate request"));
			cw_error_openssl(err);
			goto out;
		}
		memcpy(text, data, (size_t)len);
		text[len] = '\0';
	}
	if (der != NULL) {
		if ((n = i2d_X509_REQ(req, NULL)) <= 0 || (d = malloc((size_t)n)) == NULL) {
			cw_error_set(err, CW_E_CRYPTO, _("cannot encode the certificate request"));
			cw_error_openssl(err);
			goto out;
		}
		p = d;
		i2d_X509_REQ(req, &p);
		*der = d;
		d = NULL;
		if (derlen != NULL)
			*derlen = (size_t)n;
	}
	if (pem != NULL) {
		*pem = text;
		text = NULL;
	}
	rc = 0;
out:
	free(text);
	free(d);
	BIO_free(bio);
	X509_NAME_free(name);
	X509_REQ_free(req);
	return rc;
}
