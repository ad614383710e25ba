/* w-view.c - a scrollable text: logs, journals, help. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "uw-int.h"

static int view(const char *title, const char *text, const char *action);

int
uw_textview(const char *title, const char *text)
{
	return view(title, text, NULL);
}

int
uw_textview_action(const char *title, const char *text, const char *action)
{
	return view(title, text, action);
}

static int
view(const char *title, const char *text, const char *action)
{
	/* TRANSLATORS: buttons.  A button's shortcut is its first letter, or
	 * the ASCII letter in trailing parentheses ("はい(Y)"); the buttons of
	 * one box need different shortcuts (po.sh checks Yes/No, OK/Cancel,
	 * OK/Back). */
	const char *labels[2] = { action, _("Close") };
	const char **lab = action != NULL ? labels : labels + 1;
	int nlab = action != NULL ? 2 : 1, focus = nlab - 1;
	struct uw_frame f = { 0 };
	size_t *lines = NULL, nlines = 0, top = 0;
	int rc = UW_ERROR, width = -1;

	if (uw_plain())
		return uw__plain_textview(title, text);
	for (;;) {
		int vis;

		if (uw__frame(&f, LINES - 2, COLS - 2, title) == -1)
			break;
		if (width != f.w - 4) {
			width = f.w - 4;
			free(lines);
			nlines = uw_text_wrap_hang(text, (size_t)width, NULL, 0);
			lines = calloc(nlines * 3 + 3, sizeof(*lines));
			if (lines == NULL)
				break;
			uw_text_wrap_hang(text, (size_t)width, lines, nlines);
		}
		vis = f.h - 4;
		if (vis < 1)
			vis = 1;
		if (nlines > (size_t)vis && top > nlines - (size_t)vis)
			top = nlines - (size_t)vis;
		if (nlines <= (size_t)vis)
			top = 0;
		for (int r = 0; r < vis && top + (size_t)r < nlines; r++) {
			size_t i = top + (size_t)r;

			uw__put(f.win, 1 + r, 2 + (int)lines[i * 3 + 2],
			    text + lines[i * 3], lines[i * 3 + 1],
			    width - (int)lines[i * 3 + 2]);
		}
		if (nlines > (size_t)vis) {
			char pos[48];
			size_t last = top + (size_t)vis;

			/* TRANSLATORS: lines shown of a text, e.g. "1-20/73". */
			snprintf(pos, sizeof(pos), _(" %zu-%zu/%zu "), top + 1,
			    last > nlines ? nlines : last, nlines);
			mvwaddstr(f.win, f.h - 3, f.w - 2 - (int)strlen(pos), pos);
		}
		int cx = uw__buttons(&f, f.h - 2, lab, nlab, focus);
		wmove(f.win, f.h - 2, cx);
		uw__flush();

		struct uw_key k = uw__key(-1);
		int c = uw__common(&k, 0);
		if (c < 0) {
			rc = UW_QUIT;
			break;
		}
		if (c > 0)
			continue;
		size_t page = (size_t)vis > 1 ? (size_t)vis - 1 : 1;
		if (k.is_key) {
			switch (k.ch) {
			case KEY_UP: if (top > 0) top--; break;
			case KEY_DOWN: top++; break;
			case KEY_PPAGE: top = top > page ? top - page : 0; break;
			case KEY_NPAGE: top += page; break;
			case KEY_HOME: top = 0; break;
			case KEY_END: top = nlines; break;
			case KEY_ENTER: rc = focus == nlab - 1 ? UW_BACK : UW_OK; goto out;
			case KEY_BTAB: case KEY_LEFT: case KEY_RIGHT: focus = nlab - 1 - focus; break;
			default: break;
			}
			continue;
		}
		switch (k.ch) {
		case L'k': if (top > 0) top--; break;
		case L'j': top++; break;
		case L'b': top = top > page ? top - page : 0; break;
		case L' ': top += page; break;
		case L'g': top = 0; break;
		case L'G': top = nlines; break;
		case L'\r': case L'\n':
			rc = focus == nlab - 1 ? UW_BACK : UW_OK;
			goto out;
		case 27: case L'q':
			rc = UW_BACK;
			goto out;
		case L'\t':
			focus = nlab - 1 - focus;
			break;
		default:
			if (uw__lower(k.ch) == uw__hotkey(lab[nlab - 1])) {
				rc = UW_BACK;
				goto out;
			}
			if (action != NULL && uw__lower(k.ch) == uw__hotkey(action)) {
				rc = UW_OK;
				goto out;
			}
			break;
		}
	}
out:
	free(lines);
	uw__frame_free(&f);
	return rc;
}
