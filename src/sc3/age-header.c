/* age-header.c - base64 and the age v1 header grammar:
 *
 *   age-encryption.org/v1 LF
 *   ( "-> " ARG *( SP ARG ) LF  BODY )+        ARG: 1*VCHAR
 *   "--- " MAC LF                              BODY: 64-column lines of
 *                                              unpadded base64, ended by a
 *                                              shorter (maybe empty) line
 *
 * All base64 is canonical: no padding, no stray bits.  The MAC covers the
 * header up to and including "---". */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc3/age-int.h"
#include "core/i18n.h"

#define BODY_COLS 64
#define INTRO_LINE_MAX 64

static const char b64_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
cw_age_failf(enum cw_age_fail *slot, enum cw_age_fail kind,
    struct cw_error *err, const char *fmt, ...)
{
	char msg[CW_ERR_MSG_MAX];
	enum cw_errcode code = CW_E_CRYPTO;
	va_list ap;

	if (slot != NULL)
		*slot = kind;
	if (kind == CW_AGE_IO)
		code = CW_E_IO;
	else if (kind == CW_AGE_NOMEM)
		code = CW_E_NOMEM;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cw_error_set(err, code, "%s", msg);
}

size_t
cw_age_b64_encode(const uint8_t *in, size_t n, char *out)
{
	size_t o = 0, i = 0;
	uint32_t v;

	for (; i + 3 <= n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64_alpha[v >> 18 & 63];
		out[o++] = b64_alpha[v >> 12 & 63];
		out[o++] = b64_alpha[v >> 6 & 63];
		out[o++] = b64_alpha[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = b64_alpha[v >> 18 & 63];
		out[o++] = b64_alpha[v >> 12 & 63];
	} else if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64_alpha[v >> 18 & 63];
		out[o++] = b64_alpha[v >> 12 & 63];
		out[o++] = b64_alpha[v >> 6 & 63];
	}
	out[o] = '\0';
	return o;
}

static int
b64_val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
cw_age_b64_decode(const char *s, size_t n, uint8_t *out, size_t cap,
    size_t *outn)
{
	size_t o = 0, i = 0, need;
	int v[4];

	if (n % 4 == 1)
		return -1;
	need = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
	if (need > cap)
		return -1;
	for (; i < n; i += 4) {
		size_t k = n - i < 4 ? n - i : 4;

		for (size_t j = 0; j < k; j++)
			if ((v[j] = b64_val((unsigned char)s[i + j])) < 0)
				return -1;
		out[o++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		if (k == 2) {
			if (v[1] & 0x0f)
				return -1;	/* not canonical */
			break;
		}
		out[o++] = (uint8_t)((v[1] & 0x0f) << 4 | v[2] >> 2);
		if (k == 3) {
			if (v[2] & 0x03)
				return -1;
			break;
		}
		out[o++] = (uint8_t)((v[2] & 0x03) << 6 | v[3]);
	}
	*outn = o;
	return 0;
}

int
cw_age_b64_decode_padded(const char *s, size_t n, uint8_t *out, size_t cap,
    size_t *outn)
{
	size_t pad = 0;

	if (n % 4 != 0)
		return -1;
	if (n >= 1 && s[n - 1] == '=')
		pad++;
	if (n >= 2 && s[n - 2] == '=')
		pad++;
	/* The unpadded decoder rejects any other '='. */
	return cw_age_b64_decode(s, n - pad, out, cap, outn);
}

/* ---- header reading */

static int
hdr_fail(enum cw_age_fail *fail, struct cw_error *err, const char *why)
{
	return cw_age_failf(fail, CW_AGE_HEADER, err,
	    _("malformed age header: %s"), why);
}

/* Reads one line (with its LF) onto h->raw; *start is its offset there and
 * *len its length without the LF.  Returns 1, 0 when the input ended first
 * (the bytes read are kept in raw), -1 on error. */
static int
read_line(struct age_in *in, struct age_header *h, size_t *cap, size_t max,
    size_t *start, size_t *len, enum cw_age_fail *fail, struct cw_error *err)
{
	uint8_t *p;
	int c;

	*start = h->rawlen;
	for (;;) {
		if ((c = cw_age_in_getc(in, fail, err)) == -1)
			return -1;
		if (c == -2) {
			*len = h->rawlen - *start;
			return 0;
		}
		if (c != '\n' && (h->rawlen - *start >= max ||
		    h->rawlen >= AGE_HEADER_MAX))
			return hdr_fail(fail, err, _("line or header too long"));
		if (h->rawlen == *cap) {
			size_t ncap = *cap ? *cap * 2 : 1024;

			if ((p = realloc(h->raw, ncap)) == NULL)
				return cw_age_failf(fail, CW_AGE_NOMEM, err,
				    _("out of memory"));
			h->raw = p;
			*cap = ncap;
		}
		h->raw[h->rawlen++] = (uint8_t)c;
		if (c == '\n') {
			*len = h->rawlen - *start - 1;
			return 1;
		}
	}
}

static int
is_vchar(int c)
{
	return c >= 0x21 && c <= 0x7e;
}

static int
parse_args(struct age_stanza *st, const char *text, size_t len,
    enum cw_age_fail *fail, struct cw_error *err)
{
	size_t i, begin = 0;

	if ((st->line = malloc(len + 1)) == NULL)
		return cw_age_failf(fail, CW_AGE_NOMEM, err, _("out of memory"));
	memcpy(st->line, text, len);
	st->line[len] = '\0';
	for (i = 0; i <= len; i++) {
		if (i < len && st->line[i] != ' ') {
			if (!is_vchar((unsigned char)st->line[i]))
				return hdr_fail(fail, err,
				    _("invalid character in a stanza"));
			continue;
		}
		if (i == begin)
			return hdr_fail(fail, err, _("empty stanza argument"));
		if (st->nargs == AGE_ARGS_MAX)
			return hdr_fail(fail, err, _("too many stanza arguments"));
		st->line[i] = '\0';
		st->args[st->nargs++] = st->line + begin;
		begin = i + 1;
	}
	return 0;
}

static int
read_body(struct age_in *in, struct age_header *h, size_t *cap,
    struct age_stanza *st, enum cw_age_fail *fail, struct cw_error *err)
{
	char *text = NULL, *p;
	size_t tlen = 0, tcap = 0, start, len;
	int rc = -1, r;

	for (;;) {
		if ((r = read_line(in, h, cap, BODY_COLS + 1, &start, &len,
		    fail, err)) == -1)
			goto out;
		if (r == 0) {
			cw_age_failf(fail, CW_AGE_TRUNCATED, err,
			    _("the age file ends inside its header"));
			goto out;
		}
		if (len > BODY_COLS) {
			hdr_fail(fail, err, _("stanza body line too long"));
			goto out;
		}
		if (tlen + len + 1 > tcap) {
			tcap = (tlen + len + 1) * 2;
			if ((p = realloc(text, tcap)) == NULL) {
				cw_age_failf(fail, CW_AGE_NOMEM, err, _("out of memory"));
				goto out;
			}
			text = p;
		}
		memcpy(text + tlen, h->raw + start, len);
		tlen += len;
		if (len < BODY_COLS)
			break;
	}
	if ((st->body = malloc(tlen / 4 * 3 + 3)) == NULL) {
		cw_age_failf(fail, CW_AGE_NOMEM, err, _("out of memory"));
		goto out;
	}
	if (cw_age_b64_decode(text ? text : "", tlen, st->body,
	    tlen / 4 * 3 + 3, &st->bodylen) == -1) {
		hdr_fail(fail, err, _("stanza body is not canonical base64"));
		goto out;
	}
	rc = 0;
out:
	free(text);
	return rc;
}

static int
read_intro(struct age_in *in, struct age_header *h, size_t *cap,
    enum cw_age_fail *fail, struct cw_error *err)
{
	size_t start, len, n;
	int r;

	r = read_line(in, h, cap, INTRO_LINE_MAX, &start, &len, fail, err);
	if (r == -1 && *fail != CW_AGE_HEADER)
		return -1;
	n = h->rawlen < strlen(AGE_INTRO_PREFIX) ? h->rawlen : strlen(AGE_INTRO_PREFIX);
	if (memcmp(h->raw ? (const char *)h->raw : "", AGE_INTRO_PREFIX, n) != 0)
		return cw_age_failf(fail, CW_AGE_NOT_AGE, err,
		    _("not an age encrypted file"));
	if (r == 0) {
		if (h->rawlen <= strlen(AGE_INTRO) &&
		    memcmp(h->raw ? (const char *)h->raw : "", AGE_INTRO, h->rawlen) == 0)
			return cw_age_failf(fail, CW_AGE_TRUNCATED, err,
			    _("the age file ends inside its header"));
		return hdr_fail(fail, err, _("unsupported version"));
	}
	if (r == -1 || len != strlen(AGE_INTRO) ||
	    memcmp(h->raw, AGE_INTRO, len) != 0)
		return hdr_fail(fail, err, _("unsupported version"));
	return 0;
}

int
cw_age_header_read(struct age_in *in, struct age_header *h,
    enum cw_age_fail *fail, struct cw_error *err)
{
	size_t cap = 0, start, len, maclen;
	struct age_stanza *st, *nst;
	const char *line;
	int r;

	memset(h, 0, sizeof(*h));
	if (read_intro(in, h, &cap, fail, err) == -1)
		return -1;
	for (;;) {
		if ((r = read_line(in, h, &cap, AGE_LINE_MAX, &start, &len,
		    fail, err)) == -1)
			return -1;
		if (r == 0)
			return cw_age_failf(fail, CW_AGE_TRUNCATED, err,
			    _("the age file ends inside its header"));
		line = (const char *)h->raw + start;
		if (len >= 3 && memcmp(line, "---", 3) == 0)
			break;
		if (len < 3 || memcmp(line, "-> ", 3) != 0)
			return hdr_fail(fail, err, _("a line is neither a stanza nor the MAC"));
		if (h->nst == AGE_STANZAS_MAX)
			return hdr_fail(fail, err, _("too many stanzas"));
		if ((nst = realloc(h->st, (h->nst + 1) * sizeof(*nst))) == NULL)
			return cw_age_failf(fail, CW_AGE_NOMEM, err, _("out of memory"));
		h->st = nst;
		st = &h->st[h->nst++];
		memset(st, 0, sizeof(*st));
		if (parse_args(st, line + 3, len - 3, fail, err) == -1 ||
		    read_body(in, h, &cap, st, fail, err) == -1)
			return -1;
	}
	h->rawlen = start + 3;	/* the MAC covers the header up to "---" */
	if (len != 4 + 43 || line[3] != ' ' ||
	    cw_age_b64_decode(line + 4, 43, h->mac, sizeof(h->mac), &maclen) == -1 ||
	    maclen != AGE_MAC_LEN)
		return hdr_fail(fail, err, _("malformed MAC line"));
	if (h->nst == 0)
		return hdr_fail(fail, err, _("no recipient stanza"));
	return 0;
}

/* Decodes arg to exactly want bytes of canonical base64. */
static int
arg_bytes(const char *arg, uint8_t *out, size_t want)
{
	uint8_t buf[2048];
	size_t n;

	if (want > sizeof(buf) ||
	    cw_age_b64_decode(arg, strlen(arg), buf, sizeof(buf), &n) == -1 ||
	    n != want)
		return -1;
	if (out != NULL)
		memcpy(out, buf, n);
	return 0;
}

int
cw_age_header_check(const struct age_header *h, int max_log2n,
    enum cw_age_fail *fail, struct cw_error *err)
{
	size_t nscrypt = 0;

	for (size_t i = 0; i < h->nst; i++) {
		const struct age_stanza *st = &h->st[i];
		const char *type = st->args[0];

		if (strcmp(type, "scrypt") == 0) {
			const char *wf;
			int v = 0;

			nscrypt++;
			if (st->nargs != 3 || arg_bytes(st->args[1], NULL, 16) == -1)
				return hdr_fail(fail, err, _("bad scrypt stanza"));
			wf = st->args[2];
			if (wf[0] < '1' || wf[0] > '9' || strlen(wf) > 2 ||
			    (wf[1] != '\0' && (wf[1] < '0' || wf[1] > '9')))
				return hdr_fail(fail, err, _("bad scrypt work factor"));
			v = atoi(wf);
			if (v > max_log2n)
				return cw_age_failf(fail, CW_AGE_WORK_FACTOR, err,
				    _("the age header asks for scrypt work factor %d, more than %d: refused before deriving a key"),
				    v, max_log2n);
			if (st->bodylen != 32)
				return hdr_fail(fail, err, _("bad scrypt stanza body"));
		} else if (strcmp(type, "X25519") == 0) {
			if (st->nargs != 2 || arg_bytes(st->args[1], NULL, 32) == -1 ||
			    st->bodylen != 32)
				return hdr_fail(fail, err, _("bad X25519 stanza"));
		} else if (strcmp(type, "mlkem768x25519") == 0) {
			/* ML-KEM-768 ciphertext (1088) + X25519 share (32). */
			if (st->nargs != 2 || arg_bytes(st->args[1], NULL, 1120) == -1 ||
			    st->bodylen != 32)
				return hdr_fail(fail, err, _("bad mlkem768x25519 stanza"));
		}
	}
	if (nscrypt > 0 && h->nst != 1)
		return hdr_fail(fail, err,
		    _("a scrypt stanza must be the only stanza"));
	return 0;
}

void
cw_age_header_release(struct age_header *h)
{
	for (size_t i = 0; i < h->nst; i++) {
		free(h->st[i].line);
		free(h->st[i].body);
	}
	free(h->st);
	free(h->raw);
	memset(h, 0, sizeof(*h));
}
