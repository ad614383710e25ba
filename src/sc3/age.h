/* age.h - the age v1 file format (https://age-encryption.org/v1) with the
 * scrypt (passphrase) recipient, streaming in both directions so that a
 * large bundle never has to sit in memory.  OpenSSL supplies scrypt,
 * HKDF-SHA256, HMAC-SHA256 and ChaCha20-Poly1305.
 *
 * Encryption writes the binary format with exactly one scrypt stanza.
 * Decryption reads the binary or the ASCII-armored format, checks the header
 * strictly (stanza grammar, canonical base64, the scrypt stanza alone, a
 * bounded work factor, the header MAC) and then the STREAM payload chunk by
 * chunk: plaintext is handed out only after its chunk authenticated, but the
 * file as a whole is proven only when cw_age_dec_read() returns 0 bytes.
 * Callers that act on the plaintext must stage it until then.
 *
 * Ownership: cw_age_enc / cw_age_dec are opaque, created by _new and freed by
 * _free (NULL is a no-op); they wipe their keys when freed.  They never own
 * the caller's passphrase or I/O context. */
#ifndef CW_AGE_H
#define CW_AGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "core/secret.h"

/* Work factor (log2 of scrypt's N) used when encrypting, as `age -p` does. */
#define CW_AGE_LOG2N_DEFAULT 18
/* The lowest work factor certwiz encrypts with.  Only a build configured
 * with --enable-test-hooks (CW_TEST_HOOKS) may go lower, to keep the test
 * suite fast: cw_age_log2n_min() says which applies. */
#define CW_AGE_LOG2N_MIN 18
/* Highest work factor accepted (decrypting and encrypting): 2^20 costs
 * 1 GiB of scrypt memory.  The header's work factor is not authenticated:
 * a higher one is refused before anything is derived, so a hostile file
 * cannot exhaust the appliance. */
#define CW_AGE_LOG2N_MAX 20
/* STREAM plaintext chunk size. */
#define CW_AGE_CHUNK 65536
#define CW_AGE_FILE_KEY_LEN 16

/* Why a decryption failed: the error code in struct cw_error is CW_E_CRYPTO
 * (CW_E_IO for I/O, CW_E_NOMEM), this says which kind of crypto failure, so
 * that callers can tell a wrong passphrase from a damaged file. */
enum cw_age_fail {
	CW_AGE_OK = 0,
	CW_AGE_IO,		/* the read or write callback failed */
	CW_AGE_NOT_AGE,		/* neither the binary nor the armored format */
	CW_AGE_ARMOR,		/* malformed ASCII armor */
	CW_AGE_HEADER,		/* malformed or unsupported header */
	CW_AGE_NO_MATCH,	/* no stanza opens with this key: wrong passphrase */
	CW_AGE_HMAC,		/* header MAC mismatch: the header was altered */
	CW_AGE_PAYLOAD,		/* a payload chunk is altered or malformed */
	CW_AGE_TRUNCATED,	/* the file ends early */
	CW_AGE_NOMEM,
	CW_AGE_WORK_FACTOR,	/* scrypt work factor above the maximum: refused
				 * before deriving (a header failure) */
	CW_AGE__MAX
};

/* Reads up to len bytes into buf: returns the count (0 at end of input) or
 * -1 with err set. */
typedef ssize_t (*cw_age_read_fn)(void *ctx, void *buf, size_t len,
    struct cw_error *err);
/* Writes all len bytes: returns 0 or -1 with err set. */
typedef int (*cw_age_write_fn)(void *ctx, const void *buf, size_t len,
    struct cw_error *err);

/* ---- encryption */
struct cw_age_enc;

/* The lowest work factor cw_age_enc_new() accepts in this build:
 * CW_AGE_LOG2N_MIN, or 1 in a CW_TEST_HOOKS build. */
int cw_age_log2n_min(void);

/* Starts an age file for one scrypt recipient with passphrase pass and work
 * factor log2n (cw_age_log2n_min()..CW_AGE_LOG2N_MAX; else CW_E_USAGE) and
 * writes its header through out.
 * Returns 0 and a new encryptor in *encp, or -1. */
int cw_age_enc_new(const struct cw_secret *pass, int log2n,
    cw_age_write_fn out, void *out_ctx, struct cw_age_enc **encp,
    struct cw_error *err);

/* Encrypts len bytes of plaintext (any size; chunks are written as they
 * fill).  Returns 0 or -1. */
int cw_age_enc_write(struct cw_age_enc *enc, const void *buf, size_t len,
    struct cw_error *err);

/* Writes len bytes at offset off of the output (cw_age_enc_hold()). */
typedef int (*cw_age_pwrite_fn)(void *ctx, uint64_t off, const void *buf,
    size_t len, struct cw_error *err);
#define CW_AGE_HOLD_MAX (4u * 1024 * 1024)

/* Seals the start later (issue 17: a bundle's manifest is known only once
 * its files were read, yet it is the tar's first member).  The plaintext
 * chunks that begin before offset upto (<= CW_AGE_HOLD_MAX) are held in
 * memory and written as zeros of their ciphertext's length; they are
 * sealed by cw_age_enc_finish(), which writes them over the zeros through
 * pout (same ctx as out).  The output is the same age file as without the
 * hold.  Only before the first chunk was sealed.  Returns 0 or -1. */
int cw_age_enc_hold(struct cw_age_enc *enc, uint64_t upto, cw_age_pwrite_fn pout,
    struct cw_error *err);

/* Replaces len plaintext bytes at offset off (held, or not yet sealed),
 * which must be old now (else nothing changes, CW_E_STATE).  Returns 0 or -1. */
int cw_age_enc_patch(struct cw_age_enc *enc, uint64_t off, const void *old,
    const void *new, size_t len, struct cw_error *err);

/* Writes the final chunk.  No more writes afterwards.  Returns 0 or -1. */
int cw_age_enc_finish(struct cw_age_enc *enc, struct cw_error *err);

void cw_age_enc_free(struct cw_age_enc *enc);

/* ---- decryption */
struct cw_age_dec;

enum cw_age_dec_flags {
	CW_AGE_ARMOR_AUTO = 0,		/* detect armor (the default) */
	CW_AGE_ARMOR_REQUIRE = 1 << 0,	/* input must be armored */
	CW_AGE_ARMOR_REFUSE = 1 << 1,	/* input must be binary */
};

/* A decryptor reading the age file through in.  Does no I/O yet.  Returns
 * NULL when out of memory. */
struct cw_age_dec *cw_age_dec_new(cw_age_read_fn in, void *in_ctx,
    unsigned flags);

/* Reads and checks the header and unwraps the file key with passphrase pass
 * (work factor at most max_log2n, <= CW_AGE_LOG2N_MAX).  Returns 0 or -1;
 * cw_age_dec_fail() says why. */
int cw_age_dec_open_passphrase(struct cw_age_dec *dec,
    const struct cw_secret *pass, int max_log2n, struct cw_error *err);

/* Same with a known file key (test vectors): the header is parsed and its
 * known stanzas checked as strictly, the MAC checked with key. */
int cw_age_dec_open_file_key(struct cw_age_dec *dec, const uint8_t *key,
    size_t keylen, struct cw_error *err);

/* Reads up to len plaintext bytes into buf; *got = 0 means the whole file
 * authenticated and ended correctly.  Returns 0 or -1. */
int cw_age_dec_read(struct cw_age_dec *dec, void *buf, size_t len,
    size_t *got, struct cw_error *err);

/* The kind of the last failure (CW_AGE_OK if none). */
enum cw_age_fail cw_age_dec_fail(const struct cw_age_dec *dec);

void cw_age_dec_free(struct cw_age_dec *dec);

/* A stable name for a failure kind ("header", "no-match"...). */
const char *cw_age_fail_name(enum cw_age_fail fail);

/* ---- the scrypt derivation
 * The last derivation (passphrase, salt, work factor -> key) is kept, in
 * locked memory, so that opening the file just sealed with the same
 * passphrase runs no second scrypt (the sealed bundle's proof).
 * cw_age_forget() wipes it (also done at exit); cw_age_scrypt_runs counts
 * the derivations actually run. */
void cw_age_forget(void);
extern unsigned long cw_age_scrypt_runs;

/* ---- whole files between descriptors (CLI test hook, bench) */

/* Encrypts everything from in_fd to out_fd.  Returns 0 or -1. */
int cw_age_encrypt_fd(int in_fd, int out_fd, const struct cw_secret *pass,
    int log2n, struct cw_error *err);

/* Decrypts in_fd to out_fd; *fail (may be NULL) gets the failure kind.
 * out_fd receives plaintext before the end is proven: write it to a staging
 * file.  Returns 0 or -1. */
int cw_age_decrypt_fd(int in_fd, int out_fd, const struct cw_secret *pass,
    int max_log2n, enum cw_age_fail *fail, struct cw_error *err);

#endif
