/* fuzz_age - the age header and the STREAM payload (src/sc3/age-header.c,
 * age-input.c, age.c).  An input is an age file, binary or armored, as a
 * bundle arrives from another appliance.
 *
 * Each input is opened with the file key of the C2SP test vectors (so that
 * the seeds' headers verify and STREAM is reached, chunk framing and all)
 * and, when it names scrypt, with their passphrase, the work factor
 * capped at 2^10 so that one input costs milliseconds.  The reader hands
 * the bytes over in pieces of an input-dependent size, since the armor
 * and header readers must not care where a read() ends. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/secret.h"
#include "fuzz.h"
#include "sc3/age.h"

#define PASSPHRASE "password"
#define MAX_LOG2N 10

static const uint8_t file_key[16] = "YELLOW SUBMARINE";
static struct cw_secret *pass;

struct src {
	const uint8_t *p;
	size_t left, piece;
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((pass = cw_secret_new(64)) == NULL ||
	    cw_secret_append(pass, PASSPHRASE, strlen(PASSPHRASE), NULL) == -1)
		abort();
	return 0;
}

static ssize_t
src_read(void *ctx, void *buf, size_t len, struct cw_error *err)
{
	struct src *s = ctx;
	size_t n = len < s->piece ? len : s->piece;

	(void)err;
	if (n > s->left)
		n = s->left;
	memcpy(buf, s->p, n);
	s->p += n;
	s->left -= n;
	return (ssize_t)n;
}

/* Opens data one way and reads the plaintext to its end or first error. */
static void
decrypt(const uint8_t *data, size_t size, int by_passphrase)
{
	static uint8_t plain[CW_AGE_CHUNK];
	struct src s = { data, size, 1 + size % 4099 };
	struct cw_age_dec *dec;
	struct cw_error err;
	size_t got;
	int rc;

	if ((dec = cw_age_dec_new(src_read, &s, CW_AGE_ARMOR_AUTO)) == NULL)
		abort();
	rc = by_passphrase ?
	    cw_age_dec_open_passphrase(dec, pass, MAX_LOG2N, &err) :
	    cw_age_dec_open_file_key(dec, file_key, sizeof(file_key), &err);
	while (rc == 0 && (rc = cw_age_dec_read(dec, plain, sizeof(plain), &got, &err)) == 0 &&
	    got > 0)
		;
	/* A failure always says which kind. */
	if (rc == -1 && cw_age_dec_fail(dec) == CW_AGE_OK)
		abort();
	cw_age_dec_free(dec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	decrypt(data, size, 0);
	if (memmem(data, size, "scrypt", 6) != NULL || memmem(data, size, "BEGIN AGE", 9) != NULL)
		decrypt(data, size, 1);
	return 0;
}
