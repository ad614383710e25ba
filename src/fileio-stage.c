/* fileio-stage.c - staged (streaming) atomic writes: cw_file_install() for
 * data that does not fit in memory.  Same protocol: temporary in the target
 * directory, fchmod first, fsync, rename, fsync the directory. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "i18n.h"

struct cw_file_stage {
	int fd;
	char path[PATH_MAX];
	char tmp[PATH_MAX];
};

int
cw_file_stage_open(const char *path, mode_t mode, struct cw_file_stage **stp,
    struct cw_error *err)
{
	struct cw_file_stage *st;
	const char *slash = strrchr(path, '/');
	int n;

	*stp = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	st->fd = -1;
	if (slash == NULL)
		n = snprintf(st->tmp, sizeof(st->tmp), ".%s.XXXXXX", path);
	else
		n = snprintf(st->tmp, sizeof(st->tmp), "%.*s/.%s.XXXXXX",
		    (int)(slash - path), path, slash + 1);
	if (n < 0 || (size_t)n >= sizeof(st->tmp) ||
	    (size_t)snprintf(st->path, sizeof(st->path), "%s", path) >= sizeof(st->path)) {
		free(st);
		return cw_error_set(err, CW_E_IO, _("path too long: '%s'"), path);
	}
	if ((st->fd = mkostemp(st->tmp, O_CLOEXEC)) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot create a temporary file beside '%s'"), path);
		cw_error_detail(err, "%s", strerror(errno));
		cw_error_hint(err, _("Check that the directory exists and is writable; '%s' was not changed."), path);
		free(st);
		return -1;
	}
	if (fchmod(st->fd, mode) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot set the mode of '%s'"), st->tmp);
		cw_error_detail(err, "%s", strerror(errno));
		cw_file_stage_free(st);
		return -1;
	}
	*stp = st;
	return 0;
}

int
cw_file_stage_fd(const struct cw_file_stage *st)
{
	return st->fd;
}

int
cw_file_stage_commit(struct cw_file_stage *st, unsigned flags,
    struct cw_error *err)
{
	char prev[PATH_MAX + 8];
	int fd = st->fd;

	st->fd = -1;
	if (fsync(fd) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot flush '%s' to disk"), st->tmp);
		cw_error_detail(err, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	cw_fault_point("fsync");
	if (close(fd) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot write '%s'"), st->tmp);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	if (flags & CW_FILE_KEEP_PREV) {
		snprintf(prev, sizeof(prev), "%s.prev", st->path);
		if ((unlink(prev) == -1 && errno != ENOENT) ||
		    (link(st->path, prev) == -1 && errno != ENOENT)) {
			cw_error_set(err, CW_E_IO, _("cannot keep the previous version as '%s'"), prev);
			return cw_error_detail(err, "%s", strerror(errno));
		}
	}
	if (rename(st->tmp, st->path) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot replace '%s'"), st->path);
		cw_error_detail(err, "%s", strerror(errno));
		return cw_error_hint(err, _("The previous file was left in place."));
	}
	cw_fault_point("rename");
	st->tmp[0] = '\0';
	return cw_file_sync_dir(st->path, 0, err);
}

void
cw_file_stage_free(struct cw_file_stage *st)
{
	if (st == NULL)
		return;
	if (st->fd != -1)
		close(st->fd);
	if (st->tmp[0] != '\0')
		unlink(st->tmp);
	free(st);
}
