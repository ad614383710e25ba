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

static void
emit(size_t *lines, size_t max, size_t *nl, const char *s, size_t start,
    size_t end)
{
	while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	if (lines != NULL && *nl < max) {
		lines[*nl * 2] = start;
		lines[*nl * 2 + 1] = end - start;
	}
	(*nl)++;
}

static size_t
skip_blanks(const char *s, size_t off, size_t n)
{
	while (off < n && (s[off] == ' ' || s[off] == '\t'))
		off++;
	return off;
}

size_t
uw_text_wrap(const char *s, size_t width, size_t *lines, size_t max)
{
	size_t n = strlen(s), off = 0, start = 0, cur = 0, brk = NOBREAK;
	size_t nl = 0, len;
	wchar_t wc;
	int w;

	if (width == 0)
		width = 1;
	while (off < n) {
		len = decode(s + off, n - off, &wc, &w);
		if (wc == L'\n') {
			emit(lines, max, &nl, s, start, off);
			start = off + 1;
			off = start;
			cur = 0;
			brk = NOBREAK;
			continue;
		}
		if (wc == L' ' || wc == L'\t') {
			if (cur + 1 > width) {
				/* The blank ends the line; blanks after it too. */
				emit(lines, max, &nl, s, start, off);
				start = off = skip_blanks(s, off, n);
				cur = 0;
				brk = NOBREAK;
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
		if (cur + (size_t)w > width && cur > 0) {
			if (brk != NOBREAK && brk > start) {
				emit(lines, max, &nl, s, start, brk);
				start = skip_blanks(s, brk, n);
				cur = span_width(s, start, off);
			} else {
				emit(lines, max, &nl, s, start, off);
				start = off;
				cur = 0;
			}
			brk = NOBREAK;
			continue;	/* this character again, on the new line */
		}
		cur += (size_t)w;
		off += len;
		if (w == 2)
			brk = off;
	}
	if (off > start || nl == 0)
		emit(lines, max, &nl, s, start, n);
	return nl;
}
