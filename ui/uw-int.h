/* uw-int.h - what the widget files share.  Only ui/w-*.c and ui/term.c
 * include this (and with it curses); screens include widgets.h. */
#ifndef CW_UI_UW_INT_H
#define CW_UI_UW_INT_H

#include <curses.h>
#include <panel.h>
#include <stddef.h>
#include <wchar.h>

#include "widgets.h"

/* Design size: below it the boxes are replaced by a "too small" note. */
#define UW_MIN_COLS 80
#define UW_MIN_LINES 24

/* Pseudo keys returned by uw__key() besides curses key codes and
 * characters. */
enum {
	UWK_NONE = 0,
	UWK_RESIZE = -100,	/* size changed: lay out again */
	UWK_QUIT,		/* SIGHUP/SIGTERM (or Ctrl-C when idle) */
	UWK_INTR,		/* Ctrl-C while busy: ask */
	UWK_HELP,		/* F1 */
	UWK_TIMEOUT,		/* nothing within the wait */
};

/* A key: is_key set for a curses KEY_* code, else ch is a character. */
struct uw_key {
	int kind;		/* 0: ch/code valid, else a UWK_* value */
	int is_key;
	wint_t ch;
};

/* Reads a key.  wait_ms < 0 waits for one (polling signals), 0 returns
 * UWK_TIMEOUT at once when none is pending.  Ctrl-L redraws and is not
 * returned; a too-small terminal is handled inside (a note until it grows).
 * F1 comes back as UWK_HELP. */
struct uw_key uw__key(int wait_ms);

/* Repaints the background (backtitle, status line) on stdscr. */
void uw__draw_bg(void);

/* Shows text (a menu item's help) on the line above the status line
 * (NULL: nothing), wrapped upwards on up to rows lines when wider, then
 * cut with an ellipsis.  Borrowed: the caller clears it before text goes
 * away. */
void uw__hint(const char *text, int rows);

/* Shows the panels and flushes: one doupdate per frame. */
void uw__flush(void);

/* Shows the help text (uw_help) in a text view. */
int uw__show_help(void);

/* After Ctrl-C: 1 to stop (and exit), 0 to go on.  Asks only while busy. */
int uw__confirm_quit(void);

/* The keys every box treats alike: resize, quit, Ctrl-C, F1 (and '?' when
 * qmark_help).  Returns -1 to quit, 1 when handled (redraw), 0 when the
 * key is the box's to handle. */
int uw__common(struct uw_key *k, int qmark_help);

int uw__colors(void);
int uw__busy(void);
void uw__set_quit(int sig);

/* ---- a box on its own panel ---- */
struct uw_frame {
	WINDOW *win;
	PANEL *pan;
	int h, w;
};

/* Creates or resizes the box to h x w (clamped to the screen), centred,
 * cleared, with border and title.  Returns 0 or -1. */
int uw__frame(struct uw_frame *f, int h, int w, const char *title);
void uw__frame_free(struct uw_frame *f);

/* Draws buttons centred on row y; focus = index of the focused one or -1.
 * Returns the column of the focused button's first letter (for the cursor). */
int uw__buttons(struct uw_frame *f, int y, const char *const *labels, int n,
    int focus);

/* The lower-case shortcut of a translated button label: its first letter. */
wint_t uw__hotkey(const char *label);

/* Lower-cases an ASCII letter, leaves anything else. */
wint_t uw__lower(wint_t c);

/* Draws at most maxw columns of s (len bytes) at y,x; controls as blanks.
 * Returns the columns drawn. */
int uw__put(WINDOW *w, int y, int x, const char *s, size_t len, int maxw);

/* Draws s in at most maxw columns at y,x; when wider, what fits and an
 * ellipsis ("…", or "..." where the charset has none).  Returns columns. */
int uw__put_cut(WINDOW *w, int y, int x, const char *s, int maxw);
/* That ellipsis as a string in the locale's charset, and its columns. */
const char *uw__ellipsis_mb(int *cols);

/* Draws s wrapped to width at rows y.., at most maxrows (the last one
 * ending in an ellipsis when text is left over); returns rows. */
int uw__put_wrapped(WINDOW *w, int y, int x, const char *s, int width,
    int maxrows);
/* The same from its wrapped line first on, no ellipsis (a scrolled text:
 * the caller shows that there is more). */
int uw__put_wrapped_from(WINDOW *w, int y, int x, const char *s, int width,
    int first, int maxrows);

/* Rows s takes wrapped to width. */
int uw__rows(const char *s, int width);

/* Plain line mode versions (plain.c). */
int uw__plain_msgbox(const char *title, const char *text);
int uw__plain_yesno(const char *title, const char *text, int default_no);
int uw__plain_form(const char *title, const char *text,
    struct uw_field *fields, size_t n);
int uw__plain_menu(const char *title, const char *text,
    const struct uw_item *items, size_t n, size_t *sel);
int uw__plain_checklist(const char *title, const char *text,
    const struct uw_item *items, size_t n, int *on, int radio);
int uw__plain_textview(const char *title, const char *text);

#endif
