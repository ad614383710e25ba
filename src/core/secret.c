/* secret.c - locked, wiped buffers for secrets. */
#include "config.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "core/cfg.h"
#include "core/i18n.h"
#include "core/secret.h"

struct cw_secret {
	char *buf;	/* cap + 1 bytes, mlocked when possible */
	size_t len;
	size_t cap;
	int locked;
};

struct cw_secret *
cw_secret_new(size_t cap)
{
	struct cw_secret *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->buf = calloc(1, cap + 1)) == NULL) {
		free(s);
		return NULL;
	}
	s->cap = cap;
	/* Best effort: an unprivileged process may have a tiny memlock limit. */
	s->locked = mlock(s->buf, cap + 1) == 0;
	return s;
}

void
cw_secret_free(struct cw_secret *s)
{
	if (s == NULL)
		return;
	OPENSSL_cleanse(s->buf, s->cap + 1);
	if (s->locked)
		munlock(s->buf, s->cap + 1);
	free(s->buf);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

int
cw_secret_append(struct cw_secret *s, const void *data, size_t len,
    struct cw_error *err)
{
	if (len > s->cap - s->len)
		return cw_error_set(err, CW_E_USAGE,
		    _("the secret is too long (at most %zu bytes)"), s->cap);
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	s->buf[s->len] = '\0';
	return 0;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

void
cw_secret_trim(struct cw_secret *s)
{
	size_t start = 0, end = s->len;

	while (start < end && is_blank(s->buf[start]))
		start++;
	while (end > start && is_blank(s->buf[end - 1]))
		end--;
	if (start > 0)
		memmove(s->buf, s->buf + start, end - start);
	OPENSSL_cleanse(s->buf + (end - start), s->cap + 1 - (end - start));
	s->len = end - start;
}

void
cw_secret_clear(struct cw_secret *s)
{
	OPENSSL_cleanse(s->buf, s->cap + 1);
	s->len = 0;
}

int
cw_secret_read_file(const char *path, size_t cap, int allow_shared,
    struct cw_secret **out, struct cw_error *err)
{
	struct cw_secret *s = NULL;
	struct stat st;
	char chunk[256];
	ssize_t n;
	int fd = -1, rc = -1, is_stdin = strcmp(path, "-") == 0;

	*out = NULL;
	if (is_stdin)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot open the secret file '%s'"), path);
		cw_error_detail(err, "%s", strerror(errno));
		cw_error_hint(err, _("Check the path, or use '-' to read the secret from standard input."));
		goto out;
	}
	if (!is_stdin && !allow_shared && fstat(fd, &st) == 0 &&
	    S_ISREG(st.st_mode) && (st.st_mode & 077) != 0) {
		cw_error_set(err, CW_E_USAGE,
		    _("the secret file '%s' is readable by other users (mode %04o)"),
		    path, (unsigned)(st.st_mode & 07777));
		cw_error_hint(err, _("Restrict it with 'chmod 600 %s' and try again; nothing was changed."), path);
		goto out;
	}
	/* A key or password another user controls is not ours. */
	if (!is_stdin && fstat(fd, &st) == 0 &&
	    cw_cfg_check_trusted(path, &st, _("the secret file"), err) == -1) {
		if (err != NULL)
			err->code = CW_E_USAGE;	/* as the other secret file checks */
		goto out;
	}
	if ((s = cw_secret_new(cap)) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cw_error_set(err, CW_E_IO, _("cannot read the secret file '%s'"), path);
			cw_error_detail(err, "%s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (cw_secret_append(s, chunk, (size_t)n, err) == -1)
			goto out;
	}
	cw_secret_trim(s);
	if (s->len == 0) {
		cw_error_set(err, CW_E_USAGE, _("the secret file '%s' is empty"), path);
		goto out;
	}
	*out = s;
	s = NULL;
	rc = 0;
out:
	OPENSSL_cleanse(chunk, sizeof(chunk));
	cw_secret_free(s);
	if (fd != -1 && !is_stdin)
		close(fd);
	return rc;
}

const char *
cw_secret_data(const struct cw_secret *s)
{
	return s->buf;
}

size_t
cw_secret_len(const struct cw_secret *s)
{
	return s->len;
}

int
cw_secret_equal(const struct cw_secret *a, const struct cw_secret *b)
{
	if (a->len != b->len)
		return 0;
	return CRYPTO_memcmp(a->buf, b->buf, a->len) == 0;
}

void
cw_secret_harden_process(void)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
#ifndef __SANITIZE_ADDRESS__
	/* LeakSanitizer needs a dumpable process to inspect itself. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}
