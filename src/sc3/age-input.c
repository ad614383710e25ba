/* age-input.c - buffered input for the age decryptor that undoes ASCII
 * armor on the fly.  Armor is strict (age v1, "ASCII armor"): optional
 * whitespace, the BEGIN line, base64 lines of exactly 64 columns except a
 * shorter last one (1..64), padding only at the end and canonical, LF or
 * CRLF line ends, the END line, then only whitespace.
 *
 * Lines are decoded one behind: a line is known to be the last only when
 * the next one is the END line, and only the last may be short or padded. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sc3/age-int.h"
#include "core/i18n.h"

#define RAW_BUF 65536
#define DEC_BUF 65536
#define ARMOR_COLS 64

enum in_mode { MODE_UNDECIDED, MODE_BINARY, MODE_ARMOR };
enum armor_state { AR_BEGIN, AR_BODY, AR_DONE };

struct age_in {
	cw_age_read_fn fn;
	void *ctx;
	unsigned flags;
	enum in_mode mode;
	/* raw bytes as read */
	uint8_t raw[RAW_BUF];
	size_t rpos, rlen;
	int reof;
	/* decoded bytes: dp is dec (armor mode) or raw (binary mode: no copy) */
	uint8_t dec[DEC_BUF];
	const uint8_t *dp;
	size_t dpos, dlen;
	int deof;
	enum armor_state ar;
	char pending[ARMOR_COLS + 1];
	size_t pending_len;
	int have_pending;
};

struct age_in *
cw_age_in_new(cw_age_read_fn fn, void *ctx, unsigned flags)
{
	struct age_in *in = calloc(1, sizeof(*in));

	if (in == NULL)
		return NULL;
	in->fn = fn;
	in->ctx = ctx;
	in->flags = flags;
	return in;
}

void
cw_age_in_free(struct age_in *in)
{
	free(in);
}

/* Makes sure raw has a byte unless the input ended. */
static int
raw_fill(struct age_in *in, enum cw_age_fail *fail, struct cw_error *err)
{
	ssize_t n;

	if (in->rpos < in->rlen || in->reof)
		return 0;
	n = in->fn(in->ctx, in->raw, sizeof(in->raw), err);
	if (n < 0) {
		*fail = CW_AGE_IO;
		return -1;
	}
	in->rpos = 0;
	in->rlen = (size_t)n;
	if (n == 0)
		in->reof = 1;
	return 0;
}

static int
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_b64(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

static int
armor_fail(enum cw_age_fail *fail, struct cw_error *err, const char *why)
{
	return cw_age_failf(fail, CW_AGE_ARMOR, err,
	    _("malformed ASCII armor: %s"), why);
}

/* Reads one raw line without its LF (and a CR right before it).  *len is
 * its length, *eol whether it ended with a newline.  Returns 1, 0 at end of
 * input with nothing read, -1 on error (too long: armor failure). */
static int
raw_line(struct age_in *in, char *line, size_t cap, size_t *len, int *eol,
    enum cw_age_fail *fail, struct cw_error *err)
{
	size_t n = 0;
	int c;

	*eol = 0;
	for (;;) {
		if (raw_fill(in, fail, err) == -1)
			return -1;
		if (in->reof)
			break;
		c = in->raw[in->rpos++];
		if (c == '\n') {
			*eol = 1;
			break;
		}
		if (n >= cap)
			return armor_fail(fail, err, _("line too long"));
		line[n++] = (char)c;
	}
	if (n > 0 && line[n - 1] == '\r' && *eol)
		n--;
	*len = n;
	return (n > 0 || *eol) ? 1 : 0;
}

static int
decode_pending(struct age_in *in, int last, enum cw_age_fail *fail,
    struct cw_error *err)
{
	size_t got;
	int rc;

	if (!last && (in->pending_len != ARMOR_COLS ||
	    memchr(in->pending, '=', in->pending_len) != NULL))
		return armor_fail(fail, err,
		    _("a line other than the last is short or padded"));
	rc = cw_age_b64_decode_padded(in->pending, in->pending_len,
	    in->dec + in->dlen, sizeof(in->dec) - in->dlen, &got);
	if (rc == -1)
		return armor_fail(fail, err, _("invalid base64"));
	in->dlen += got;
	in->have_pending = 0;
	return 0;
}

/* Decodes armor lines into dec until it is nearly full or the armor ends. */
static int
armor_fill(struct age_in *in, enum cw_age_fail *fail, struct cw_error *err)
{
	char line[ARMOR_COLS + 2];
	size_t len;
	int eol, rc, c;

	if (in->ar == AR_BEGIN) {
		for (;;) {
			if (raw_fill(in, fail, err) == -1)
				return -1;
			if (in->reof || !is_ws(in->raw[in->rpos]))
				break;
			in->rpos++;
		}
		rc = raw_line(in, line, sizeof(line), &len, &eol, fail, err);
		if (rc == -1 && *fail == CW_AGE_IO)
			return -1;
		if (rc != 1 || !eol || len != strlen(AGE_ARMOR_BEGIN) ||
		    memcmp(line, AGE_ARMOR_BEGIN, len) != 0) {
			if (in->flags & CW_AGE_ARMOR_REQUIRE)
				return armor_fail(fail, err, _("no BEGIN line"));
			return cw_age_failf(fail, CW_AGE_NOT_AGE, err,
			    _("not an age encrypted file"));
		}
		in->ar = AR_BODY;
	}
	while (in->ar == AR_BODY && in->dlen + ARMOR_COLS <= sizeof(in->dec)) {
		rc = raw_line(in, line, sizeof(line), &len, &eol, fail, err);
		if (rc == -1)
			return -1;
		if (rc == 0)
			return armor_fail(fail, err, _("no END line"));
		if (len == strlen(AGE_ARMOR_END) &&
		    memcmp(line, AGE_ARMOR_END, len) == 0) {
			if (in->have_pending && decode_pending(in, 1, fail, err) == -1)
				return -1;
			/* Only whitespace may follow. */
			for (;;) {
				if (raw_fill(in, fail, err) == -1)
					return -1;
				if (in->reof)
					break;
				c = in->raw[in->rpos++];
				if (!is_ws(c))
					return armor_fail(fail, err,
					    _("data after the END line"));
			}
			in->ar = AR_DONE;
			break;
		}
		if (!eol)
			return armor_fail(fail, err, _("no END line"));
		if (len == 0 || len > ARMOR_COLS)
			return armor_fail(fail, err,
			    _("empty or overlong line"));
		for (size_t i = 0; i < len; i++)
			if (!is_b64((unsigned char)line[i]))
				return armor_fail(fail, err,
				    _("invalid character"));
		if (in->have_pending && decode_pending(in, 0, fail, err) == -1)
			return -1;
		memcpy(in->pending, line, len);
		in->pending_len = len;
		in->have_pending = 1;
	}
	if (in->ar == AR_DONE && in->dpos >= in->dlen)
		in->deof = 1;
	return 0;
}

/* Makes sure there is a decoded byte unless the input ended. */
static int
fill(struct age_in *in, enum cw_age_fail *fail, struct cw_error *err)
{
	int c;

	if (in->dpos < in->dlen || in->deof)
		return 0;
	if (in->mode == MODE_UNDECIDED) {
		if (raw_fill(in, fail, err) == -1)
			return -1;
		c = in->reof ? 'a' : in->raw[in->rpos];
		if (in->flags & CW_AGE_ARMOR_REQUIRE)
			in->mode = MODE_ARMOR;
		else if (in->flags & CW_AGE_ARMOR_REFUSE)
			in->mode = MODE_BINARY;
		else
			in->mode = (c == '-' || is_ws(c)) ? MODE_ARMOR : MODE_BINARY;
	}
	in->dpos = in->dlen = 0;
	if (in->mode == MODE_BINARY) {
		if (raw_fill(in, fail, err) == -1)
			return -1;
		if (in->reof) {
			in->deof = 1;
			return 0;
		}
		in->dp = in->raw + in->rpos;
		in->dlen = in->rlen - in->rpos;
		in->rpos = in->rlen;	/* raw is refilled once dp is used up */
		return 0;
	}
	in->dp = in->dec;
	while (in->dlen == 0 && !in->deof)
		if (armor_fill(in, fail, err) == -1)
			return -1;
	return 0;
}

int
cw_age_in_getc(struct age_in *in, enum cw_age_fail *fail, struct cw_error *err)
{
	if (fill(in, fail, err) == -1)
		return -1;
	if (in->dpos >= in->dlen)
		return -2;
	return in->dp[in->dpos++];
}

int
cw_age_in_read_full(struct age_in *in, uint8_t *buf, size_t len, size_t *got,
    enum cw_age_fail *fail, struct cw_error *err)
{
	size_t n = 0, k;

	while (n < len) {
		if (fill(in, fail, err) == -1)
			return -1;
		if (in->dpos >= in->dlen)
			break;
		k = in->dlen - in->dpos;
		if (k > len - n)
			k = len - n;
		memcpy(buf + n, in->dp + in->dpos, k);
		in->dpos += k;
		n += k;
	}
	*got = n;
	return 0;
}

int
cw_age_in_at_eof(struct age_in *in, int *eof, enum cw_age_fail *fail,
    struct cw_error *err)
{
	if (fill(in, fail, err) == -1)
		return -1;
	*eof = in->dpos >= in->dlen;
	return 0;
}
