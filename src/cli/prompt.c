/* prompt.c - CLI prompts on the controlling terminal. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "core/i18n.h"
#include "cli/prompt.h"

static int
open_tty(const char *no_tty_hint, struct cw_error *err)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);

	if (fd == -1) {
		cw_error_set(err, CW_E_USAGE, _("there is no terminal to ask on"));
		if (no_tty_hint != NULL)
			cw_error_hint(err, "%s", no_tty_hint);
	}
	return fd;
}

/* Reads one line into buf (NUL-terminated, newline removed).  Returns the
 * length, or -1 on error/EOF, or -2 when the line was longer than len-1. */
static ssize_t
read_line(int fd, char *buf, size_t len)
{
	size_t used = 0;
	int overflow = 0;
	char c;
	ssize_t n;

	for (;;) {
		n = read(fd, &c, 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if (c == '\n' || c == '\r')
			break;
		if (used + 1 < len)
			buf[used++] = c;
		else
			overflow = 1;
	}
	buf[used] = '\0';
	c = 0;
	return overflow ? -2 : (ssize_t)used;
}

static int
ask_hidden(int fd, const char *prompt, size_t cap, struct cw_secret **out,
    struct cw_error *err)
{
	struct termios old, quiet;
	struct cw_secret *s = NULL;
	char buf[1024];
	ssize_t n;
	int rc = -1, restored = 0;

	*out = NULL;
	if (tcgetattr(fd, &old) == -1) {
		cw_error_set(err, CW_E_USAGE, _("cannot turn off echo on the terminal"));
		return cw_error_detail(err, "%s", strerror(errno));
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (write(fd, prompt, strlen(prompt)) < 0 ||
	    tcsetattr(fd, TCSAFLUSH, &quiet) == -1) {
		cw_error_set(err, CW_E_USAGE, _("cannot turn off echo on the terminal"));
		return -1;
	}
	n = read_line(fd, buf, sizeof(buf) < cap + 1 ? sizeof(buf) : cap + 1);
	tcsetattr(fd, TCSAFLUSH, &old);
	restored = 1;
	if (write(fd, "\n", 1) < 0) {
		/* cosmetic only */
	}
	if (n == -1) {
		cw_error_set(err, CW_E_CANCELLED, _("no answer was given"));
		goto out;
	}
	if (n == -2) {
		cw_error_set(err, CW_E_USAGE, _("the secret is too long (at most %zu bytes)"), cap);
		goto out;
	}
	if ((s = cw_secret_new(cap)) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	if (cw_secret_append(s, buf, (size_t)n, err) == -1)
		goto out;
	cw_secret_trim(s);
	if (cw_secret_len(s) == 0) {
		cw_error_set(err, CW_E_USAGE, _("the answer was empty"));
		goto out;
	}
	*out = s;
	s = NULL;
	rc = 0;
out:
	if (!restored)
		tcsetattr(fd, TCSAFLUSH, &old);
	OPENSSL_cleanse(buf, sizeof(buf));
	cw_secret_free(s);
	return rc;
}

int
cw_prompt_secret(const char *prompt, const char *confirm_prompt, size_t cap,
    const char *no_tty_hint, struct cw_secret **out, struct cw_error *err)
{
	struct cw_secret *a = NULL, *b = NULL;
	int fd, rc = -1;

	*out = NULL;
	if ((fd = open_tty(no_tty_hint, err)) == -1)
		return -1;
	if (ask_hidden(fd, prompt, cap, &a, err) == -1)
		goto out;
	if (confirm_prompt != NULL) {
		if (ask_hidden(fd, confirm_prompt, cap, &b, err) == -1)
			goto out;
		if (!cw_secret_equal(a, b)) {
			cw_error_set(err, CW_E_USAGE, _("the two entries do not match"));
			cw_error_hint(err, _("Nothing was changed; run the command again."));
			goto out;
		}
	}
	*out = a;
	a = NULL;
	rc = 0;
out:
	cw_secret_free(a);
	cw_secret_free(b);
	close(fd);
	return rc;
}

int
cw_prompt_yesno(const char *question, int *yes, struct cw_error *err)
{
	char buf[64];
	/* TRANSLATORS: the answer a user types for "yes" (first letter counts). */
	const char *y = _("y");
	ssize_t n;
	int fd;

	*yes = 0;
	if ((fd = open_tty(NULL, err)) == -1)
		return -1;
	if (write(fd, question, strlen(question)) < 0 ||
	    write(fd, " ", 1) < 0) {
		close(fd);
		return cw_error_set(err, CW_E_USAGE, _("cannot write to the terminal"));
	}
	n = read_line(fd, buf, sizeof(buf));
	close(fd);
	if (n == -1)
		return cw_error_set(err, CW_E_CANCELLED, _("no answer was given"));
	*yes = n > 0 && (buf[0] == y[0] || buf[0] == 'y' || buf[0] == 'Y');
	return 0;
}

int
cw_scp_ask_tty(void *ctx, enum cw_scp_ask what, const char *prompt,
    struct cw_secret **out, struct cw_error *err)
{
	(void)ctx;
	return cw_prompt_secret(prompt, NULL, 1024,
	    what == CW_SCP_ASK_PASSWORD ?
	    _("Give the password with --password-file FILE.") :
	    _("Load the key into ssh-agent, or run certwiz on a terminal."),
	    out, err);
}

int
cw_prompt_line(const char *prompt, char *buf, size_t len, struct cw_error *err)
{
	ssize_t n;
	int fd;

	buf[0] = '\0';
	if ((fd = open_tty(NULL, err)) == -1)
		return -1;
	if (write(fd, prompt, strlen(prompt)) < 0) {
		close(fd);
		return cw_error_set(err, CW_E_USAGE, _("cannot write to the terminal"));
	}
	n = read_line(fd, buf, len);
	close(fd);
	if (n == -1)
		return cw_error_set(err, CW_E_CANCELLED, _("no answer was given"));
	return 0;
}
