/* age-int.h - internals shared by the age module's files (age.c: keys,
 * STREAM, the public API; age-header.c: base64 and the header grammar;
 * age-input.c: the buffered input that undoes ASCII armor).  Not for other
 * modules. */
#ifndef CW_AGE_INT_H
#define CW_AGE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sc3/age.h"
#include "core/error.h"

#define AGE_INTRO "age-encryption.org/v1"
#define AGE_INTRO_PREFIX "age-encryption.org/"
#define AGE_ARMOR_BEGIN "-----BEGIN AGE ENCRYPTED FILE-----"
#define AGE_ARMOR_END "-----END AGE ENCRYPTED FILE-----"
#define AGE_MAC_LEN 32
/* Caps on what a header may hold: generous for every known recipient type
 * (an ML-KEM stanza argument is ~1500 characters), small enough that a
 * hostile header cannot eat memory. */
#define AGE_HEADER_MAX (256 * 1024)
#define AGE_LINE_MAX 8192
#define AGE_STANZAS_MAX 256
#define AGE_ARGS_MAX 64

/* Records kind in *slot and sets err (code CW_E_IO, CW_E_NOMEM or
 * CW_E_CRYPTO according to kind).  Returns -1. */
int cw_age_failf(enum cw_age_fail *slot, enum cw_age_fail kind,
    struct cw_error *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- base64 (standard alphabet) */

/* Encodes without padding; out must hold 4 * ceil(n / 3) + 1 bytes.
 * Returns the length written (NUL-terminated). */
size_t cw_age_b64_encode(const uint8_t *in, size_t n, char *out);

/* Decodes unpadded, canonical base64 (the header's form): rejects padding,
 * characters outside the alphabet, a length of 1 mod 4 and non-zero unused
 * bits.  Returns 0 and the length in *outn, or -1. */
int cw_age_b64_decode(const char *s, size_t n, uint8_t *out, size_t cap,
    size_t *outn);

/* Decodes padded, canonical base64 (the armor's form): n must be a multiple
 * of 4, '=' only at the end.  Returns 0 or -1. */
int cw_age_b64_decode_padded(const char *s, size_t n, uint8_t *out,
    size_t cap, size_t *outn);

/* ---- buffered, armor-aware input */
struct age_in;

struct age_in *cw_age_in_new(cw_age_read_fn fn, void *ctx, unsigned flags);
void cw_age_in_free(struct age_in *in);

/* Next byte (0..255), -2 at end of input, -1 on error (*fail set). */
int cw_age_in_getc(struct age_in *in, enum cw_age_fail *fail,
    struct cw_error *err);

/* Reads until len bytes or end of input; *got says how many.  Returns 0 or
 * -1. */
int cw_age_in_read_full(struct age_in *in, uint8_t *buf, size_t len,
    size_t *got, enum cw_age_fail *fail, struct cw_error *err);

/* Sets *eof to whether the input has no more bytes.  Returns 0 or -1. */
int cw_age_in_at_eof(struct age_in *in, int *eof, enum cw_age_fail *fail,
    struct cw_error *err);

/* ---- header */
struct age_stanza {
	char *line;		/* owned: the argument line, NULs between args */
	const char *args[AGE_ARGS_MAX];	/* args[0] is the type */
	int nargs;
	uint8_t *body;		/* owned */
	size_t bodylen;
};

struct age_header {
	struct age_stanza *st;	/* owned array */
	size_t nst;
	uint8_t *raw;		/* owned: the header text up to and with "---" */
	size_t rawlen;
	uint8_t mac[AGE_MAC_LEN];
};

/* Reads the header from in (intro line to the MAC line and its newline).
 * Checks the grammar only.  Returns 0 or -1 (*fail set). */
int cw_age_header_read(struct age_in *in, struct age_header *h,
    enum cw_age_fail *fail, struct cw_error *err);

/* Checks the stanzas of the types we know (scrypt, X25519,
 * mlkem768x25519) as their recipients would, and that a scrypt stanza is
 * alone.  Returns 0 or -1 (CW_AGE_HEADER). */
int cw_age_header_check(const struct age_header *h, int max_log2n,
    enum cw_age_fail *fail, struct cw_error *err);

void cw_age_header_release(struct age_header *h);

#endif
