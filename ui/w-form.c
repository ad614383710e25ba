/* w-form.c - text fields: the form, the input box and the masked input.
 *
 * A field's text lives in a wide-character edit buffer owned by this call
 * (so a resize re-lays out without losing it); it is converted to UTF-8
 * only on OK, into the caller's buffer or, for a masked field, straight
 * into the caller's struct cw_secret.  Masked fields draw one '*' per
 * character and nothing else; every edit buffer is wiped before it is
 * freed. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/secret.h"
#include "uw-int.h"

#define MASKED_CAP 1024		/* characters in a masked field */

struct fld {
	wchar_t *buf;
	size_t len, cap, cur, scroll;
	size_t maxbytes;
	char err[256];
	int row, col, width;	/* layout: the text cell, its columns */
	int lrows;		/* rows of the label above the field (0: beside) */
	int erows;		/* rows under the field: the message, or a gap */
};

/* The narrowest a field gets beside its label; a label that leaves less
 * goes on the rows above its field, wrapped, instead of being cut. */
#define FIELD_MIN 20

static int
cwidth(const struct uw_field *f, wchar_t wc)
{
	int w;

	if (f->flags & UW_FIELD_MASKED)
		return 1;
	w = wcwidth(wc);
	return w < 0 ? 1 : w;
}

static size_t
mblen_of(const wchar_t *buf, size_t len)
{
	char tmp[MB_LEN_MAX];
	mbstate_t st;
	size_t total = 0;

	memset(&st, 0, sizeof(st));
	for (size_t i = 0; i < len; i++) {
		size_t n = wcrtomb(tmp, buf[i], &st);

		total += n == (size_t)-1 ? 1 : n;
	}
	return total;
}

/* UTF-8 of the edit buffer in a new string (caller wipes and frees). */
static char *
to_mb(const struct fld *d)
{
	size_t n = mblen_of(d->buf, d->len);
	char *out = calloc(n + 1, 1), *p = out;
	mbstate_t st;

	if (out == NULL)
		return NULL;
	memset(&st, 0, sizeof(st));
	for (size_t i = 0; i < d->len; i++) {
		size_t k = wcrtomb(p, d->buf[i], &st);

		if (k == (size_t)-1)
			*p++ = '?';
		else
			p += k;
	}
	*p = '\0';
	return out;
}

static void
wipe_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static int
fld_init(struct fld *d, const struct uw_field *f)
{
	mbstate_t st;
	const char *src;

	memset(d, 0, sizeof(*d));
	d->maxbytes = (f->flags & UW_FIELD_MASKED) ? MASKED_CAP * MB_LEN_MAX :
	    (f->cap > 0 ? f->cap - 1 : 0);
	d->cap = (f->flags & UW_FIELD_MASKED) ? MASKED_CAP : f->cap;
	d->buf = calloc(d->cap + 1, sizeof(wchar_t));
	if (d->buf == NULL)
		return -1;
	if (!(f->flags & UW_FIELD_MASKED) && f->buf != NULL && *f->buf) {
		memset(&st, 0, sizeof(st));
		src = f->buf;
		size_t n = mbsrtowcs(d->buf, &src, d->cap, &st);

		d->len = n == (size_t)-1 ? 0 : n;
		d->cur = d->len;
	}
	return 0;
}

static void
fld_release(struct fld *d)
{
	if (d->buf != NULL) {
		explicit_bzero(d->buf, (d->cap + 1) * sizeof(wchar_t));
		free(d->buf);
	}
	d->buf = NULL;
}

static void
fld_insert(struct fld *d, wchar_t wc)
{
	char tmp[MB_LEN_MAX];
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = wcrtomb(tmp, wc, &st);
	explicit_bzero(tmp, sizeof(tmp));
	if (n == (size_t)-1 || d->len >= d->cap ||
	    mblen_of(d->buf, d->len) + n > d->maxbytes) {
		beep();
		return;
	}
	memmove(d->buf + d->cur + 1, d->buf + d->cur,
	    (d->len - d->cur) * sizeof(wchar_t));
	d->buf[d->cur++] = wc;
	d->len++;
}

static void
fld_delete(struct fld *d, size_t at)
{
	if (at >= d->len)
		return;
	memmove(d->buf + at, d->buf + at + 1,
	    (d->len - at - 1) * sizeof(wchar_t));
	d->buf[--d->len] = 0;
	if (d->cur > at)
		d->cur--;
}

/* The field's message fits on one row under the field in a box of width
 * boxw. */
static int
err_fits_w(int boxw, const struct fld *d)
{
	return (int)uw_text_width(d->err) <= boxw - d->col - 2;
}

static int
err_fits(WINDOW *w, const struct fld *d)
{
	return err_fits_w(getmaxx(w), d);
}

/* Draws the field; returns the cursor column. */
static int
fld_draw(WINDOW *w, struct fld *d, const struct uw_field *f)
{
	size_t i;
	int col = 0, cx = d->col;

	if (d->cur < d->scroll)
		d->scroll = d->cur;
	for (;;) {
		int span = 0;

		for (i = d->scroll; i < d->cur; i++)
			span += cwidth(f, d->buf[i]);
		if (span <= d->width - 1 || d->scroll >= d->cur)
			break;
		d->scroll++;
	}
	mvwaddch(w, d->row, d->col - 1, '[');
	wmove(w, d->row, d->col);
	for (i = d->scroll; i < d->len; i++) {
		int cw = cwidth(f, d->buf[i]);
		wchar_t wc = d->buf[i];

		if (col + cw > d->width)
			break;
		if (i == d->cur)
			cx = d->col + col;
		if (f->flags & UW_FIELD_MASKED)
			waddch(w, '*');
		else {
			if (wcwidth(wc) < 0)
				wc = L' ';
			waddnwstr(w, &wc, 1);
		}
		col += cw;
	}
	if (d->cur == d->len)
		cx = d->col + col;
	mvwaddch(w, d->row, d->col + d->width, ']');
	if (d->err[0]) {
		attr_t a = uw__colors() ? COLOR_PAIR(1) : A_BOLD;

		/* Under the field when it fits there, else wrapped from the
		 * left edge on as many rows as the layout gave it. */
		wattron(w, a);
		if (err_fits(w, d))
			uw__put(w, d->row + 1, d->col, d->err, strlen(d->err),
			    getmaxx(w) - d->col - 2);
		else
			uw__put_wrapped(w, d->row + 1, 2, d->err,
			    getmaxx(w) - 4, d->erows);
		wattroff(w, a);
	}
	return cx;
}

/* Checks one field; sets d->err.  0 when valid. */
static int
fld_validate(struct fld *d, const struct uw_field *f)
{
	char *v;
	int rc = 0;

	d->err[0] = '\0';
	if (d->len == 0) {
		if (f->flags & UW_FIELD_OPTIONAL)
			return 0;
		snprintf(d->err, sizeof(d->err), "%s", _("A value is required here."));
		return -1;
	}
	if (f->validate == NULL)
		return 0;
	v = to_mb(d);
	if (v == NULL) {
		snprintf(d->err, sizeof(d->err), "%s", _("Out of memory."));
		return -1;
	}
	if (f->validate(v, d->err, sizeof(d->err), f->ctx) != 0) {
		rc = -1;
		if (d->err[0] == '\0')
			snprintf(d->err, sizeof(d->err), "%s", _("This value is not valid."));
	} else
		d->err[0] = '\0';
	wipe_free(v);
	return rc;
}

static int
fld_store(struct fld *d, struct uw_field *f)
{
	char *v = to_mb(d);
	int rc = 0;

	if (v == NULL)
		return -1;
	if (f->flags & UW_FIELD_MASKED) {
		cw_secret_clear(f->secret);
		if (cw_secret_append(f->secret, v, strlen(v), NULL) == -1) {
			snprintf(d->err, sizeof(d->err), "%s", _("This value is too long."));
			rc = -1;
		}
	} else if (f->cap > 0)
		snprintf(f->buf, f->cap, "%s", v);
	wipe_free(v);
	return rc;
}

struct layout {
	int w, h, textrows, fy, bx;
};

static int
layout(struct uw_frame *fr, const char *title, const char *text,
    struct uw_field *fields, struct fld *d, size_t n, struct layout *L)
{
	int lw = 0, tw = text != NULL ? (int)uw_text_width(text) : 0, fx;
	int stacked, frows, y;

	for (size_t i = 0; i < n; i++)
		if (fields[i].label != NULL &&
		    (int)uw_text_width(fields[i].label) > lw)
			lw = (int)uw_text_width(fields[i].label);
	L->w = 40;
	if (tw > 72)
		L->w = 76;
	else if (tw + 4 > L->w)
		L->w = tw + 4;
	if (lw > 0 && L->w < 60)
		L->w = 60;	/* room for a field and its inline message */
	/* Wider for a long label (German) beside its field. */
	if (lw > 0 && 2 + lw + 2 + FIELD_MIN + 3 > L->w)
		L->w = 2 + lw + 2 + FIELD_MIN + 3;
	if (title != NULL && (int)uw_text_width(title) + 8 > L->w)
		L->w = (int)uw_text_width(title) + 8;
	if (L->w > COLS - 4)
		L->w = COLS - 4;
	stacked = lw > 0 && 2 + lw + 2 + FIELD_MIN + 3 > L->w;
	fx = lw > 0 && !stacked ? 2 + lw + 2 : 3;
	L->textrows = text != NULL ? uw__rows(text, L->w - 4) : 0;
	frows = 0;
	for (size_t i = 0; i < n; i++) {
		d[i].col = fx;
		d[i].lrows = stacked && fields[i].label != NULL ?
		    uw__rows(fields[i].label, L->w - 4) : 0;
		/* A wrapped message gets a gap row after it, too. */
		d[i].erows = d[i].err[0] && !err_fits_w(L->w, &d[i]) ?
		    uw__rows(d[i].err, L->w - 4) + 1 : 1;
		frows += d[i].lrows + 1 + d[i].erows;
	}
	L->fy = 1 + L->textrows + (L->textrows > 0 ? 1 : 0);
	L->h = L->fy + frows + 3;
	if (L->h > LINES - 2) {
		L->textrows -= L->h - (LINES - 2);
		if (L->textrows < 0)
			L->textrows = 0;
		L->fy = 1 + L->textrows + (L->textrows > 0 ? 1 : 0);
		L->h = L->fy + frows + 3;
	}
	if (uw__frame(fr, L->h, L->w, title) == -1)
		return -1;
	L->w = fr->w;
	L->h = fr->h;
	y = L->fy;
	for (size_t i = 0; i < n; i++) {
		d[i].row = y + d[i].lrows;
		d[i].width = L->w - fx - 3;
		if (d[i].width < 1)
			d[i].width = 1;
		y = d[i].row + 1 + d[i].erows;
	}
	return 0;
}

static int
form_curses(const char *title, const char *text, struct uw_field *fields,
    size_t n)
{
	/* TRANSLATORS: buttons.  A button's shortcut is its first letter, or
	 * the ASCII letter in trailing parentheses ("はい(Y)"); the buttons of
	 * one box need different shortcuts (po.sh checks Yes/No, OK/Cancel,
	 * OK/Back). */
	const char *labels[2] = { _("OK"), _("Cancel") };
	struct uw_frame fr = { 0 };
	struct fld *d;
	struct layout L;
	size_t focus = 0;	/* 0..n-1 fields, n OK, n+1 Cancel */
	int rc = UW_ERROR;

	d = calloc(n, sizeof(*d));
	if (d == NULL)
		return UW_ERROR;
	for (size_t i = 0; i < n; i++)
		if (fld_init(&d[i], &fields[i]) == -1)
			goto out;
	for (;;) {
		int cx = 0, cy = 0;

		if (layout(&fr, title, text, fields, d, n, &L) == -1)
			goto out;
		if (L.textrows > 0)
			uw__put_wrapped(fr.win, 1, 2, text, L.w - 4, L.textrows);
		for (size_t i = 0; i < n; i++) {
			int x;

			if (fields[i].label != NULL && d[i].lrows > 0)
				uw__put_wrapped(fr.win, d[i].row - d[i].lrows, 2,
				    fields[i].label, L.w - 4, d[i].lrows);
			else if (fields[i].label != NULL)
				uw__put_cut(fr.win, d[i].row, 2, fields[i].label,
				    d[i].col - 4);
			x = fld_draw(fr.win, &d[i], &fields[i]);
			if (i == focus) {
				cy = d[i].row;
				cx = x;
			}
		}
		int bx = uw__buttons(&fr, L.h - 2, labels, 2,
		    focus >= n ? (int)(focus - n) : -1);
		if (focus >= n) {
			cy = L.h - 2;
			cx = bx;
		}
		wmove(fr.win, cy, cx);
		uw__flush();

		struct uw_key k = uw__key(-1);
		int c = uw__common(&k, focus >= n);
		if (c < 0) {
			rc = UW_QUIT;
			goto out;
		}
		if (c > 0)
			continue;

		int enter = (k.is_key && k.ch == KEY_ENTER) ||
		    (!k.is_key && (k.ch == L'\r' || k.ch == L'\n'));
		int next = (!k.is_key && k.ch == L'\t') ||
		    (k.is_key && k.ch == KEY_DOWN && focus < n);
		int prev = k.is_key && (k.ch == KEY_BTAB ||
		    (k.ch == KEY_UP && focus < n));

		if (!k.is_key && k.ch == 27) {
			rc = UW_BACK;
			goto out;
		}
		if (focus < n) {
			struct fld *f = &d[focus];

			if (enter || next) {
				if (fld_validate(f, &fields[focus]) == -1)
					continue;
				if (enter && focus + 1 == n)
					focus = n;	/* then OK below */
				else {
					focus++;
					continue;
				}
			} else if (prev) {
				focus = focus == 0 ? n + 1 : focus - 1;
				continue;
			} else if (k.is_key) {
				switch (k.ch) {
				case KEY_LEFT: if (f->cur > 0) f->cur--; break;
				case KEY_RIGHT: if (f->cur < f->len) f->cur++; break;
				case KEY_HOME: f->cur = 0; break;
				case KEY_END: f->cur = f->len; break;
				case KEY_BACKSPACE:
					if (f->cur > 0)
						fld_delete(f, f->cur - 1);
					break;
				case KEY_DC: fld_delete(f, f->cur); break;
				default: break;
				}
				continue;
			} else {
				switch (k.ch) {
				case 127: case 8:
					if (f->cur > 0)
						fld_delete(f, f->cur - 1);
					break;
				case 1: f->cur = 0; break;		/* Ctrl-A */
				case 5: f->cur = f->len; break;		/* Ctrl-E */
				case 4: fld_delete(f, f->cur); break;	/* Ctrl-D */
				case 11:				/* Ctrl-K */
					while (f->len > f->cur)
						fld_delete(f, f->len - 1);
					break;
				case 21:				/* Ctrl-U */
					while (f->cur > 0)
						fld_delete(f, f->cur - 1);
					break;
				default:
					if (k.ch >= 32 && wcwidth((wchar_t)k.ch) >= 0)
						fld_insert(f, (wchar_t)k.ch);
					break;
				}
				continue;
			}
		} else {
			if (next || (k.is_key && k.ch == KEY_RIGHT)) {
				focus = focus == n + 1 ? 0 : focus + 1;
				continue;
			}
			if (prev || (k.is_key && (k.ch == KEY_LEFT ||
			    k.ch == KEY_UP))) {
				focus = focus == n ? (n > 0 ? n - 1 : n + 1) : focus - 1;
				continue;
			}
			if (!enter) {
				if (uw__lower(k.ch) == uw__hotkey(labels[1]) && !k.is_key) {
					rc = UW_BACK;
					goto out;
				}
				if (k.is_key || uw__lower(k.ch) != uw__hotkey(labels[0]))
					continue;
				focus = n;
			}
			if (focus == n + 1) {
				rc = UW_BACK;
				goto out;
			}
		}
		/* OK: every field valid, then stored. */
		size_t bad = n;
		for (size_t i = 0; i < n; i++)
			if (fld_validate(&d[i], &fields[i]) == -1 && bad == n)
				bad = i;
		for (size_t i = 0; bad == n && i < n; i++)
			if (fld_store(&d[i], &fields[i]) == -1)
				bad = i;
		if (bad < n) {
			focus = bad;
			continue;
		}
		rc = UW_OK;
		goto out;
	}
out:
	uw__frame_free(&fr);
	for (size_t i = 0; i < n; i++)
		fld_release(&d[i]);
	free(d);
	return rc;
}

int
uw_form(const char *title, const char *text, struct uw_field *fields,
    size_t nfields)
{
	if (uw_plain())
		return uw__plain_form(title, text, fields, nfields);
	return form_curses(title, text, fields, nfields);
}

int
uw_input(const char *title, const char *prompt, char *buf, size_t cap,
    unsigned flags, uw_validate_fn *validate, void *ctx)
{
	struct uw_field f = {
		.label = NULL, .buf = buf, .cap = cap, .secret = NULL,
		.flags = flags & ~(unsigned)UW_FIELD_MASKED,
		.validate = validate, .ctx = ctx,
	};

	return uw_form(title, prompt, &f, 1);
}

int
uw_password(const char *title, const char *prompt, struct cw_secret *secret)
{
	struct uw_field f = {
		.label = NULL, .buf = NULL, .cap = 0, .secret = secret,
		.flags = UW_FIELD_MASKED, .validate = NULL, .ctx = NULL,
	};

	return uw_form(title, prompt, &f, 1);
}
