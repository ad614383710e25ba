/* cert-key.c - the device's private key: generate, save 0600, load.
 * The PEM text of a key only ever lives in secure-heap BIOs or a
 * struct cw_secret, both wiped when freed. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "pki/cert.h"
#include "core/fileio.h"
#include "core/i18n.h"
#include "core/secret.h"

struct cw_cert_key {
	EVP_PKEY *pkey;
};

int
cw_cert_key_generate(enum cw_key_type t, struct cw_cert_key **out,
    struct cw_error *err)
{
	struct cw_cert_key *key = NULL;

	*out = NULL;
	if ((key = calloc(1, sizeof(*key))) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	switch (t) {
	case CW_KEY_EC_P256:
		key->pkey = EVP_EC_gen("P-256");
		break;
	case CW_KEY_RSA_3072:
		key->pkey = EVP_RSA_gen(3072);
		break;
	case CW_KEY_EC_P384:
		key->pkey = EVP_EC_gen("P-384");
		break;
	case CW_KEY_RSA_2048:
		key->pkey = EVP_RSA_gen(2048);
		break;
	case CW_KEY_RSA_4096:
		key->pkey = EVP_RSA_gen(4096);
		break;
	default:
		break;
	}
	if (key->pkey == NULL) {
		free(key);
		cw_error_set(err, CW_E_CRYPTO, _("cannot generate a %s key"),
		    cw_cfg_key_type_name(t));
		return cw_error_openssl(err);
	}
	*out = key;
	return 0;
}

void
cw_cert_key_free(struct cw_cert_key *key)
{
	if (key == NULL)
		return;
	EVP_PKEY_free(key->pkey);	/* clears the key's numbers */
	free(key);
}

void *
cw_cert_key_evp(const struct cw_cert_key *key)
{
	return key->pkey;
}

int
cw_cert_key_save(const struct cw_cert_key *key, const char *path,
    unsigned flags, struct cw_error *err)
{
	BIO *bio = NULL;
	char *data;
	long len;
	int rc = -1;

	/* Secure heap: the encoded key is cleansed when the BIO is freed. */
	if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
	    PEM_write_bio_PrivateKey(bio, key->pkey, NULL, NULL, 0, NULL, NULL) != 1) {
		cw_error_set(err, CW_E_CRYPTO, _("cannot encode the private key for '%s'"), path);
		cw_error_openssl(err);
		goto out;
	}
	len = BIO_get_mem_data(bio, &data);
	if (cw_file_install(path, data, (size_t)len, 0600, flags, err) == -1)
		goto out;
	rc = 0;
out:
	BIO_free(bio);
	return rc;
}

int
cw_cert_key_load(const char *path, struct cw_cert_key **out,
    struct cw_error *err)
{
	struct cw_secret *pem = NULL;
	struct cw_cert_key *key = NULL;
	BIO *bio = NULL;
	int rc = -1;

	*out = NULL;
	if (cw_secret_read_file(path, CW_CERT_PEM_MAX, 0, &pem, err) == -1)
		goto out;
	if ((key = calloc(1, sizeof(*key))) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	if ((bio = BIO_new_mem_buf(cw_secret_data(pem), (int)cw_secret_len(pem))) == NULL ||
	    (key->pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) == NULL) {
		cw_error_set(err, CW_E_CRYPTO, _("cannot read the private key '%s'"), path);
		cw_error_openssl(err);
		cw_error_hint(err, _("The file is not a PEM private key; enroll again to make a new key."));
		goto out;
	}
	*out = key;
	key = NULL;
	rc = 0;
out:
	BIO_free(bio);
	cw_secret_free(pem);
	cw_cert_key_free(key);
	return rc;
}

const char *
cw_cert_key_type(const struct cw_cert_key *key, char *buf, size_t len)
{
	char group[64];
	size_t glen = 0;

	switch (EVP_PKEY_get_base_id(key->pkey)) {
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_utf8_string_param(key->pkey, OSSL_PKEY_PARAM_GROUP_NAME,
		    group, sizeof(group), &glen) != 1)
			snprintf(group, sizeof(group), "?");
		if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
			snprintf(buf, len, "ec-p256");
		else if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0)
			snprintf(buf, len, "ec-p384");
		else
			snprintf(buf, len, "ec-%s", group);
		break;
	case EVP_PKEY_RSA:
		snprintf(buf, len, "rsa-%d", EVP_PKEY_get_bits(key->pkey));
		break;
	default:
		snprintf(buf, len, "%s", OBJ_nid2sn(EVP_PKEY_get_base_id(key->pkey)));
		break;
	}
	return buf;
}
