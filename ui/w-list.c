/* w-list.c - menu, check list and radio list, on the ncurses menu library:
 * one list of items with a shortcut key each, scrolled by the library when
 * longer than the screen.  Each item's text is "[X] k  Label" (check),
 * "(*) k  Label" (radio) or "k  Label" (menu), kept in buffers this call
 * owns; a toggle rewrites the mark in place (same length) and re-posts. */
#include "config.h"

#include <menu.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "uw-int.h"

enum kind { K_MENU, K_CHECK, K_RADIO };

struct list {
	ITEM **items;
	char **names;
	MENU *menu;
	WINDOW *sub;
	size_t n;
};

static void
set_mark(struct list *l, size_t i, enum kind kind, int on)
{
	if (kind == K_CHECK)
		l->names[i][1] = on ? 'X' : ' ';
	else if (kind == K_RADIO)
		l->names[i][1] = on ? '*' : ' ';
}

static void
list_free(struct list *l)
{
	if (l->menu != NULL) {
		unpost_menu(l->menu);
		free_menu(l->menu);
	}
	for (size_t i = 0; l->items != NULL && i < l->n; i++)
		if (l->items[i] != NULL)
			free_item(l->items[i]);
	for (size_t i = 0; l->names != NULL && i < l->n; i++)
		free(l->names[i]);
	free(l->items);
	free(l->names);
	if (l->sub != NULL)
		delwin(l->sub);
}

static int
list_new(struct list *l, const struct uw_item *items, size_t n, const int *on,
    enum kind kind)
{
	memset(l, 0, sizeof(*l));
	l->n = n;
	l->items = calloc(n + 1, sizeof(*l->items));
	l->names = calloc(n, sizeof(*l->names));
	if (l->items == NULL || l->names == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *mark = kind == K_CHECK ? "[ ] " :
		    kind == K_RADIO ? "( ) " : "";
		/* The menu library does not post an item wider than its
		 * window (the widest box's, at the design size): a longer
		 * label (a log's name) is cut with an ellipsis. */
		int room = UW_MIN_COLS - 4 - 4 - (int)strlen(mark) - 3, ew;
		const char *ell = uw__ellipsis_mb(&ew);
		size_t keep = strlen(items[i].label), len;

		if ((int)uw_text_width(items[i].label) > room) {
			keep = uw_text_fit(items[i].label, (size_t)(room - ew));
		} else
			ell = "";
		len = keep + strlen(ell) + 16;
		if ((l->names[i] = malloc(len)) == NULL)
			return -1;
		snprintf(l->names[i], len, "%s%c  %.*s%s", mark,
		    items[i].key ? items[i].key : ' ', (int)keep, items[i].label,
		    ell);
		if (kind != K_MENU)
			set_mark(l, i, kind, on[i]);
		if ((l->items[i] = new_item(l->names[i], "")) == NULL)
			return -1;
	}
	if ((l->menu = new_menu(l->items)) == NULL)
		return -1;
	menu_opts_off(l->menu, O_SHOWDESC);
	set_menu_mark(l->menu, "");
	set_menu_fore(l->menu, A_REVERSE);
	set_menu_back(l->menu, A_NORMAL);
	set_menu_grey(l->menu, A_NORMAL);
	return 0;
}

static int
list(const char *title, const char *text, const struct uw_item *items,
    size_t n, size_t *sel, int *on, enum kind kind)
{
	/* TRANSLATORS: buttons.  A button's shortcut is its first letter, or
	 * the ASCII letter in trailing parentheses ("はい(Y)"); the buttons of
	 * one box need different shortcuts (po.sh checks Yes/No, OK/Cancel,
	 * OK/Back). */
	const char *labels[2] = { _("OK"),
	    kind == K_MENU ? _("Back") : _("Cancel") };
	struct uw_frame f = { 0 };
	struct list l;
	size_t cur = *sel < n ? *sel : 0;
	int focus = 0;		/* 0 list, 1 OK, 2 Back/Cancel */
	/* Below the list: a blank row, the buttons and the border; a menu
	 * has no buttons (Enter on an item is its OK, Esc its Back, and the
	 * status line says so): two rows of border that cost a serial
	 * console ~80 bytes a frame on a VT100 and say nothing new. */
	int nbuttons = kind == K_MENU ? 0 : 2, foot = kind == K_MENU ? 1 : 3;
	int rc = UW_ERROR;

	if (list_new(&l, items, n, on, kind) == -1)
		goto out;
	for (;;) {
		int iw = 0, tw = text != NULL ? (int)uw_text_width(text) : 0;
		int w, h, rows, vis, cy, cx, y0;

		for (size_t i = 0; i < n; i++)
			if ((int)uw_text_width(l.names[i]) > iw)
				iw = (int)uw_text_width(l.names[i]);
		w = iw + 8;
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
		h = 1 + rows + (rows ? 1 : 0) + vis + foot;
		if (h > LINES - 2) {
			vis -= h - (LINES - 2);
			if (vis < 3) {
				rows -= 3 - vis;
				vis = 3;
			}
			h = 1 + rows + (rows ? 1 : 0) + vis + foot;
		}
		/* The subwindow goes first: a window with one cannot be
		 * deleted, and the frame may replace its window. */
		unpost_menu(l.menu);
		if (l.sub != NULL)
			delwin(l.sub);
		l.sub = NULL;
		if (uw__frame(&f, h, w, title) == -1)
			break;
		if (rows > 0)
			uw__put_wrapped(f.win, 1, 2, text, f.w - 4, rows);
		y0 = 1 + rows + (rows ? 1 : 0);
		l.sub = derwin(f.win, vis, f.w - 4, y0, 2);
		if (l.sub == NULL)
			break;
		set_menu_win(l.menu, f.win);
		set_menu_sub(l.menu, l.sub);
		set_menu_format(l.menu, vis, 1);
		set_menu_fore(l.menu, focus == 0 ? A_REVERSE : A_NORMAL);
		if (post_menu(l.menu) != E_OK)
			break;
		set_current_item(l.menu, l.items[cur]);
		if (top_row(l.menu) > 0)
			mvwaddch(f.win, y0, f.w - 1, ACS_UARROW);
		if (top_row(l.menu) + vis < (int)n)
			mvwaddch(f.win, y0 + vis - 1, f.w - 1, ACS_DARROW);
		cy = y0 + (int)cur - top_row(l.menu);
		cx = 2;
		int bx = nbuttons > 0 ?
		    uw__buttons(&f, f.h - 2, labels, nbuttons, focus - 1) : -1;
		if (focus > 0) {
			cy = f.h - 2;
			cx = bx;
		}
		wmove(f.win, cy, cx);
		/* Two rows for the help when the centred box ends above them. */
		uw__hint(focus == 0 ? items[cur].help : NULL,
		    getbegy(f.win) + f.h <= LINES - 3 ? 2 : 1);
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
			focus = (focus + 1) % (nbuttons + 1);
			continue;
		}
		if (k.is_key && k.ch == KEY_BTAB) {
			focus = (focus + nbuttons) % (nbuttons + 1);
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
			if (kind == K_RADIO)
				for (size_t i = 0; i < n; i++)
					on[i] = i == cur;
			rc = UW_OK;
			break;
		}
		if (k.is_key) {
			int req = 0;

			switch (k.ch) {
			case KEY_UP: req = REQ_UP_ITEM; break;
			case KEY_DOWN: req = REQ_DOWN_ITEM; break;
			case KEY_HOME: req = REQ_FIRST_ITEM; break;
			case KEY_END: req = REQ_LAST_ITEM; break;
			case KEY_PPAGE: req = REQ_SCR_UPAGE; break;
			case KEY_NPAGE: req = REQ_SCR_DPAGE; break;
			case KEY_RIGHT: focus = nbuttons > 0; break;
			default: break;
			}
			if (req != 0) {
				menu_driver(l.menu, req);
				cur = (size_t)item_index(current_item(l.menu));
			}
			continue;
		}
		if (k.ch == L' ' && kind != K_MENU) {
			for (size_t i = 0; i < n; i++) {
				if (kind == K_RADIO)
					on[i] = i == cur;
				else if (i == cur)
					on[i] = !on[i];
				set_mark(&l, i, kind, on[i]);
			}
			continue;
		}
		for (size_t i = 0; i < n; i++)
			if (items[i].key && uw__lower(k.ch) ==
			    uw__lower((wint_t)(unsigned char)items[i].key)) {
				cur = i;
				if (kind == K_MENU) {
					rc = UW_OK;
					goto out;
				}
				break;
			}
	}
out:
	*sel = cur;
	uw__hint(NULL, 1);
	list_free(&l);
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
	return list(title, text, items, nitems, sel, NULL, K_MENU);
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
	return list(title, text, items, nitems, &sel, on, radio ? K_RADIO : K_CHECK);
}
