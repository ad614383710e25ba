/* screen-text.c - the text a result screen shows (status, check, NTP
 * results), built up in memory: rows of "label  value" and tables laid out
 * by display width (uw_text_width), so translated labels line up. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "widgets.h"

static void
grow(struct ui_text *t, size_t more)
{
	size_t cap;
	char *p;

	if (t->failed || t->len + more + 1 <= t->cap)
		return;
	cap = t->cap ? t->cap : 256;
	while (cap < t->len + more + 1)
		cap *= 2;
	if ((p = realloc(t->buf, cap)) == NULL) {
		t->failed = 1;
		return;
	}
	t->buf = p;
	t->cap = cap;
}

void
ui_text_add(struct ui_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	grow(t, (size_t)n);
	if (t->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

void
ui_text_pad(struct ui_text *t, const char *s, size_t width)
{
	size_t w = uw_text_width(s);

	ui_text_add(t, "%s", s);
	for (; w < width; w++)
		ui_text_add(t, " ");
}

void
ui_text_row(struct ui_text *t, const char *label, size_t width,
    const char *value)
{
	size_t indent = 2 + width + 1, room, n, spans[2 * 16];

	ui_text_add(t, "  ");
	ui_text_pad(t, label, width + 1);
	/* Wrapped here, continuation lines under the value: the viewer's own
	 * wrapping would start them at the left edge. */
	room = indent + 20 < UI_TEXT_COLS ? UI_TEXT_COLS - indent : 20;
	n = uw_text_wrap(value, room, spans, 16);
	if (n == 0 || n > 16) {
		ui_text_add(t, "%s\n", value);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			ui_text_add(t, "%*s", (int)indent, "");
		ui_text_add(t, "%.*s\n", (int)spans[2 * i + 1], value + spans[2 * i]);
	}
}

const char *
ui_text_str(const struct ui_text *t)
{
	return t->failed || t->buf == NULL ? "" : t->buf;
}

void
ui_text_release(struct ui_text *t)
{
	free(t->buf);
	memset(t, 0, sizeof(*t));
}
