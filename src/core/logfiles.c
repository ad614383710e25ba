/* logfiles.c - list and read the flow logs for the wizard. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/logfiles.h"

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
cw_logfiles_free(char **names, size_t n)
{
	if (names == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
cw_logfiles_list(const struct cw_cfg *cfg, char ***names, size_t *n,
    struct cw_error *err)
{
	DIR *d = NULL;
	struct dirent *e;
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	int dfd, rc = -1;

	*names = NULL;
	*n = 0;
	d = opendir(cfg->log_dir);
	if (d == NULL) {
		if (errno == ENOENT)
			return 0;
		cw_error_set(err, CW_E_IO, _("cannot read the log directory '%s'"),
		    cfg->log_dir);
		cw_error_detail(err, "%s", strerror(errno));
		cw_error_hint(err, _("Check log_dir in the [paths] section of the configuration."));
		return -1;
	}
	dfd = dirfd(d);
	while ((e = readdir(d)) != NULL) {
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (cnt == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **nv = realloc(v, ncap * sizeof(*v));

			if (nv == NULL)
				goto nomem;
			v = nv;
			cap = ncap;
		}
		if ((v[cnt] = strdup(e->d_name)) == NULL)
			goto nomem;
		cnt++;
	}
	if (cnt > 0)
		qsort(v, cnt, sizeof(*v), by_name);
	*names = v;
	*n = cnt;
	v = NULL;
	cnt = 0;
	rc = 0;
	goto out;
nomem:
	cw_error_set(err, CW_E_NOMEM, _("out of memory"));
out:
	cw_logfiles_free(v, cnt);
	closedir(d);
	return rc;
}

int
cw_logfiles_read(const struct cw_cfg *cfg, const char *name, char **text,
    struct cw_error *err)
{
	char path[4096], *buf = NULL;
	struct stat st;
	off_t from = 0;
	size_t len, got = 0;
	int fd = -1, rc = -1;

	*text = NULL;
	if (*name == '\0' || name[0] == '.' || strchr(name, '/') != NULL)
		return cw_error_set(err, CW_E_USAGE, _("'%s' is not a log name"), name);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", cfg->log_dir, name) >=
	    sizeof(path))
		return cw_error_set(err, CW_E_IO, _("path too long: '%s'"), cfg->log_dir);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot read the log '%s'"), path);
		cw_error_detail(err, "%s", strerror(errno));
		goto out;
	}
	if (st.st_size > CW_LOGFILES_TAIL)
		from = st.st_size - CW_LOGFILES_TAIL;
	len = (size_t)(st.st_size - from);
	if ((buf = malloc(len + 1)) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	while (got < len) {
		ssize_t r = pread(fd, buf + got, len - got, from + (off_t)got);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			cw_error_set(err, CW_E_IO, _("cannot read the log '%s'"), path);
			cw_error_detail(err, "%s", strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	if (from > 0) {
		/* Start the tail at a whole line. */
		char *nl = memchr(buf, '\n', got);

		if (nl != NULL)
			memmove(buf, nl + 1, got - (size_t)(nl + 1 - buf) + 1);
	}
	*text = buf;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	if (fd != -1)
		close(fd);
	return rc;
}
