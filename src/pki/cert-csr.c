/* cert-csr.c - the PKCS#10 certificate request: subject CN = the device
 * serial, the device key's public half, signed with SHA-256. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "pki/cert.h"
#include "core/i18n.h"

int
cw_cert_csr_build(const struct cw_cert_key *key, const char *serial,
    char **pem, unsigned char **der, size_t *derlen, struct cw_error *err)
{
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
	if ((req = X509_REQ_new()) == NULL || (name = X509_NAME_new()) == NULL ||
	    X509_REQ_set_version(req, X509_REQ_VERSION_1) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)serial, -1, -1, 0) != 1 ||
	    X509_REQ_set_subject_name(req, name) != 1 ||
	    X509_REQ_set_pubkey(req, pkey) != 1 ||
	    X509_REQ_sign(req, pkey, EVP_sha256()) <= 0) {
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
