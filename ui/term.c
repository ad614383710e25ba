/* term.c - the terminal session under the widgets: start and stop curses,
 * the size of a serial console, signals, keys, the background (backtitle
 * and status line), and the box frame every widget draws in.
 *
 * Signals: our handlers are installed before curses starts (so ncurses
 * keeps them) and with SA_RESTART, so that a resize or Ctrl-C never makes a
 * backend system call fail with EINTR.  The handlers only set flags; the
 * key loop polls them every 250 ms. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <termios.h>
#include <time.h>
#include <term.h>
#include <unistd.h>
#include <wctype.h>

#include "core/i18n.h"
#include "uw-int.h"

static struct {
	int active, plain, colors, busy;
	SCREEN *scr;
	WINDOW *kwin;		/* never drawn: keys are read through it */
	char *backtitle, *status, *help;
	const char *hint;	/* borrowed: the line above the status */
	int hint_rows;		/* rows the hint may wrap to (at least 1) */
	int fast_errs;		/* reads that failed at once in a row */
	struct sigaction old[4];
} S;

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static volatile sig_atomic_t quit_sig, intr_flag, winch_flag;
static const int sigs[4] = { SIGHUP, SIGTERM, SIGINT, SIGWINCH };

static void
on_signal(int sig)
{
	if (sig == SIGWINCH)
		winch_flag = 1;
	else if (sig == SIGINT)
		intr_flag = 1;
	else
		quit_sig = sig;
}

int
uw_quit_signal(void)
{
	return quit_sig;
}

void
uw__set_quit(int sig)
{
	quit_sig = sig;
}

int
uw_plain(void)
{
	return S.plain;
}

int
uw__colors(void)
{
	return S.colors;
}

int
uw__busy(void)
{
	return S.busy;
}

void
uw_busy(int busy)
{
	S.busy = busy;
}

static void
replace(char **slot, const char *text)
{
	free(*slot);
	*slot = text != NULL ? strdup(text) : NULL;
}

void
uw_backtitle(const char *text)
{
	replace(&S.backtitle, text);
	if (S.active && !S.plain)
		uw__draw_bg();
}

void
uw_status(const char *text)
{
	replace(&S.status, text);
	if (S.active && !S.plain)
		uw__draw_bg();
}

void
uw_help(const char *text)
{
	replace(&S.help, text);
}

/* Asks the terminal where the cursor lands after moving to 999;999: the
 * size of a serial console, which has no TIOCGWINSZ.  0 or -1. */
static int
query_size(int *rows, int *cols)
{
	static const char q[] = "\0337\033[999;999H\033[6n\0338";
	struct termios old, raw;
	char buf[32];
	size_t n = 0;
	int rc = -1;

	if (tcgetattr(STDIN_FILENO, &old) == -1)
		return -1;
	raw = old;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == -1)
		return -1;
	if (write(STDOUT_FILENO, q, sizeof(q) - 1) != (ssize_t)(sizeof(q) - 1))
		goto out;
	while (n < sizeof(buf) - 1) {
		struct timeval tv = { 0, 300000 };
		fd_set fds;
		ssize_t r;

		FD_ZERO(&fds);
		FD_SET(STDIN_FILENO, &fds);
		if (select(STDIN_FILENO + 1, &fds, NULL, NULL, &tv) <= 0)
			break;
		r = read(STDIN_FILENO, buf + n, 1);
		if (r <= 0)
			break;
		if (buf[n++] == 'R')
			break;
	}
	buf[n] = '\0';
	{
		const char *p = strchr(buf, '[');

		if (p != NULL && sscanf(p, "[%d;%dR", rows, cols) == 2 &&
		    *rows > 0 && *cols > 0)
			rc = 0;
	}
out:
	tcsetattr(STDIN_FILENO, TCSANOW, &old);
	return rc;
}

/* The size before curses starts: TIOCGWINSZ, else the cursor query, else
 * the terminfo entry, else 80x24.  Passed to ncurses through LINES and
 * COLUMNS only when the kernel does not know it. */
static void
settle_size(void)
{
	struct winsize ws;
	int rows = 0, cols = 0;
	char num[16];

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		return;
	if (getenv("LINES") != NULL && getenv("COLUMNS") != NULL)
		return;
	if (query_size(&rows, &cols) == -1) {
		rows = 24;
		cols = 80;
	}
	snprintf(num, sizeof(num), "%d", rows);
	setenv("LINES", num, 1);
	snprintf(num, sizeof(num), "%d", cols);
	setenv("COLUMNS", num, 1);
}

static int
want_plain(void)
{
	const char *t = getenv("TERM");

	return t == NULL || *t == '\0' || strcmp(t, "dumb") == 0 ||
	    !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO);
}

/* Plain mode blocks in fgets(): there the quit signals must interrupt the
 * read (no SA_RESTART) or SIGTERM would wait for the next Enter. */
static void
plain_signals(void)
{
	struct sigaction sa;

	S.plain = 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, NULL);
}

int
uw_begin(void)
{
	struct sigaction sa;
	const char *nc;

	if (S.active)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &S.old[i]);
	S.active = 1;
	if (want_plain()) {
		plain_signals();
		return 0;
	}
	settle_size();
	if (S.scr != NULL) {
		/* Again after uw_end(): curses resumes on the next refresh. */
		set_term(S.scr);
		reset_prog_mode();
	} else if ((S.scr = newterm(NULL, stdout, stdin)) == NULL) {
		plain_signals();
		return 0;
	}
	set_term(S.scr);
	/* A printing terminal or one without cursor addressing: plain. */
	if (tigetflag("hc") > 0 || tigetstr("cup") == NULL ||
	    tigetstr("cup") == (char *)-1) {
		endwin();
		delscreen(S.scr);
		S.scr = NULL;
		plain_signals();
		return 0;
	}
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(100);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	nc = getenv("NO_COLOR");
	if ((nc == NULL || *nc == '\0') && has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_RED, -1);
		S.colors = 1;
	}
	S.kwin = newwin(1, 1, 0, 0);
	if (S.kwin == NULL) {
		uw_end();
		return -1;
	}
	keypad(S.kwin, TRUE);
	untouchwin(S.kwin);
	uw__draw_bg();
	return 0;
}

void
uw_end(void)
{
	if (!S.active)
		return;
	if (S.scr != NULL) {
		if (S.kwin != NULL)
			delwin(S.kwin);
		S.kwin = NULL;
		endwin();
		/* No delscreen(): libpanelw frees its stdscr pseudo panel only
		 * through a hook that builds without NO_LEAKS (Debian's) never
		 * set, so deleting the screen would lose that pointer.  The
		 * screen stays reachable here and is reused by uw_begin(). */
	}
	for (int i = 0; i < 4; i++)
		sigaction(sigs[i], &S.old[i], NULL);
	replace(&S.backtitle, NULL);
	replace(&S.status, NULL);
	replace(&S.help, NULL);
	S.active = S.plain = S.colors = 0;
}

void
uw__draw_bg(void)
{
	werase(stdscr);
	if (S.backtitle != NULL)
		uw__put_cut(stdscr, 0, 1, S.backtitle, COLS - 2);
	if (S.hint != NULL) {
		/* Wrapped upwards when the box leaves the room (a French
		 * help line), else cut with an ellipsis. */
		int r = uw__rows(S.hint, COLS - 2);

		if (r > S.hint_rows)
			r = S.hint_rows;
		if (r <= 1)
			uw__put_cut(stdscr, LINES - 2, 1, S.hint, COLS - 2);
		else
			uw__put_wrapped(stdscr, LINES - 1 - r, 1, S.hint,
			    COLS - 2, r);
	}
	if (S.status != NULL)
		uw__put_cut(stdscr, LINES - 1, 1, S.status, COLS - 2);
}

void
uw__hint(const char *text, int rows)
{
	if (text == S.hint && rows == S.hint_rows)
		return;
	S.hint = text;
	S.hint_rows = rows > 0 ? rows : 1;
	uw__draw_bg();
}

void
uw__flush(void)
{
	update_panels();
	doupdate();
}

static void
apply_size(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	uw__draw_bg();
}

/* While the terminal is below the design size, a note replaces the boxes.
 * Returns 0 once it fits, -1 when a quit signal came. */
static int
fit(void)
{
	WINDOW *w = NULL;
	PANEL *p = NULL;
	int rc = 0;

	while (LINES < UW_MIN_LINES || COLS < UW_MIN_COLS) {
		char msg[256];
		wint_t wc;

		if (w == NULL) {
			w = newwin(0, 0, 0, 0);
			if (w == NULL)
				return -1;
			p = new_panel(w);
		} else {
			wresize(w, LINES, COLS);
			replace_panel(p, w);
		}
		werase(w);
		snprintf(msg, sizeof(msg),
		    /* TRANSLATORS: terminal size, columns x lines. */
		    _("The terminal is too small: %dx%d. certwiz needs at least %dx%d. Enlarge the window (on a serial console, set the size with stty and press Ctrl-L)."),
		    COLS, LINES, UW_MIN_COLS, UW_MIN_LINES);
		uw__put_wrapped(w, 0, 0, msg, COLS > 1 ? COLS - 1 : 1, LINES);
		uw__flush();
		for (;;) {
			if (quit_sig || intr_flag) {
				if (intr_flag && !quit_sig)
					quit_sig = SIGINT;
				rc = -1;
				goto out;
			}
			if (winch_flag) {
				winch_flag = 0;
				apply_size();
				break;
			}
			wtimeout(S.kwin, 250);
			int r = wget_wch(S.kwin, &wc);
			if (r == KEY_CODE_YES && wc == KEY_RESIZE)
				break;
			if (r == OK && wc == 12) {
				apply_size();
				break;
			}
		}
	}
out:
	if (p != NULL)
		del_panel(p);
	if (w != NULL) {
		delwin(w);
		touchwin(stdscr);
	}
	return rc;
}

struct uw_key
uw__key(int wait_ms)
{
	struct uw_key k = { 0, 0, 0 };
	wint_t wc;
	int r;

	if (LINES < UW_MIN_LINES || COLS < UW_MIN_COLS) {
		k.kind = fit() == 0 ? UWK_RESIZE : UWK_QUIT;
		return k;
	}
	for (;;) {
		if (quit_sig) {
			k.kind = UWK_QUIT;
			return k;
		}
		if (intr_flag) {
			intr_flag = 0;
			if (S.busy) {
				k.kind = UWK_INTR;
				return k;
			}
			quit_sig = SIGINT;
			continue;
		}
		if (winch_flag) {
			winch_flag = 0;
			S.fast_errs = 0;
			apply_size();
			k.kind = fit() == 0 ? UWK_RESIZE : UWK_QUIT;
			return k;
		}
		wtimeout(S.kwin, wait_ms < 0 || wait_ms > 250 ? 250 : wait_ms);
		long t0 = now_ms();
		errno = 0;
		r = wget_wch(S.kwin, &wc);
		if (r == ERR) {
			if (wait_ms >= 0) {
				k.kind = UWK_TIMEOUT;
				return k;
			}
			/* A read that fails at once, again and again, is a
			 * terminal that went away (EOF, EIO) before or without
			 * its SIGHUP: treat it as one rather than spin. */
			if (errno != EINTR && !winch_flag && now_ms() - t0 < 20) {
				if (++S.fast_errs >= 50)
					quit_sig = SIGHUP;
			} else
				S.fast_errs = 0;
			continue;
		}
		S.fast_errs = 0;
		if (r == KEY_CODE_YES) {
			if (wc == KEY_RESIZE) {
				uw__draw_bg();
				k.kind = fit() == 0 ? UWK_RESIZE : UWK_QUIT;
				return k;
			}
			if (wc == KEY_F(1)) {
				k.kind = UWK_HELP;
				return k;
			}
			k.is_key = 1;
			k.ch = wc;
			return k;
		}
		if (wc == 12) {		/* Ctrl-L: a serial console's resize */
			apply_size();
			if (fit() == -1) {
				k.kind = UWK_QUIT;
				return k;
			}
			clearok(curscr, TRUE);
			uw__flush();
			k.kind = UWK_RESIZE;
			return k;
		}
		k.ch = wc;
		return k;
	}
}

int
uw__confirm_quit(void)
{
	int r;

	if (!S.busy)
		return 1;
	/* Asked with busy cleared so that a second Ctrl-C quits. */
	S.busy = 0;
	r = uw_yesno(_("Stop?"),
	    _("Work is in progress. Stop after the current step? The journal keeps the run: the next start of certwiz offers to resume it."),
	    1);
	S.busy = 1;
	if (r == UW_QUIT)
		return 1;
	return r == UW_OK;
}

int
uw__show_help(void)
{
	const char *generic = _("Keys:\n"
	    "  Tab, Shift-Tab   next, previous field or button\n"
	    "  Arrows           move; Left/Right inside a field\n"
	    "  Enter            confirm\n"
	    "  Esc              back (cancel this box)\n"
	    "  Space            toggle an item in a check list\n"
	    "  letter           the button or item with that letter\n"
	    "  F1 or ?          this help (? when no field is being typed in)\n"
	    "  Ctrl-L           redraw the screen (after a serial console resize)\n"
	    "  Ctrl-C           quit (asks first while work is in progress)");
	char *copy = S.help != NULL ? strdup(S.help) : NULL;
	int r;

	r = uw_textview(_("Help"), copy != NULL ? copy : generic);
	free(copy);
	return r;
}

/* ---- frames, buttons, text ---- */

int
uw__frame(struct uw_frame *f, int h, int w, const char *title)
{
	int y, x;

	if (h > LINES - 2)
		h = LINES - 2;
	if (w > COLS - 2)
		w = COLS - 2;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	if (f->win != NULL && (f->h != h || f->w != w)) {
		WINDOW *nw = newwin(h, w, y, x);

		if (nw == NULL)
			return -1;
		replace_panel(f->pan, nw);
		delwin(f->win);
		f->win = nw;
	} else if (f->win == NULL) {
		f->win = newwin(h, w, y, x);
		if (f->win == NULL)
			return -1;
		f->pan = new_panel(f->win);
		if (f->pan == NULL) {
			delwin(f->win);
			f->win = NULL;
			return -1;
		}
	}
	move_panel(f->pan, y, x);
	top_panel(f->pan);
	f->h = h;
	f->w = w;
	werase(f->win);
	box(f->win, 0, 0);
	if (title != NULL && *title) {
		/* "┌─ Title ─┐": a title wider than that is cut with an
		 * ellipsis, never into the corner. */
		mvwaddch(f->win, 0, 2, ' ');
		uw__put_cut(f->win, 0, 3, title, w - 6);
		waddch(f->win, ' ');
	}
	return 0;
}

void
uw__frame_free(struct uw_frame *f)
{
	if (f->pan != NULL)
		del_panel(f->pan);
	if (f->win != NULL)
		delwin(f->win);
	f->pan = NULL;
	f->win = NULL;
}

wint_t
uw__lower(wint_t c)
{
	return towlower(c);
}

/* A button's shortcut: the letter in a trailing "(X)" when there is one
 * (Japanese labels such as "はい(Y)", typable on any console), else the
 * first character of the label. */
wint_t
uw__hotkey(const char *label)
{
	size_t len = strlen(label);
	wchar_t wc;
	mbstate_t st;

	if (len >= 3 && label[len - 1] == ')' && label[len - 3] == '(' &&
	    (unsigned char)label[len - 2] < 128 && isalnum((unsigned char)label[len - 2]))
		return towlower((wint_t)(unsigned char)label[len - 2]);
	memset(&st, 0, sizeof(st));
	if (mbrtowc(&wc, label, len, &st) > (size_t)-3)
		return 0;
	return towlower((wint_t)wc);
}

/* The columns a row of n buttons takes: "< A >   < B >", or with gaps of
 * one column when that does not fit in room. */
static int
buttons_width(const int *lw, int n, int gap)
{
	int total = 0;

	for (int i = 0; i < n; i++)
		total += lw[i] + 4 + (i > 0 ? gap : 0);
	return total;
}

#define UW_MAX_BUTTONS 8

int
uw__buttons(struct uw_frame *f, int y, const char *const *labels, int n,
    int focus)
{
	int lw[UW_MAX_BUTTONS], room = f->w - 2, gap = 3, x, cx = -1;

	if (n > UW_MAX_BUTTONS)
		n = UW_MAX_BUTTONS;
	for (int i = 0; i < n; i++)
		lw[i] = (int)uw_text_width(labels[i]);
	/* Too wide for the box (the boxes are sized for their buttons, so
	 * only on a box at its widest): closer together, then the longest
	 * label cut with an ellipsis until the row fits.  Never past the
	 * border: a curses line that runs over wraps into the next row. */
	if (buttons_width(lw, n, gap) > room)
		gap = 1;
	while (buttons_width(lw, n, gap) > room) {
		int m = 0;

		for (int i = 1; i < n; i++)
			if (lw[i] > lw[m])
				m = i;
		if (lw[m] <= 1)
			break;
		lw[m]--;
	}
	x = 1 + (room - buttons_width(lw, n, gap)) / 2;
	if (x < 1)
		x = 1;
	for (int i = 0; i < n; i++) {
		if (i > 0)
			x += gap;
		if (i == focus)
			wattron(f->win, A_REVERSE);
		mvwaddstr(f->win, y, x, "< ");
		uw__put_cut(f->win, y, x + 2, labels[i], lw[i]);
		waddstr(f->win, " >");
		if (i == focus) {
			wattroff(f->win, A_REVERSE);
			cx = x + 2;
		}
		x += lw[i] + 4;
	}
	return cx;
}

int
uw__put(WINDOW *w, int y, int x, const char *s, size_t len, int maxw)
{
	mbstate_t st;
	int cols = 0;
	size_t off = 0;

	memset(&st, 0, sizeof(st));
	wmove(w, y, x);
	while (off < len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + off, len - off, &st);
		int cw;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof(st));
			wc = L'?';
			n = 1;
		}
		cw = wcwidth(wc);
		if (cw < 0) {
			wc = L' ';
			cw = 1;
		}
		if (cols + cw > maxw)
			break;
		waddnwstr(w, &wc, 1);
		cols += cw;
		off += n;
	}
	return cols;
}

/* The ellipsis of this locale: "…" where the charset has it, else "...". */
static const wchar_t *
ellipsis(int *cols)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;

	memset(&st, 0, sizeof(st));
	if (wcrtomb(mb, L'\u2026', &st) != (size_t)-1 && wcwidth(L'\u2026') == 1) {
		*cols = 1;
		return L"\u2026";
	}
	*cols = 3;
	return L"...";
}

const char *
uw__ellipsis_mb(int *cols)
{
	static char mb[MB_LEN_MAX + 1];
	mbstate_t st;
	const wchar_t *e = ellipsis(cols);
	size_t n;

	memset(&st, 0, sizeof(st));
	if (*cols == 1 && (n = wcrtomb(mb, e[0], &st)) != (size_t)-1) {
		mb[n] = '\0';
		return mb;
	}
	*cols = 3;
	return "...";
}

int
uw__put_cut(WINDOW *w, int y, int x, const char *s, int maxw)
{
	const wchar_t *ell;
	int ew, cols;

	if (maxw <= 0)
		return 0;
	if ((int)uw_text_width(s) <= maxw)
		return uw__put(w, y, x, s, strlen(s), maxw);
	ell = ellipsis(&ew);
	if (ew > maxw)
		return uw__put(w, y, x, s, strlen(s), maxw);
	cols = uw__put(w, y, x, s, strlen(s), maxw - ew);
	/* The ellipsis right after what fits (a wide character that did not
	 * fit leaves a column free). */
	mvwaddwstr(w, y, x + cols, ell);
	return cols + ew;
}

int
uw__rows(const char *s, int width)
{
	return (int)uw_text_wrap_hang(s, width > 0 ? (size_t)width : 1, NULL, 0);
}

/* The wrapped lines of s from first on, at most maxrows of them; with
 * mark_cut, a last row that hides more text ends in an ellipsis. */
static int
put_wrapped(WINDOW *w, int y, int x, const char *s, int width, int first,
    int maxrows, int mark_cut)
{
	size_t n, *ln;
	int rows;

	n = uw_text_wrap_hang(s, width > 0 ? (size_t)width : 1, NULL, 0);
	ln = calloc(n * 3 + 3, sizeof(*ln));
	if (ln == NULL)
		return 0;
	uw_text_wrap_hang(s, width > 0 ? (size_t)width : 1, ln, n);
	if (first < 0 || (size_t)first > n)
		first = (int)n;
	rows = (int)n - first < maxrows ? (int)n - first : maxrows;
	for (int i = 0; i < rows; i++) {
		const size_t *l = &ln[(size_t)(first + i) * 3];
		int room = width - (int)l[2], ew = 0, cols;
		const wchar_t *ell = NULL;

		if (mark_cut && i == rows - 1 && (size_t)(first + rows) < n) {
			ell = ellipsis(&ew);
			if (ew >= room) {
				ell = NULL;
				ew = 0;
			}
		}
		cols = uw__put(w, y + i, x + (int)l[2], s + l[0], l[1], room - ew);
		if (ell != NULL)
			mvwaddwstr(w, y + i, x + (int)l[2] + cols, ell);
	}
	free(ln);
	return rows;
}

int
uw__put_wrapped(WINDOW *w, int y, int x, const char *s, int width,
    int maxrows)
{
	return put_wrapped(w, y, x, s, width, 0, maxrows, 1);
}

int
uw__put_wrapped_from(WINDOW *w, int y, int x, const char *s, int width,
    int first, int maxrows)
{
	return put_wrapped(w, y, x, s, width, first, maxrows, 0);
}

int
uw__common(struct uw_key *k, int qmark_help)
{
	switch (k->kind) {
	case UWK_RESIZE:
	case UWK_TIMEOUT:
		return 1;
	case UWK_QUIT:
		return -1;
	case UWK_INTR:
		if (uw__confirm_quit()) {
			quit_sig = SIGINT;
			return -1;
		}
		return 1;
	case UWK_HELP:
		return uw__show_help() == UW_QUIT ? -1 : 1;
	default:
		break;
	}
	if (qmark_help && !k->is_key && k->ch == L'?')
		return uw__show_help() == UW_QUIT ? -1 : 1;
	return 0;
}
