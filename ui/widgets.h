/* widgets.h - the dialog-like widget set the screens are written against.
 * One call per box; the call returns the user's choice.  No curses type
 * leaks out of this header: screens never touch ncurses.
 *
 * Every box:
 *  - lays itself out by display width (wcwidth), wraps text on word
 *    boundaries, and re-lays out on resize without losing typed input;
 *  - accepts Tab/Shift-Tab, arrows, Enter, Esc (back), F1 or '?' (help, when
 *    no text field has the focus), Ctrl-L (redraw), and a letter for every
 *    button (the first letter of its translated label);
 *  - on a terminal without curses support (TERM unset or dumb) falls back to
 *    plain numbered prompts, line by line.
 *
 * Strings passed in are borrowed for the duration of the call; nothing here
 * keeps a pointer after returning. */
#ifndef CW_UI_WIDGETS_H
#define CW_UI_WIDGETS_H

#include <stddef.h>

struct cw_secret;

/* What a box returns. */
enum uw_result {
	UW_OK = 0,		/* OK / Yes / the selection */
	UW_NO = 1,		/* No (yes/no box only) */
	UW_BACK = 2,		/* Esc, Cancel, Back */
	UW_QUIT = 3,		/* SIGHUP, SIGTERM or Ctrl-C: unwind and exit */
	UW_ERROR = -1		/* out of memory or no terminal */
};

/* ---- session ---- */

/* Starts the UI on stdin/stdout: curses, or plain mode when the terminal
 * cannot do curses.  Installs the SIGHUP/SIGTERM/SIGINT/SIGWINCH handlers
 * (with SA_RESTART, so a backend system call is never aborted by them).
 * Returns 0 or -1. */
int uw_begin(void);
/* Restores the terminal.  Safe to call twice. */
void uw_end(void);
/* 1 in plain line-by-line mode. */
int uw_plain(void);
/* The signal that asked us to quit (SIGHUP, SIGTERM, SIGINT), 0 if none. */
int uw_quit_signal(void);
/* The line at the top of the screen (NULL: none). */
void uw_backtitle(const char *text);
/* The status/help line at the bottom (NULL: none). */
void uw_status(const char *text);
/* The text F1 shows for the boxes that follow (NULL: a generic key help). */
void uw_help(const char *text);
/* Marks backend work in progress: Ctrl-C then asks before quitting. */
void uw_busy(int busy);

/* ---- boxes ---- */

/* A message and an OK button.  UW_OK, UW_BACK or UW_QUIT. */
int uw_msgbox(const char *title, const char *text);

/* A question.  UW_OK (yes), UW_NO, UW_BACK or UW_QUIT. */
int uw_yesno(const char *title, const char *text, int default_no);

/* A field's validation: 0 when value is acceptable, else -1 with a
 * translated message in msg (shown inline under the field). */
typedef int uw_validate_fn(const char *value, char *msg, size_t msglen,
    void *ctx);

enum uw_field_flags {
	UW_FIELD_MASKED = 1 << 0,	/* shows '*', value goes to .secret */
	UW_FIELD_OPTIONAL = 1 << 1,	/* may be left empty */
};

struct uw_field {
	const char *label;		/* translated */
	char *buf;			/* in: initial value, out: UTF-8 value */
	size_t cap;			/* bytes in buf, NUL included */
	struct cw_secret *secret;	/* UW_FIELD_MASKED: receives the value */
	unsigned flags;
	uw_validate_fn *validate;	/* NULL: any value */
	void *ctx;
};

/* A form: each field is validated when the user leaves it and all again on
 * OK; an invalid field keeps the focus and shows its message inline.
 * UW_OK (all fields valid and stored), UW_BACK or UW_QUIT. */
int uw_form(const char *title, const char *text, struct uw_field *fields,
    size_t nfields);

/* One text field (a form of one).  flags as for uw_field. */
int uw_input(const char *title, const char *prompt, char *buf, size_t cap,
    unsigned flags, uw_validate_fn *validate, void *ctx);

/* A masked field whose value goes to secret (cleared first); the clear text
 * is never drawn, and the edit buffer is wiped before returning. */
int uw_password(const char *title, const char *prompt,
    struct cw_secret *secret);

struct uw_item {
	char key;			/* shortcut letter or digit, 0: none */
	const char *label;		/* translated */
	const char *help;		/* shown on the status line, may be NULL */
};

/* A menu; *sel is the initial and the chosen index.  UW_OK, UW_BACK,
 * UW_QUIT. */
int uw_menu(const char *title, const char *text, const struct uw_item *items,
    size_t nitems, size_t *sel);

/* A check list (radio = 0) or radio list (radio = 1); on[i] is the state
 * of item i, in and out.  Space toggles.  UW_OK, UW_BACK, UW_QUIT. */
int uw_checklist(const char *title, const char *text,
    const struct uw_item *items, size_t nitems, int *on, int radio);

/* A scrollable text (logs, journals, help).  UW_BACK or UW_QUIT. */
int uw_textview(const char *title, const char *text);

/* The same with a button for an action before Close: UW_OK when it was
 * chosen (its shortcut, or Tab to it and Enter), else as uw_textview. */
int uw_textview_action(const char *title, const char *text, const char *action);

/* ---- progress ---- */

struct uw_gauge;

/* Opens a gauge box.  Returns NULL when out of memory. */
struct uw_gauge *uw_gauge_open(const char *title);

/* Progress callback with the signature of cw_flow_progress_fn (flow.h):
 * pass the gauge as ctx.  Redraws, reads pending keys without waiting, and
 * returns nonzero when the user pressed Cancel (c, Esc) or Ctrl-C and
 * confirmed, or a quit signal arrived. */
int uw_gauge_update(void *gauge, size_t step, size_t nsteps,
    double fraction, const char *label);

/* 1 if the user cancelled (or a quit signal came) while the gauge was up. */
int uw_gauge_cancelled(const struct uw_gauge *g);

/* The question Cancel asks, for work that is not a journaled flow (the
 * default speaks of the journal).  NULL or "": the default. */
void uw_gauge_question(struct uw_gauge *g, const char *text);

/* Closes the box.  NULL is a no-op. */
void uw_gauge_close(struct uw_gauge *g);

/* ---- text helpers (no terminal needed) ---- */

/* Display width of a UTF-8 string in columns (wcswidth of its characters;
 * an invalid byte counts 1). */
size_t uw_text_width(const char *s);

/* The bytes of the longest start of s that fits in width columns (whole
 * characters only). */
size_t uw_text_fit(const char *s, size_t width);

/* Wraps s to lines of at most width columns, breaking at spaces, or between
 * any two characters of a word longer than the line or in a script without
 * spaces (Japanese).  Honours '\n'.  Returns the number of lines; when
 * spans is not NULL fills up to max lines with offsets into s:
 * spans[i*2] = start, spans[i*2+1] = length in bytes. */
size_t uw_text_wrap(const char *s, size_t width, size_t *spans, size_t max);

/* The same with a hanging indent, as the boxes draw text: the continuation
 * lines of a line that starts with blanks or a list marker ("- ", "* ",
 * "2. ") start under its text (when that is at most half the width), so
 * a wrapped list item stays readable.  Three entries per line:
 * spans[i*3] = start, spans[i*3+1] = length, spans[i*3+2] = columns to
 * indent the line by (included in width). */
size_t uw_text_wrap_hang(const char *s, size_t width, size_t *spans,
    size_t max);

#endif
