/* text.c - measuring and wrapping UTF-8 text by display width.  No
 * terminal here: the unit tests call these directly. */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include "widgets.h"

#define NOBREAK SIZE_MAX

/* Decodes one character at s (n bytes left): its length in bytes and its
 * display width.  An invalid or incomplete sequence is one byte wide one
 * column; a control character (tab...) is one column (drawn as a space). */
static size_t
decode(const char *s, size_t n, wchar_t *wc, int *w)
{
	mbstate_t st;
	size_t len;

	memset(&st, 0, sizeof(st));
	len = mbrtowc(wc, s, n, &st);
	if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
		*wc = (unsigned char)*s;
		*w = 1;
		return 1;
	}
	*w = wcwidth(*wc);
	if (*w < 0)
		*w = 1;
	return len;
}

size_t
uw_text_width(const char *s)
{
	size_t n = strlen(s), off = 0, width = 0;
	wchar_t wc;
	int w;

	while (off < n) {
		off += decode(s + off, n - off, &wc, &w);
		width += (size_t)w;
	}
	return width;
}

size_t
uw_text_fit(const char *s, size_t width)
{
	size_t n = strlen(s), off = 0, cols = 0, len;
	wchar_t wc;
	int w;

	while (off < n) {
		len = decode(s + off, n - off, &wc, &w);
		if (cols + (size_t)w > width)
			break;
		cols += (size_t)w;
		off += len;
	}
	return off;
}

static size_t
span_width(const char *s, size_t from, size_t to)
{
	size_t width = 0;
	wchar_t wc;
	int w;

	while (from < to) {
		from += decode(s + from, to - from, &wc, &w);
		width += (size_t)w;
	}
	return width;
}

/* The lines found so far: offsets into s, and with hang set the indent of
 * each line (three entries per line instead of two). */
struct out {
	size_t *lines, max, n;
	int hang;
};

static void
emit(struct out *o, const char *s, size_t start, size_t end, size_t indent)
{
	size_t k = o->hang ? 3 : 2;

	while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	if (o->lines != NULL && o->n < o->max) {
		o->lines[o->n * k] = start;
		o->lines[o->n * k + 1] = end - start;
		if (o->hang)
			o->lines[o->n * k + 2] = indent;
	}
	o->n++;
}

static size_t
skip_blanks(const char *s, size_t off, size_t n)
{
	while (off < n && (s[off] == ' ' || s[off] == '\t'))
		off++;
	return off;
}

/* The columns a paragraph's continuation lines are indented by: its
 * leading blanks and a list marker ("- ", "* ", "12. ", "3) ") with the
 * blanks after it; none when that is more than half the width. */
static size_t
hang_of(const char *s, size_t off, size_t n, size_t width)
{
	size_t p = skip_blanks(s, off, n), q = p;

	if (p + 1 < n && (s[p] == '-' || s[p] == '*') && s[p + 1] == ' ')
		p = skip_blanks(s, p + 1, n);
	else {
		while (q < n && q - p < 3 && s[q] >= '0' && s[q] <= '9')
			q++;
		if (q > p && q + 1 < n && (s[q] == '.' || s[q] == ')') &&
		    s[q + 1] == ' ')
			p = skip_blanks(s, q + 1, n);
	}
	/* Only ASCII up to p: bytes are columns. */
	return (p - off) * 2 > width ? 0 : p - off;
}

static size_t
wrap(const char *s, size_t width, struct out *o)
{
	size_t n = strlen(s), off = 0, start = 0, cur = 0, brk = NOBREAK;
	size_t len, hang, lw, indent = 0;
	wchar_t wc;
	int w;

	if (width == 0)
		width = 1;
	hang = o->hang ? hang_of(s, 0, n, width) : 0;
	lw = width;
	while (off < n) {
		len = decode(s + off, n - off, &wc, &w);
		if (wc == L'\n') {
			emit(o, s, start, off, indent);
			start = off + 1;
			off = start;
			cur = 0;
			brk = NOBREAK;
			hang = o->hang ? hang_of(s, start, n, width) : 0;
			lw = width;
			indent = 0;
			continue;
		}
		if (wc == L' ' || wc == L'\t') {
			if (cur + 1 > lw) {
				/* The blank ends the line; blanks after it too. */
				emit(o, s, start, off, indent);
				start = off = skip_blanks(s, off, n);
				cur = 0;
				brk = NOBREAK;
				lw = width - hang;
				indent = hang;
				continue;
			}
			brk = off;
			cur += 1;
			off += len;
			continue;
		}
		/* Between two wide (CJK) characters a line may break. */
		if (w == 2 && off > start)
			brk = off;
		if (cur + (size_t)w > lw && cur > 0) {
			if (brk != NOBREAK && brk > start) {
				emit(o, s, start, brk, indent);
				start = skip_blanks(s, brk, n);
				cur = span_width(s, start, off);
			} else {
				emit(o, s, start, off, indent);
				start = off;
				cur = 0;
			}
			brk = NOBREAK;
			lw = width - hang;
			indent = hang;
			continue;	/* this character again, on the new line */
		}
		cur += (size_t)w;
		off += len;
		if (w == 2)
			brk = off;
	}
	if (off > start || o->n == 0)
		emit(o, s, start, n, indent);
	return o->n;
}

size_t
uw_text_wrap(const char *s, size_t width, size_t *lines, size_t max)
{
	struct out o = { lines, max, 0, 0 };

	return wrap(s, width, &o);
}

size_t
uw_text_wrap_hang(const char *s, size_t width, size_t *lines, size_t max)
{
	struct out o = { lines, max, 0, 1 };

	return wrap(s, width, &o);
}
