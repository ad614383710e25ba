/* age.c - age v1 keys and STREAM: the scrypt recipient, the header MAC and
 * the payload, encrypting and decrypting, on top of age-header.c (grammar)
 * and age-input.c (buffering, armor).
 *
 *   file key (16 random bytes)
 *     scrypt stanza: ChaCha20-Poly1305(scrypt(pass, "age-encryption.org/v1/scrypt"
 *                    || salt, 2^log2n, 8, 1), nonce 0, file key)
 *     header MAC:    HMAC-SHA256(HKDF(file key, "", "header"), header..."---")
 *     payload:       nonce (16 random bytes), key HKDF(file key, nonce,
 *                    "payload"), 64 KiB chunks sealed with nonce
 *                    counter(11 bytes, big endian) || last flag (1 byte)
 *
 * Decryption invariants: a chunk's plaintext is handed out only after its
 * tag checked; the final chunk is the only one flagged last, it is short or
 * full but empty only when it is the only chunk, and nothing follows it. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "sc3/age-int.h"
#include "core/fileio.h"
#include "core/i18n.h"

#define TAG_LEN 16
#define CT_CHUNK (CW_AGE_CHUNK + TAG_LEN)
#define NONCE_LEN 16
#define SCRYPT_LABEL "age-encryption.org/v1/scrypt"

struct cw_age_enc {
	cw_age_write_fn out;
	void *ctx;
	EVP_CIPHER_CTX *cctx;
	uint8_t key[32];
	uint64_t counter;
	size_t blen;
	int done;
	uint64_t out_len;		/* bytes written through out */
	/* cw_age_enc_hold(): chunks starting before hold_upto are kept as
	 * plaintext in held[], a placeholder of their length written. */
	uint64_t hold_upto, hold_base, held_len;
	uint64_t held_chunks;
	uint8_t *held;
	cw_age_pwrite_fn pout;
	uint8_t buf[CW_AGE_CHUNK];
	uint8_t ct[CT_CHUNK];
};

enum dec_state { DEC_NEW, DEC_OPEN, DEC_DONE, DEC_FAILED };

struct cw_age_dec {
	struct age_in *in;
	enum cw_age_fail fail;
	enum dec_state state;
	EVP_CIPHER_CTX *cctx;
	uint8_t key[32];
	uint64_t counter;
	size_t ppos, plen;
	uint8_t ct[CT_CHUNK];
	uint8_t pt[CW_AGE_CHUNK];
};

static const char *const fail_names[CW_AGE__MAX] = {
	[CW_AGE_OK] = "ok",
	[CW_AGE_IO] = "io",
	[CW_AGE_NOT_AGE] = "not-age",
	[CW_AGE_ARMOR] = "armor",
	[CW_AGE_HEADER] = "header",
	[CW_AGE_NO_MATCH] = "no-match",
	[CW_AGE_HMAC] = "hmac",
	[CW_AGE_PAYLOAD] = "payload",
	[CW_AGE_TRUNCATED] = "truncated",
	[CW_AGE_NOMEM] = "nomem",
	[CW_AGE_WORK_FACTOR] = "work-factor",
};

const char *
cw_age_fail_name(enum cw_age_fail fail)
{
	return (unsigned)fail < CW_AGE__MAX ? fail_names[fail] : "?";
}

/* ---- primitives */

static int
crypto_fail(enum cw_age_fail *slot, struct cw_error *err, const char *what)
{
	/* Library trouble, not the file's: no crypto failure kind fits. */
	if (slot != NULL)
		*slot = CW_AGE_IO;
	cw_error_set(err, CW_E_CRYPTO, _("cryptographic library failure: %s"), what);
	return cw_error_openssl(err);
}

static int
hkdf(const uint8_t *ikm, size_t ikmlen, const uint8_t *salt, size_t saltlen,
    const char *info, uint8_t *out, size_t outlen)
{
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *kctx = NULL;
	OSSL_PARAM params[5], *p = params;
	int rc = -1;

	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL ||
	    (kctx = EVP_KDF_CTX_new(kdf)) == NULL)
		goto out;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikmlen);
	if (saltlen > 0)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
		    (void *)salt, saltlen);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)info, strlen(info));
	*p = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(kctx, out, outlen, params) == 1)
		rc = 0;
out:
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return rc;
}

static int
header_mac(const uint8_t *file_key, const uint8_t *raw, size_t rawlen,
    uint8_t mac[AGE_MAC_LEN])
{
	uint8_t hkey[32];
	unsigned int maclen = 0;
	int rc = -1;

	if (hkdf(file_key, CW_AGE_FILE_KEY_LEN, NULL, 0, "header", hkey, sizeof(hkey)) == 0 &&
	    HMAC(EVP_sha256(), hkey, sizeof(hkey), raw, rawlen, mac, &maclen) != NULL &&
	    maclen == AGE_MAC_LEN)
		rc = 0;
	OPENSSL_cleanse(hkey, sizeof(hkey));
	return rc;
}

/* ChaCha20-Poly1305 seal: out gets len bytes of ciphertext and the tag. */
static int
aead_seal(EVP_CIPHER_CTX *c, const uint8_t key[32], const uint8_t nonce[12],
    const uint8_t *in, size_t len, uint8_t *out)
{
	int n = 0;

	if (EVP_EncryptInit_ex(c, EVP_chacha20_poly1305(), NULL, key, nonce) != 1 ||
	    (len > 0 && EVP_EncryptUpdate(c, out, &n, in, (int)len) != 1) ||
	    EVP_EncryptFinal_ex(c, out + n, &n) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, TAG_LEN, out + len) != 1)
		return -1;
	return 0;
}

/* ChaCha20-Poly1305 open of len bytes (tag included).  Returns 0, or -1
 * when the tag does not match (or the library failed). */
static int
aead_open(EVP_CIPHER_CTX *c, const uint8_t key[32], const uint8_t nonce[12],
    const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t tag[TAG_LEN];
	int n = 0, rc;

	if (len < TAG_LEN)
		return -1;
	len -= TAG_LEN;
	memcpy(tag, in + len, TAG_LEN);
	if (EVP_DecryptInit_ex(c, EVP_chacha20_poly1305(), NULL, key, nonce) != 1 ||
	    (len > 0 && EVP_DecryptUpdate(c, out, &n, in, (int)len) != 1) ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, TAG_LEN, tag) != 1)
		return -1;
	rc = EVP_DecryptFinal_ex(c, out + n, &n);
	if (rc != 1) {
		ERR_clear_error();	/* an expected outcome, not a fault */
		return -1;
	}
	return 0;
}

static void
chunk_nonce(uint64_t counter, int last, uint8_t nonce[12])
{
	memset(nonce, 0, 12);
	for (int i = 10; i >= 3; i--) {
		nonce[i] = (uint8_t)(counter & 0xff);
		counter >>= 8;
	}
	nonce[11] = last ? 1 : 0;
}

unsigned long cw_age_scrypt_runs;

/* One scrypt per run (issue 17): the proof that a bundle just sealed
 * opens asks for the derivation the seal made (same passphrase, salt and
 * work factor).  The last one is kept, passphrase and key in locked memory
 * (struct cw_secret), wiped when replaced, by cw_age_forget() and at exit. */
static struct {
	struct cw_secret *pass, *key;
	uint8_t salt[16];
	int log2n;
} derived;

void
cw_age_forget(void)
{
	cw_secret_free(derived.pass);
	cw_secret_free(derived.key);
	derived.pass = derived.key = NULL;
	OPENSSL_cleanse(derived.salt, sizeof(derived.salt));
	derived.log2n = 0;
}

static void
remember(const struct cw_secret *pass, const uint8_t salt[16], int log2n,
    const uint8_t key[32])
{
	static int registered;

	cw_age_forget();
	if ((derived.pass = cw_secret_new(cw_secret_len(pass))) == NULL ||
	    (derived.key = cw_secret_new(32)) == NULL ||
	    cw_secret_append(derived.pass, cw_secret_data(pass), cw_secret_len(pass), NULL) == -1 ||
	    cw_secret_append(derived.key, key, 32, NULL) == -1) {
		cw_age_forget();	/* only a cache */
		return;
	}
	memcpy(derived.salt, salt, sizeof(derived.salt));
	derived.log2n = log2n;
	if (!registered && atexit(cw_age_forget) == 0)
		registered = 1;
}

static int
scrypt_key(const struct cw_secret *pass, const uint8_t salt[16], int log2n,
    uint8_t key[32])
{
	uint8_t s[sizeof(SCRYPT_LABEL) - 1 + 16];
	uint64_t n = (uint64_t)1 << log2n;

	if (derived.key != NULL && derived.log2n == log2n &&
	    CRYPTO_memcmp(derived.salt, salt, sizeof(derived.salt)) == 0 &&
	    cw_secret_equal(derived.pass, pass)) {
		memcpy(key, cw_secret_data(derived.key), 32);
		return 0;
	}
	memcpy(s, SCRYPT_LABEL, sizeof(SCRYPT_LABEL) - 1);
	memcpy(s + sizeof(SCRYPT_LABEL) - 1, salt, 16);
	cw_age_scrypt_runs++;
	/* maxmem: scrypt needs 128 * r * N bytes, plus a little. */
	if (EVP_PBE_scrypt(cw_secret_data(pass), cw_secret_len(pass), s, sizeof(s),
	    n, 8, 1, ((uint64_t)1 << (log2n + 10)) + (1 << 20), key, 32) != 1)
		return -1;
	remember(pass, salt, log2n, key);
	return 0;
}

/* ---- encryption */

int
cw_age_log2n_min(void)
{
#ifdef CW_TEST_HOOKS
	return 1;
#else
	return CW_AGE_LOG2N_MIN;
#endif
}

int
cw_age_enc_new(const struct cw_secret *pass, int log2n, cw_age_write_fn out,
    void *out_ctx, struct cw_age_enc **encp, struct cw_error *err)
{
	struct cw_age_enc *enc = NULL;
	uint8_t file_key[CW_AGE_FILE_KEY_LEN], salt[16], wrap[32], body[32];
	uint8_t mac[AGE_MAC_LEN], nonce[NONCE_LEN], zero[12] = { 0 };
	char hdr[256], b64salt[32], b64body[48], b64mac[48];
	int len, rc = -1;

	*encp = NULL;
	if (log2n < cw_age_log2n_min() || log2n > CW_AGE_LOG2N_MAX) {
		cw_error_set(err, CW_E_USAGE,
		    _("scrypt work factor %d is out of range"), log2n);
		return cw_error_detail(err, "%d..%d", cw_age_log2n_min(), CW_AGE_LOG2N_MAX);
	}
	if ((enc = calloc(1, sizeof(*enc))) == NULL ||
	    (enc->cctx = EVP_CIPHER_CTX_new()) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	enc->out = out;
	enc->ctx = out_ctx;
	if (RAND_bytes(file_key, sizeof(file_key)) != 1 ||
	    RAND_bytes(salt, sizeof(salt)) != 1 ||
	    RAND_bytes(nonce, sizeof(nonce)) != 1) {
		crypto_fail(NULL, err, "RAND_bytes");
		goto out;
	}
	if (scrypt_key(pass, salt, log2n, wrap) == -1) {
		crypto_fail(NULL, err, "scrypt");
		goto out;
	}
	if (aead_seal(enc->cctx, wrap, zero, file_key, sizeof(file_key), body) == -1) {
		crypto_fail(NULL, err, "ChaCha20-Poly1305");
		goto out;
	}
	cw_age_b64_encode(salt, sizeof(salt), b64salt);
	cw_age_b64_encode(body, sizeof(body), b64body);
	len = snprintf(hdr, sizeof(hdr), "%s\n-> scrypt %s %d\n%s\n---",
	    AGE_INTRO, b64salt, log2n, b64body);
	if (header_mac(file_key, (uint8_t *)hdr, (size_t)len, mac) == -1 ||
	    hkdf(file_key, sizeof(file_key), nonce, sizeof(nonce), "payload",
	    enc->key, sizeof(enc->key)) == -1) {
		crypto_fail(NULL, err, "HKDF/HMAC");
		goto out;
	}
	cw_age_b64_encode(mac, sizeof(mac), b64mac);
	len += snprintf(hdr + len, sizeof(hdr) - (size_t)len, " %s\n", b64mac);
	if (out(out_ctx, hdr, (size_t)len, err) == -1 ||
	    out(out_ctx, nonce, sizeof(nonce), err) == -1)
		goto out;
	enc->out_len = (uint64_t)len + sizeof(nonce);
	*encp = enc;
	enc = NULL;
	rc = 0;
out:
	OPENSSL_cleanse(file_key, sizeof(file_key));
	OPENSSL_cleanse(wrap, sizeof(wrap));
	cw_age_enc_free(enc);
	return rc;
}

/* Seals the chunk src[0..n) (enc->buf, or the caller's bytes when a whole
 * chunk arrives with more after it: no copy) as the next one. */
static int
enc_chunk(struct cw_age_enc *enc, const uint8_t *src, size_t n, int last,
    struct cw_error *err)
{
	uint8_t nonce[12];

	if (enc->held != NULL && enc->counter * CW_AGE_CHUNK < enc->hold_upto) {
		/* Held: sealed at finish, a placeholder of its size now. */
		memcpy(enc->held + enc->counter * CW_AGE_CHUNK, src, n);
		enc->held_len = enc->counter * CW_AGE_CHUNK + n;
		enc->held_chunks = enc->counter + 1;
		memset(enc->ct, 0, n + TAG_LEN);
	} else {
		chunk_nonce(enc->counter, last, nonce);
		if (aead_seal(enc->cctx, enc->key, nonce, src, n, enc->ct) == -1)
			return crypto_fail(NULL, err, "ChaCha20-Poly1305");
	}
	if (enc->out(enc->ctx, enc->ct, n + TAG_LEN, err) == -1)
		return -1;
	enc->out_len += n + TAG_LEN;
	enc->counter++;
	return 0;
}

static int
enc_flush(struct cw_age_enc *enc, int last, struct cw_error *err)
{
	if (enc_chunk(enc, enc->buf, enc->blen, last, err) == -1)
		return -1;
	enc->blen = 0;
	return 0;
}

int
cw_age_enc_hold(struct cw_age_enc *enc, uint64_t upto, cw_age_pwrite_fn pout,
    struct cw_error *err)
{
	size_t n;

	if (enc->done || enc->counter > 0 || enc->held != NULL || upto == 0 ||
	    upto > CW_AGE_HOLD_MAX)
		return cw_error_set(err, CW_E_STATE, _("the age file can no longer hold its start"));
	n = (size_t)((upto + CW_AGE_CHUNK - 1) / CW_AGE_CHUNK) * CW_AGE_CHUNK;
	if ((enc->held = calloc(1, n)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	enc->hold_upto = upto;
	enc->hold_base = enc->out_len;
	enc->pout = pout;
	return 0;
}

/* The plaintext byte at off while it is held or still buffered, or NULL. */
static uint8_t *
enc_plain_at(struct cw_age_enc *enc, uint64_t off, size_t *run)
{
	uint64_t c = off / CW_AGE_CHUNK, in = off % CW_AGE_CHUNK;

	if (enc->held != NULL && c < enc->held_chunks && off < enc->held_len) {
		*run = (size_t)(enc->held_len - off);
		return enc->held + off;
	}
	if (c == enc->counter && in < enc->blen) {
		*run = (size_t)(enc->blen - in);
		return enc->buf + in;
	}
	return NULL;
}

int
cw_age_enc_patch(struct cw_age_enc *enc, uint64_t off, const void *old,
    const void *new, size_t len, struct cw_error *err)
{
	const uint8_t *o = old, *nw = new;
	uint8_t *p;
	size_t run, k, i;

	if (enc->done)
		return cw_error_set(err, CW_E_STATE, _("the age file is already finished"));
	/* Check first, then write: nothing changes unless all of it matches. */
	for (int pass = 0; pass < 2; pass++)
		for (i = 0; i < len; i += k) {
			if ((p = enc_plain_at(enc, off + i, &run)) == NULL)
				return cw_error_set(err, CW_E_STATE,
				    _("the age file no longer holds the bytes to replace"));
			k = run < len - i ? run : len - i;
			if (pass == 0 && memcmp(p, o + i, k) != 0)
				return cw_error_set(err, CW_E_STATE,
				    _("the age file holds other bytes than the ones to replace"));
			if (pass == 1)
				memcpy(p, nw + i, k);
		}
	return 0;
}

int
cw_age_enc_write(struct cw_age_enc *enc, const void *buf, size_t len,
    struct cw_error *err)
{
	const uint8_t *p = buf;
	size_t k;

	if (enc->done)
		return cw_error_set(err, CW_E_STATE, _("the age file is already finished"));
	while (len > 0) {
		/* A full buffer is sealed only once more data shows it is
		 * not the last chunk. */
		if (enc->blen == CW_AGE_CHUNK && enc_flush(enc, 0, err) == -1)
			return -1;
		if (enc->blen == 0 && len > CW_AGE_CHUNK) {
			/* A whole chunk, and more after it: not the last. */
			if (enc_chunk(enc, p, CW_AGE_CHUNK, 0, err) == -1)
				return -1;
			p += CW_AGE_CHUNK;
			len -= CW_AGE_CHUNK;
			continue;
		}
		k = CW_AGE_CHUNK - enc->blen;
		if (k > len)
			k = len;
		memcpy(enc->buf + enc->blen, p, k);
		enc->blen += k;
		p += k;
		len -= k;
	}
	return 0;
}

int
cw_age_enc_finish(struct cw_age_enc *enc, struct cw_error *err)
{
	uint8_t nonce[12];
	size_t n;

	if (enc->done)
		return cw_error_set(err, CW_E_STATE, _("the age file is already finished"));
	if (enc_flush(enc, 1, err) == -1)
		return -1;
	/* The held chunks, sealed now and written in place of their
	 * placeholders; the last of the file may be among them. */
	for (uint64_t i = 0; enc->held != NULL && i < enc->held_chunks; i++) {
		n = (size_t)(enc->held_len - i * CW_AGE_CHUNK);
		if (n > CW_AGE_CHUNK)
			n = CW_AGE_CHUNK;
		chunk_nonce(i, i + 1 == enc->counter, nonce);
		if (aead_seal(enc->cctx, enc->key, nonce, enc->held + i * CW_AGE_CHUNK, n,
		    enc->ct) == -1)
			return crypto_fail(NULL, err, "ChaCha20-Poly1305");
		if (enc->pout(enc->ctx, enc->hold_base + i * CT_CHUNK, enc->ct, n + TAG_LEN,
		    err) == -1)
			return -1;
	}
	enc->done = 1;
	return 0;
}

void
cw_age_enc_free(struct cw_age_enc *enc)
{
	if (enc == NULL)
		return;
	EVP_CIPHER_CTX_free(enc->cctx);
	if (enc->held != NULL) {
		size_t n = (size_t)((enc->hold_upto + CW_AGE_CHUNK - 1) / CW_AGE_CHUNK) *
		    CW_AGE_CHUNK;

		OPENSSL_cleanse(enc->held, n);	/* SC3 files in clear */
		free(enc->held);
	}
	OPENSSL_cleanse(enc, sizeof(*enc));
	free(enc);
}

/* ---- decryption */

struct cw_age_dec *
cw_age_dec_new(cw_age_read_fn in, void *in_ctx, unsigned flags)
{
	struct cw_age_dec *dec = calloc(1, sizeof(*dec));

	if (dec == NULL)
		return NULL;
	if ((dec->in = cw_age_in_new(in, in_ctx, flags)) == NULL ||
	    (dec->cctx = EVP_CIPHER_CTX_new()) == NULL) {
		cw_age_dec_free(dec);
		return NULL;
	}
	return dec;
}

void
cw_age_dec_free(struct cw_age_dec *dec)
{
	if (dec == NULL)
		return;
	cw_age_in_free(dec->in);
	EVP_CIPHER_CTX_free(dec->cctx);
	OPENSSL_cleanse(dec, sizeof(*dec));
	free(dec);
}

enum cw_age_fail
cw_age_dec_fail(const struct cw_age_dec *dec)
{
	return dec->fail;
}

/* MAC check, payload nonce and key: the common end of both opens. */
static int
dec_finish_open(struct cw_age_dec *dec, const struct age_header *h,
    const uint8_t *file_key, struct cw_error *err)
{
	uint8_t mac[AGE_MAC_LEN], nonce[NONCE_LEN];
	size_t got;

	if (header_mac(file_key, h->raw, h->rawlen, mac) == -1)
		return crypto_fail(&dec->fail, err, "HKDF/HMAC");
	if (CRYPTO_memcmp(mac, h->mac, sizeof(mac)) != 0)
		return cw_age_failf(&dec->fail, CW_AGE_HMAC, err,
		    _("the age header does not authenticate: it was altered"));
	if (cw_age_in_read_full(dec->in, nonce, sizeof(nonce), &got, &dec->fail, err) == -1)
		return -1;
	if (got < sizeof(nonce))
		return cw_age_failf(&dec->fail, CW_AGE_TRUNCATED, err,
		    _("the age file ends before its payload"));
	if (hkdf(file_key, CW_AGE_FILE_KEY_LEN, nonce, sizeof(nonce), "payload",
	    dec->key, sizeof(dec->key)) == -1)
		return crypto_fail(&dec->fail, err, "HKDF");
	dec->state = DEC_OPEN;
	return 0;
}

int
cw_age_dec_open_passphrase(struct cw_age_dec *dec, const struct cw_secret *pass,
    int max_log2n, struct cw_error *err)
{
	struct age_header h;
	const struct age_stanza *st = NULL;
	uint8_t salt[16], wrap[32], file_key[CW_AGE_FILE_KEY_LEN], zero[12] = { 0 };
	size_t n;
	int rc = -1;

	memset(&h, 0, sizeof(h));
	if (dec->state != DEC_NEW)
		return cw_error_set(err, CW_E_STATE, _("the age file is already open"));
	dec->state = DEC_FAILED;
	if (max_log2n > CW_AGE_LOG2N_MAX)
		max_log2n = CW_AGE_LOG2N_MAX;
	if (cw_age_header_read(dec->in, &h, &dec->fail, err) == -1 ||
	    cw_age_header_check(&h, max_log2n, &dec->fail, err) == -1)
		goto out;
	for (size_t i = 0; i < h.nst; i++)
		if (strcmp(h.st[i].args[0], "scrypt") == 0)
			st = &h.st[i];
	if (st == NULL) {
		cw_age_failf(&dec->fail, CW_AGE_NO_MATCH, err,
		    _("the age file is not encrypted with a passphrase"));
		goto out;
	}
	/* cw_age_header_check() proved the salt and work factor well formed. */
	if (cw_age_b64_decode(st->args[1], strlen(st->args[1]), salt, sizeof(salt), &n) == -1 ||
	    scrypt_key(pass, salt, atoi(st->args[2]), wrap) == -1) {
		crypto_fail(&dec->fail, err, "scrypt");
		goto out;
	}
	if (aead_open(dec->cctx, wrap, zero, st->body, st->bodylen, file_key) == -1) {
		cw_age_failf(&dec->fail, CW_AGE_NO_MATCH, err,
		    _("the passphrase does not open the age file"));
		goto out;
	}
	rc = dec_finish_open(dec, &h, file_key, err);
out:
	OPENSSL_cleanse(wrap, sizeof(wrap));
	OPENSSL_cleanse(file_key, sizeof(file_key));
	cw_age_header_release(&h);
	return rc;
}

int
cw_age_dec_open_file_key(struct cw_age_dec *dec, const uint8_t *key,
    size_t keylen, struct cw_error *err)
{
	struct age_header h;
	int rc = -1;

	memset(&h, 0, sizeof(h));
	if (dec->state != DEC_NEW)
		return cw_error_set(err, CW_E_STATE, _("the age file is already open"));
	if (keylen != CW_AGE_FILE_KEY_LEN)
		return cw_error_set(err, CW_E_USAGE, _("an age file key has 16 bytes"));
	dec->state = DEC_FAILED;
	if (cw_age_header_read(dec->in, &h, &dec->fail, err) == 0 &&
	    cw_age_header_check(&h, CW_AGE_LOG2N_MAX, &dec->fail, err) == 0)
		rc = dec_finish_open(dec, &h, key, err);
	cw_age_header_release(&h);
	return rc;
}

static int
open_chunk(struct cw_age_dec *dec, size_t n, int last)
{
	uint8_t nonce[12];

	chunk_nonce(dec->counter, last, nonce);
	return aead_open(dec->cctx, dec->key, nonce, dec->ct, n, dec->pt);
}

static int
next_chunk(struct cw_age_dec *dec, struct cw_error *err)
{
	size_t n;
	int eof = 1, last;

	if (cw_age_in_read_full(dec->in, dec->ct, sizeof(dec->ct), &n, &dec->fail, err) == -1)
		return -1;
	if (n == sizeof(dec->ct) && cw_age_in_at_eof(dec->in, &eof, &dec->fail, err) == -1)
		return -1;
	last = n < sizeof(dec->ct) || eof;
	if (n == 0)
		return cw_age_failf(&dec->fail, CW_AGE_TRUNCATED, err,
		    _("the age file ends before its final chunk"));
	if (n < TAG_LEN)
		return cw_age_failf(&dec->fail, CW_AGE_TRUNCATED, err,
		    _("the age file ends inside a chunk"));
	if (last && n == TAG_LEN && dec->counter > 0)
		return cw_age_failf(&dec->fail, CW_AGE_PAYLOAD, err,
		    _("the age file has an empty final chunk"));
	if (open_chunk(dec, n, last) == 0) {
		dec->plen = n - TAG_LEN;
		dec->ppos = 0;
		dec->counter++;
		if (last)
			dec->state = DEC_DONE;
		return 0;
	}
	/* Tell a file cut at a chunk boundary from a damaged one. */
	if (last && n == sizeof(dec->ct) && open_chunk(dec, n, 0) == 0)
		return cw_age_failf(&dec->fail, CW_AGE_TRUNCATED, err,
		    _("the age file ends before its final chunk"));
	if (!last && open_chunk(dec, n, 1) == 0)
		return cw_age_failf(&dec->fail, CW_AGE_PAYLOAD, err,
		    _("the age file has data after its final chunk"));
	return cw_age_failf(&dec->fail, CW_AGE_PAYLOAD, err,
	    last ? _("the end of the age file does not authenticate: it was altered or truncated")
		 : _("a chunk of the age file does not authenticate: it was altered"));
}

int
cw_age_dec_read(struct cw_age_dec *dec, void *buf, size_t len, size_t *got,
    struct cw_error *err)
{
	size_t k;

	*got = 0;
	if (dec->state == DEC_NEW || dec->state == DEC_FAILED)
		return cw_error_set(err, CW_E_STATE, _("the age file is not open"));
	while (dec->ppos == dec->plen) {
		if (dec->state == DEC_DONE)
			return 0;
		if (next_chunk(dec, err) == -1) {
			dec->state = DEC_FAILED;
			return -1;
		}
	}
	k = dec->plen - dec->ppos;
	if (k > len)
		k = len;
	memcpy(buf, dec->pt + dec->ppos, k);
	dec->ppos += k;
	*got = k;
	return 0;
}

/* ---- whole files between descriptors */

static ssize_t
fd_read(void *ctx, void *buf, size_t len, struct cw_error *err)
{
	int fd = *(int *)ctx;
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		cw_error_set(err, CW_E_IO, _("cannot read the age file"));
		cw_error_detail(err, "%s", strerror(errno));
	}
	return n;
}

static int
fd_write(void *ctx, const void *buf, size_t len, struct cw_error *err)
{
	if (cw_file_write_all(*(int *)ctx, buf, len) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot write the output"));
		return cw_error_detail(err, "%s", strerror(errno));
	}
	return 0;
}

int
cw_age_encrypt_fd(int in_fd, int out_fd, const struct cw_secret *pass,
    int log2n, struct cw_error *err)
{
	struct cw_age_enc *enc = NULL;
	uint8_t *buf = NULL;
	ssize_t n;
	int rc = -1;

	if ((buf = malloc(CW_AGE_CHUNK)) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	if (cw_age_enc_new(pass, log2n, fd_write, &out_fd, &enc, err) == -1)
		goto out;
	while ((n = fd_read(&in_fd, buf, CW_AGE_CHUNK, err)) > 0)
		if (cw_age_enc_write(enc, buf, (size_t)n, err) == -1)
			goto out;
	if (n == -1 || cw_age_enc_finish(enc, err) == -1)
		goto out;
	rc = 0;
out:
	cw_age_enc_free(enc);
	free(buf);
	return rc;
}

int
cw_age_decrypt_fd(int in_fd, int out_fd, const struct cw_secret *pass,
    int max_log2n, enum cw_age_fail *fail, struct cw_error *err)
{
	struct cw_age_dec *dec = NULL;
	uint8_t *buf = NULL;
	size_t got;
	int rc = -1;

	if (fail != NULL)
		*fail = CW_AGE_NOMEM;
	if ((buf = malloc(CW_AGE_CHUNK)) == NULL ||
	    (dec = cw_age_dec_new(fd_read, &in_fd, CW_AGE_ARMOR_AUTO)) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	if (cw_age_dec_open_passphrase(dec, pass, max_log2n, err) == -1)
		goto out;
	for (;;) {
		if (cw_age_dec_read(dec, buf, CW_AGE_CHUNK, &got, err) == -1)
			goto out;
		if (got == 0)
			break;
		if (fd_write(&out_fd, buf, got, err) == -1) {
			dec->fail = CW_AGE_IO;
			goto out;
		}
	}
	rc = 0;
out:
	if (fail != NULL && dec != NULL)
		*fail = dec->fail;
	cw_age_dec_free(dec);
	free(buf);
	return rc;
}
