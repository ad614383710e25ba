/* plain.c - the widgets on a terminal that cannot do curses (TERM unset or
 * dumb, a printing terminal): numbered prompts, one line at a time, on
 * stdin/stdout.  Masked input turns the terminal's echo off. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/secret.h"
#include "uw-int.h"

/* Reads a line into buf without its newline.  -1 on end of input or a quit
 * signal. */
static int
readline(char *buf, size_t cap, int masked)
{
	struct termios old, quiet;
	int restore = 0, rc = 0;

	fflush(stdout);
	if (masked && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
	}
	if (fgets(buf, (int)cap, stdin) == NULL || uw_quit_signal())
		rc = -1;
	else
		buf[strcspn(buf, "\r\n")] = '\0';
	if (restore) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		putchar('\n');
	}
	return rc;
}

static void
heading(const char *title, const char *text)
{
	if (title != NULL && *title)
		printf("\n== %s ==\n", title);
	if (text != NULL && *text)
		printf("%s\n", text);
}

int
uw__plain_msgbox(const char *title, const char *text)
{
	char line[16];

	heading(title, text);
	printf("%s", _("[Press Enter] "));
	return readline(line, sizeof(line), 0) == -1 ? UW_QUIT : UW_OK;
}

int
uw__plain_yesno(const char *title, const char *text, int default_no)
{
	char line[64];

	heading(title, text);
	for (;;) {
		/* TRANSLATORS: the plain-mode yes/no prompt; y and n are the
		 * first letters of the translated Yes and No. */
		printf("%s", default_no ? _("[y/N] ") : _("[Y/n] "));
		if (readline(line, sizeof(line), 0) == -1)
			return UW_QUIT;
		if (line[0] == '\0')
			return default_no ? UW_NO : UW_OK;
		if (uw__lower((unsigned char)line[0]) == uw__hotkey(_("Yes")))
			return UW_OK;
		if (uw__lower((unsigned char)line[0]) == uw__hotkey(_("No")))
			return UW_NO;
	}
}

int
uw__plain_form(const char *title, const char *text, struct uw_field *fields,
    size_t n)
{
	char line[1024], msg[256];
	int rc = UW_OK;

	heading(title, text);
	printf("%s\n", _("(Enter a single '.' to go back.)"));
	for (size_t i = 0; i < n; i++) {
		struct uw_field *f = &fields[i];
		int masked = (f->flags & UW_FIELD_MASKED) != 0;

		for (;;) {
			printf("%s: ", f->label != NULL ? f->label : _("Value"));
			if (!masked && f->buf != NULL && *f->buf)
				printf("[%s] ", f->buf);
			if (readline(line, sizeof(line), masked) == -1) {
				rc = UW_QUIT;
				goto out;
			}
			if (strcmp(line, ".") == 0) {
				rc = UW_BACK;
				goto out;
			}
			if (line[0] == '\0' && !masked && f->buf != NULL && *f->buf)
				snprintf(line, sizeof(line), "%s", f->buf);
			msg[0] = '\0';
			if (line[0] == '\0' && !(f->flags & UW_FIELD_OPTIONAL))
				snprintf(msg, sizeof(msg), "%s", _("A value is required here."));
			else if (line[0] != '\0' && f->validate != NULL &&
			    f->validate(line, msg, sizeof(msg), f->ctx) != 0 &&
			    msg[0] == '\0')
				snprintf(msg, sizeof(msg), "%s", _("This value is not valid."));
			if (msg[0] == '\0' && masked) {
				cw_secret_clear(f->secret);
				if (cw_secret_append(f->secret, line, strlen(line), NULL) == -1)
					snprintf(msg, sizeof(msg), "%s", _("This value is too long."));
			} else if (msg[0] == '\0' && f->cap > 0)
				snprintf(f->buf, f->cap, "%s", line);
			if (msg[0] == '\0')
				break;
			printf("  %s\n", msg);
		}
	}
out:
	explicit_bzero(line, sizeof(line));
	return rc;
}

int
uw__plain_menu(const char *title, const char *text,
    const struct uw_item *items, size_t n, size_t *sel)
{
	char line[32];

	heading(title, text);
	for (;;) {
		for (size_t i = 0; i < n; i++)
			printf("  %zu) %s\n", i + 1, items[i].label);
		/* TRANSLATORS: plain-mode menu prompt. */
		printf("%s", _("Choice (number, or Enter to go back): "));
		if (readline(line, sizeof(line), 0) == -1)
			return UW_QUIT;
		if (line[0] == '\0')
			return UW_BACK;
		char *end;
		unsigned long v = strtoul(line, &end, 10);
		if (*end == '\0' && v >= 1 && v <= n) {
			*sel = v - 1;
			return UW_OK;
		}
		for (size_t i = 0; i < n; i++)
			if (items[i].key && line[1] == '\0' &&
			    uw__lower((unsigned char)line[0]) ==
			    uw__lower((unsigned char)items[i].key)) {
				*sel = i;
				return UW_OK;
			}
	}
}

int
uw__plain_checklist(const char *title, const char *text,
    const struct uw_item *items, size_t n, int *on, int radio)
{
	char line[32];

	heading(title, text);
	for (;;) {
		for (size_t i = 0; i < n; i++)
			printf("  %zu) %s %s\n", i + 1,
			    radio ? (on[i] ? "(*)" : "( )") : (on[i] ? "[X]" : "[ ]"),
			    items[i].label);
		printf("%s", _("Number to toggle, Enter when done, '.' to go back: "));
		if (readline(line, sizeof(line), 0) == -1)
			return UW_QUIT;
		if (line[0] == '\0')
			return UW_OK;
		if (strcmp(line, ".") == 0)
			return UW_BACK;
		char *end;
		unsigned long v = strtoul(line, &end, 10);
		if (*end != '\0' || v < 1 || v > n)
			continue;
		if (radio)
			for (size_t i = 0; i < n; i++)
				on[i] = i == v - 1;
		else
			on[v - 1] = !on[v - 1];
	}
}

int
uw__plain_textview(const char *title, const char *text)
{
	heading(title, text);
	return uw__plain_msgbox(NULL, NULL) == UW_QUIT ? UW_QUIT : UW_BACK;
}
