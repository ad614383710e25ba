/* wizard.c - the wizard shell: the main menu.  Screens whose backend has
 * not landed say so. */
#include "config.h"

#include <curses.h>
#include <locale.h>
#include <string.h>

#include "../src/cfg.h"
#include "../src/i18n.h"
#include "ui.h"

static const char *const entries[] = {
	N_("Check prerequisites"),
	N_("Configure NTP"),
	N_("Install device certificate (OTP)"),
	N_("Certificate status"),
	N_("Back up SC3"),
	N_("Restore SC3"),
	N_("View logs"),
	N_("Quit"),
};

#define NENTRIES ((int)(sizeof(entries) / sizeof(entries[0])))

static void
draw(int sel, const char *note)
{
	int y0 = 3;

	erase();
	attron(A_BOLD);
	mvaddstr(1, 2, _("certwiz - appliance certificate wizard"));
	attroff(A_BOLD);
	for (int i = 0; i < NENTRIES; i++) {
		if (i == sel)
			attron(A_REVERSE);
		mvprintw(y0 + i, 4, "%d. %s", i + 1, _(entries[i]));
		if (i == sel)
			attroff(A_REVERSE);
	}
	if (note != NULL)
		mvaddstr(y0 + NENTRIES + 1, 4, note);
	mvaddstr(LINES - 1, 0, _("Up/Down: move  Enter: select  Q: quit"));
	refresh();
}

int
ui_wizard_run(const struct cw_cfg *cfg)
{
	const char *note = NULL;
	int sel = 0, ch;

	(void)cfg;
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	for (;;) {
		draw(sel, note);
		ch = getch();
		note = NULL;
		if (ch == KEY_UP || ch == 'k')
			sel = (sel + NENTRIES - 1) % NENTRIES;
		else if (ch == KEY_DOWN || ch == 'j')
			sel = (sel + 1) % NENTRIES;
		else if (ch >= '1' && ch <= '0' + NENTRIES)
			sel = ch - '1';
		else if (ch == 'q' || ch == 'Q' || ((ch == '\n' || ch == KEY_ENTER) && sel == NENTRIES - 1))
			break;
		else if (ch == '\n' || ch == KEY_ENTER)
			note = _("This screen is not available yet in this version.");
	}
	endwin();
	return 0;
}
