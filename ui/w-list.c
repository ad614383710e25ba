/* w-list.c - menu, check list and radio list: one list of items with a
 * shortcut key each, scrolled when longer than the screen. */
#include "config.h"

#include <string.h>

#include "../src/i18n.h"
#include "uw-int.h"

enum kind { MENU, CHECK, RADIO };

static int
list(const char *title, const char *text, const struct uw_item *items,
    size_t n, size_t *sel, int *on, enum kind kind)
{
	const char *labels[2] = { _("OK"),
	    kind == MENU ? _("Back") : _("Cancel") };
	struct uw_frame f = { 0 };
	size_t cur = *sel < n ? *sel : 0, top = 0;
	int focus = 0;		/* 0 list, 1 OK, 2 Back/Cancel */
	int rc = UW_ERROR;

	for (;;) {
		int iw = 0, tw = text != NULL ? (int)uw_text_width(text) : 0;
		int w, h, rows, vis, pre = kind == MENU ? 3 : 7, cy, cx;

		for (size_t i = 0; i < n; i++)
			if ((int)uw_text_width(items[i].label) > iw)
				iw = (int)uw_text_width(items[i].label);
		w = iw + pre + 8;
		if (w < 40)
			w = 40;
		if (tw > 72)
			w = 76;
		else if (tw + 4 > w)
			w = tw + 4;
		if (title != NULL && (int)uw_text_width(title) + 8 > w)
			w = (int)uw_text_width(title) + 8;
		if (w > COLS - 4)
			w = COLS - 4;
		rows = text != NULL ? uw__rows(text, w - 4) : 0;
		vis = (int)n;
		h = 1 + rows + (rows ? 1 : 0) + vis + 1 + 1 + 1;
		if (h > LINES - 2) {
			vis -= h - (LINES - 2);
			if (vis < 3) {
				rows -= 3 - vis;
				vis = 3;
			}
			h = 1 + rows + (rows ? 1 : 0) + vis + 3;
		}
		if (cur < top)
			top = cur;
		if (cur >= top + (size_t)vis)
			top = cur - (size_t)vis + 1;
		if (uw__frame(&f, h, w, title) == -1)
			break;
		if (rows > 0)
			uw__put_wrapped(f.win, 1, 2, text, f.w - 4, rows);
		int y0 = 1 + rows + (rows ? 1 : 0);
		cy = y0;
		cx = 2;
		for (int r = 0; r < vis && top + (size_t)r < n; r++) {
			size_t i = top + (size_t)r;
			char mark[8] = "";

			if (i == cur && focus == 0)
				wattron(f.win, A_REVERSE);
			if (kind == CHECK)
				snprintf(mark, sizeof(mark), "[%c] ", on[i] ? 'X' : ' ');
			else if (kind == RADIO)
				snprintf(mark, sizeof(mark), "(%c) ", on[i] ? '*' : ' ');
			mvwprintw(f.win, y0 + r, 2, "%s%c  ", mark,
			    items[i].key ? items[i].key : ' ');
			uw__put(f.win, y0 + r, getcurx(f.win), items[i].label,
			    strlen(items[i].label), f.w - getcurx(f.win) - 2);
			if (i == cur && focus == 0) {
				/* the whole row shows the selection */
				while (getcurx(f.win) < f.w - 2)
					waddch(f.win, ' ');
				wattroff(f.win, A_REVERSE);
				cy = y0 + r;
				cx = 2;
			}
		}
		if (top > 0)
			mvwaddch(f.win, y0, f.w - 1, ACS_UARROW);
		if (top + (size_t)vis < n)
			mvwaddch(f.win, y0 + vis - 1, f.w - 1, ACS_DARROW);
		int bx = uw__buttons(&f, f.h - 2, labels, 2, focus - 1);
		if (focus > 0) {
			cy = f.h - 2;
			cx = bx;
		}
		wmove(f.win, cy, cx);
		uw__hint(focus == 0 ? items[cur].help : NULL);
		uw__flush();

		struct uw_key k = uw__key(-1);
		int c = uw__common(&k, 1);
		if (c < 0) {
			rc = UW_QUIT;
			break;
		}
		if (c > 0)
			continue;
		int enter = (k.is_key && k.ch == KEY_ENTER) ||
		    (!k.is_key && (k.ch == L'\r' || k.ch == L'\n'));
		if (!k.is_key && k.ch == 27) {
			rc = UW_BACK;
			break;
		}
		if (!k.is_key && k.ch == L'\t') {
			focus = (focus + 1) % 3;
			continue;
		}
		if (k.is_key && k.ch == KEY_BTAB) {
			focus = (focus + 2) % 3;
			continue;
		}
		if (focus > 0) {
			if (enter) {
				rc = focus == 1 ? UW_OK : UW_BACK;
				break;
			}
			if (k.is_key && (k.ch == KEY_LEFT || k.ch == KEY_RIGHT))
				focus = focus == 1 ? 2 : 1;
			else if (k.is_key && k.ch == KEY_UP)
				focus = 0;
			else if (!k.is_key && uw__lower(k.ch) == uw__hotkey(labels[0])) {
				rc = UW_OK;
				break;
			} else if (!k.is_key && uw__lower(k.ch) == uw__hotkey(labels[1])) {
				rc = UW_BACK;
				break;
			}
			continue;
		}
		if (enter) {
			if (kind == RADIO) {
				for (size_t i = 0; i < n; i++)
					on[i] = i == cur;
			}
			rc = UW_OK;
			break;
		}
		if (k.is_key) {
			switch (k.ch) {
			case KEY_UP: if (cur > 0) cur--; break;
			case KEY_DOWN: if (cur + 1 < n) cur++; break;
			case KEY_HOME: cur = 0; break;
			case KEY_END: cur = n - 1; break;
			case KEY_PPAGE: cur = cur > 5 ? cur - 5 : 0; break;
			case KEY_NPAGE: cur = cur + 5 < n ? cur + 5 : n - 1; break;
			case KEY_RIGHT: focus = 1; break;
			default: break;
			}
			continue;
		}
		if (k.ch == L' ' && kind != MENU) {
			if (kind == RADIO)
				for (size_t i = 0; i < n; i++)
					on[i] = i == cur;
			else
				on[cur] = !on[cur];
			continue;
		}
		for (size_t i = 0; i < n; i++)
			if (items[i].key && uw__lower(k.ch) ==
			    uw__lower((wint_t)(unsigned char)items[i].key)) {
				cur = i;
				if (kind == MENU) {
					rc = UW_OK;
					goto out;
				}
				break;
			}
	}
out:
	*sel = cur;
	uw__hint(NULL);
	uw__frame_free(&f);
	return rc;
}

int
uw_menu(const char *title, const char *text, const struct uw_item *items,
    size_t nitems, size_t *sel)
{
	if (nitems == 0)
		return UW_ERROR;
	if (uw_plain())
		return uw__plain_menu(title, text, items, nitems, sel);
	return list(title, text, items, nitems, sel, NULL, MENU);
}

int
uw_checklist(const char *title, const char *text,
    const struct uw_item *items, size_t nitems, int *on, int radio)
{
	size_t sel = 0;

	if (nitems == 0)
		return UW_ERROR;
	if (uw_plain())
		return uw__plain_checklist(title, text, items, nitems, on, radio);
	/* A radio list opens on its current choice. */
	for (size_t i = 0; radio && i < nitems; i++)
		if (on[i]) {
			sel = i;
			break;
		}
	return list(title, text, items, nitems, &sel, on, radio ? RADIO : CHECK);
}
