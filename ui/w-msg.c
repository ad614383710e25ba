/* w-msg.c - message box and yes/no question. */
#include "config.h"

#include <string.h>

#include "core/i18n.h"
#include "uw-int.h"

/* The box's width for text: 64 columns, or the screen's width when the
 * text would not fit in its height at 64 (long German messages). */
static int
box_width(const char *title, const char *text, const char *const *labels,
    int nb)
{
	int tw = (int)uw_text_width(text), bw = 0, w;

	for (int i = 0; i < nb; i++)
		bw += (int)uw_text_width(labels[i]) + 7;
	w = tw > 60 ? 64 : tw + 4;
	if (w < bw + 4)
		w = bw + 4;
	if (w < 30)
		w = 30;
	if (title != NULL && w < (int)uw_text_width(title) + 8)
		w = (int)uw_text_width(title) + 8;
	if (uw__rows(text, w - 4) + 4 > LINES - 2)
		w = COLS - 4;
	if (w > COLS - 4)
		w = COLS - 4;
	return w;
}

/* A text and a row of buttons; results[i] is returned for button i,
 * esc_result for Esc.  A text taller than the screen scrolls: Up, Down,
 * PgUp, PgDn move it (arrows on the border say there is more), Left,
 * Right and Tab move between the buttons. */
static int
message(const char *title, const char *text, const char *const *labels,
    const int *results, int nb, int focus, int esc_result)
{
	struct uw_frame f = { 0 };
	int rc = UW_ERROR, top = 0;

	for (;;) {
		int w = box_width(title, text, labels, nb), rows, vis, cx;

		rows = uw__rows(text, w - 4);
		if (uw__frame(&f, rows + 4, w, title) == -1)
			break;
		rows = uw__rows(text, f.w - 4);
		vis = f.h - 4 > 0 ? f.h - 4 : 1;
		if (top > rows - vis)
			top = rows - vis;
		if (top < 0)
			top = 0;
		uw__put_wrapped_from(f.win, 1, 2, text, f.w - 4, top, vis);
		if (top > 0)
			mvwaddch(f.win, 1, f.w - 1, ACS_UARROW);
		if (top + vis < rows)
			mvwaddch(f.win, vis, f.w - 1, ACS_DARROW);
		cx = uw__buttons(&f, f.h - 2, labels, nb, focus);
		wmove(f.win, f.h - 2, cx);
		uw__flush();

		struct uw_key k = uw__key(-1);
		int c = uw__common(&k, 1);
		if (c < 0) {
			rc = UW_QUIT;
			break;
		}
		if (c > 0)
			continue;
		if (k.is_key) {
			int scrolls = rows > vis;

			if (k.ch == KEY_ENTER) {
				rc = results[focus];
				break;
			}
			if (scrolls && k.ch == KEY_UP)
				top--;
			else if (scrolls && k.ch == KEY_DOWN)
				top++;
			else if (scrolls && k.ch == KEY_PPAGE)
				top -= vis > 1 ? vis - 1 : 1;
			else if (scrolls && k.ch == KEY_NPAGE)
				top += vis > 1 ? vis - 1 : 1;
			else if (k.ch == KEY_RIGHT || k.ch == KEY_DOWN)
				focus = (focus + 1) % nb;
			else if (k.ch == KEY_LEFT || k.ch == KEY_UP ||
			    k.ch == KEY_BTAB)
				focus = (focus + nb - 1) % nb;
			continue;
		}
		if (k.ch == L'\r' || k.ch == L'\n') {
			rc = results[focus];
			break;
		}
		if (k.ch == 27) {
			rc = esc_result;
			break;
		}
		if (k.ch == L'\t') {
			focus = (focus + 1) % nb;
			continue;
		}
		for (int i = 0; i < nb; i++)
			if (uw__lower(k.ch) == uw__hotkey(labels[i])) {
				rc = results[i];
				goto out;
			}
	}
out:
	uw__frame_free(&f);
	return rc;
}

int
uw_msgbox(const char *title, const char *text)
{
	const char *labels[1] = { _("OK") };
	static const int results[1] = { UW_OK };

	if (uw_plain())
		return uw__plain_msgbox(title, text);
	return message(title, text, labels, results, 1, 0, UW_BACK);
}

int
uw_yesno(const char *title, const char *text, int default_no)
{
	/* TRANSLATORS: buttons.  A button's shortcut is its first letter, or
	 * the ASCII letter in trailing parentheses ("はい(Y)"); the buttons of
	 * one box need different shortcuts (po.sh checks Yes/No, OK/Cancel,
	 * OK/Back). */
	const char *labels[2] = { _("Yes"), _("No") };
	static const int results[2] = { UW_OK, UW_NO };
	int rc;

	if (uw_plain())
		return uw__plain_yesno(title, text, default_no);
	rc = message(title, text, labels, results, 2, default_no ? 1 : 0,
	    UW_BACK);
	return rc;
}
