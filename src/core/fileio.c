/* fileio.c - atomic installs, directory fsync, bounded reads. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fileio.h"
#include "core/i18n.h"

#ifdef CW_FAULT_INJECTION
void
cw_fault_point(const char *what)
{
	static long count, limit = -1;
	const char *env;

	(void)what;
	if (limit == -1) {
		env = getenv("CERTWIZ_FAULT");
		limit = (env != NULL && strncmp(env, "after:", 6) == 0) ?
		    strtol(env + 6, NULL, 10) : 0;
	}
	if (limit > 0 && ++count == limit)
		kill(getpid(), SIGKILL);
}
#endif

int
cw_file_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
dir_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, len, ".");
	else if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

int
cw_file_sync_dir(const char *path, int is_dir, struct cw_error *err)
{
	char dir[PATH_MAX];
	int fd;

	if (is_dir)
		snprintf(dir, sizeof(dir), "%s", path);
	else
		dir_of(path, dir, sizeof(dir));
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot open directory '%s'"), dir);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	if (fsync(fd) == -1 && errno != EINVAL) {
		cw_error_set(err, CW_E_IO, _("cannot flush directory '%s' to disk"), dir);
		cw_error_detail(err, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	cw_fault_point("fsync-dir");
	return 0;
}

/* Removes ".BASE.XXXXXX" temporaries that an earlier install of the same
 * file left when it was killed between write and rename (they may hold a
 * private key).  Callers hold the state lock, so none is in use. */
static void
remove_stale_temps(const char *dir, const char *base)
{
	size_t bl = strlen(base);
	struct dirent *de;
	char p[PATH_MAX];
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		if (n[0] != '.' || strncmp(n + 1, base, bl) != 0 || n[1 + bl] != '.' ||
		    strlen(n + 2 + bl) != 6 || strspn(n + 2 + bl,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != 6)
			continue;
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, n) < sizeof(p))
			unlink(p);
	}
	closedir(d);
}

int
cw_file_install(const char *path, const void *data, size_t len, mode_t mode,
    unsigned flags, struct cw_error *err)
{
	char dir[PATH_MAX], tmp[PATH_MAX], prev[PATH_MAX];
	const char *base;
	int fd = -1, rc = -1;

	dir_of(path, dir, sizeof(dir));
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, base) >= sizeof(tmp) ||
	    (size_t)snprintf(prev, sizeof(prev), "%s.prev", path) >= sizeof(prev))
		return cw_error_set(err, CW_E_IO, _("path too long: '%s'"), path);

	remove_stale_temps(dir, base);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot create a temporary file in '%s'"), dir);
		cw_error_detail(err, "%s", strerror(errno));
		cw_error_hint(err, _("Check that the directory exists and is writable; '%s' was not changed."), path);
		return -1;
	}
	if (flags & CW_FILE_KEEP_OWNER) {
		struct stat st;

		if (stat(path, &st) == 0 && fchown(fd, st.st_uid, st.st_gid) == -1) {
			cw_error_set(err, CW_E_IO, _("cannot give '%s' the owner of '%s'"), tmp, path);
			cw_error_detail(err, "%s", strerror(errno));
			goto out;
		}
	}
	/* Mode first, so a secret is never readable by others, not even briefly. */
	if (fchmod(fd, mode) == -1 || cw_file_write_all(fd, data, len) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot write '%s'"), tmp);
		cw_error_detail(err, "%s", strerror(errno));
		goto out;
	}
	cw_fault_point("write");
	if (fsync(fd) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot flush '%s' to disk"), tmp);
		cw_error_detail(err, "%s", strerror(errno));
		goto out;
	}
	cw_fault_point("fsync");
	if (close(fd) == -1) {
		fd = -1;
		cw_error_set(err, CW_E_IO, _("cannot write '%s'"), tmp);
		cw_error_detail(err, "%s", strerror(errno));
		goto out;
	}
	fd = -1;
	if (flags & CW_FILE_KEEP_PREV) {
		/* A hard link keeps the old file under .prev while the rename
		 * below replaces the name atomically: there is no moment
		 * without a file at path. */
		if (unlink(prev) == -1 && errno != ENOENT) {
			cw_error_set(err, CW_E_IO, _("cannot remove '%s'"), prev);
			cw_error_detail(err, "%s", strerror(errno));
			goto out;
		}
		if (link(path, prev) == -1 && errno != ENOENT) {
			cw_error_set(err, CW_E_IO, _("cannot keep the previous version as '%s'"), prev);
			cw_error_detail(err, "%s", strerror(errno));
			goto out;
		}
	}
	if (rename(tmp, path) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot replace '%s'"), path);
		cw_error_detail(err, "%s", strerror(errno));
		cw_error_hint(err, _("The previous file was left in place."));
		goto out;
	}
	cw_fault_point("rename");
	tmp[0] = '\0';
	if (cw_file_sync_dir(path, 0, err) == -1)
		goto out;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (rc == -1 && tmp[0] != '\0')
		unlink(tmp);
	return rc;
}

int
cw_file_restore_prev(const char *path, struct cw_error *err)
{
	char prev[PATH_MAX];

	if ((size_t)snprintf(prev, sizeof(prev), "%s.prev", path) >= sizeof(prev))
		return cw_error_set(err, CW_E_IO, _("path too long: '%s'"), path);
	if (rename(prev, path) == -1) {
		if (errno != ENOENT) {
			cw_error_set(err, CW_E_IO, _("cannot put '%s' back over '%s'"), prev, path);
			return cw_error_detail(err, "%s", strerror(errno));
		}
		if (unlink(path) == -1 && errno != ENOENT) {
			cw_error_set(err, CW_E_IO, _("cannot remove '%s'"), path);
			return cw_error_detail(err, "%s", strerror(errno));
		}
	}
	cw_fault_point("restore");
	return cw_file_sync_dir(path, 0, err);
}

int
cw_file_mkdirs(const char *path, mode_t mode, struct cw_error *err)
{
	char buf[PATH_MAX];
	char *p;
	struct stat st;

	if ((size_t)snprintf(buf, sizeof(buf), "%s", path) >= sizeof(buf))
		return cw_error_set(err, CW_E_IO, _("path too long: '%s'"), path);
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char save = *p;
		*p = '\0';
		if (mkdir(buf, mode) == -1 && errno != EEXIST) {
			cw_error_set(err, CW_E_IO, _("cannot create directory '%s'"), buf);
			cw_error_detail(err, "%s", strerror(errno));
			return cw_error_hint(err, _("Check the paths in the [paths] section of the configuration."));
		}
		*p = save;
		if (save == '\0')
			break;
	}
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
		cw_error_set(err, CW_E_IO, _("'%s' is not a directory"), path);
		return cw_error_hint(err, _("Check the paths in the [paths] section of the configuration."));
	}
	return 0;
}

int
cw_file_read(const char *path, size_t cap, char **out, size_t *outlen,
    struct cw_error *err)
{
	char *buf = NULL, *nb;
	size_t used = 0, size;
	struct stat st;
	ssize_t n;
	int fd, rc = -1;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot open '%s'"), path);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	/* Sized by the file, not by the cap (a 64 MiB journal cap must not
	 * cost 64 MiB per small file), grown up to cap + 1 if it grows. */
	size = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size < cap ? (size_t)st.st_size + 1 : cap + 1;
	if ((buf = malloc(size)) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	for (;;) {
		if (used == size) {
			size = size < (cap + 1) / 2 ? size * 2 : cap + 1;
			if ((nb = malloc(size)) == NULL) {
				cw_error_set(err, CW_E_NOMEM, _("out of memory"));
				goto out;
			}
			memcpy(nb, buf, used);
			explicit_bzero(buf, used);
			free(buf);
			buf = nb;
		}
		n = read(fd, buf + used, size - used);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cw_error_set(err, CW_E_IO, _("cannot read '%s'"), path);
			cw_error_detail(err, "%s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > cap) {
			cw_error_set(err, CW_E_IO, _("'%s' is larger than %zu bytes"), path, cap);
			goto out;
		}
	}
	buf[used] = '\0';
	*out = buf;
	buf = NULL;
	if (outlen != NULL)
		*outlen = used;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

/* ---- streaming install ---- */

/* Writeback is started every this many bytes, so that the fsync at commit
 * finds little left to write (a 64 MiB download would otherwise wait for
 * all of it at the end). */
#define STAGE_KICK (8u << 20)

struct cw_file_stage {
	int fd;
	off_t written;
	off_t kicked;
	char path[PATH_MAX];
	char tmp[PATH_MAX];
};

int
cw_file_stage_open(const char *path, mode_t mode, struct cw_file_stage **out,
    struct cw_error *err)
{
	struct cw_file_stage *st;
	char dir[PATH_MAX];
	const char *base;

	*out = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	st->fd = -1;
	dir_of(path, dir, sizeof(dir));
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if ((size_t)snprintf(st->path, sizeof(st->path), "%s", path) >= sizeof(st->path) ||
	    (size_t)snprintf(st->tmp, sizeof(st->tmp), "%s/.%s.XXXXXX", dir, base) >= sizeof(st->tmp)) {
		free(st);
		return cw_error_set(err, CW_E_IO, _("path too long: '%s'"), path);
	}
	if ((st->fd = mkostemp(st->tmp, O_CLOEXEC)) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot create a temporary file in '%s'"), dir);
		cw_error_detail(err, "%s", strerror(errno));
		cw_error_hint(err, _("Check that the directory exists and is writable; '%s' was not changed."), path);
		free(st);
		return -1;
	}
	if (fchmod(st->fd, mode) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot write '%s'"), st->tmp);
		cw_error_detail(err, "%s", strerror(errno));
		cw_file_stage_abort(st);
		return -1;
	}
	*out = st;
	return 0;
}

int
cw_file_stage_write(struct cw_file_stage *st, const void *buf, size_t len,
    struct cw_error *err)
{
	if (cw_file_write_all(st->fd, buf, len) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot write '%s'"), st->tmp);
		cw_error_detail(err, "%s", strerror(errno));
		return cw_error_hint(err, _("'%s' was not changed."), st->path);
	}
	st->written += (off_t)len;
#ifdef SYNC_FILE_RANGE_WRITE
	if (st->written - st->kicked >= (off_t)STAGE_KICK) {
		/* Only a hint: fsync at commit is what guarantees. */
		(void)sync_file_range(st->fd, st->kicked, st->written - st->kicked,
		    SYNC_FILE_RANGE_WRITE);
		st->kicked = st->written;
	}
#endif
	return 0;
}

int
cw_file_stage_pwrite(struct cw_file_stage *st, uint64_t off, const void *buf,
    size_t len, struct cw_error *err)
{
	const char *p = buf;
	ssize_t n;

	if (off > (uint64_t)st->written || len > (uint64_t)st->written - off) {
		cw_error_set(err, CW_E_IO, _("cannot write '%s'"), st->tmp);
		return cw_error_detail(err, "%s", strerror(EINVAL));
	}
	while (len > 0) {
		n = pwrite(st->fd, p, len, (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			cw_error_set(err, CW_E_IO, _("cannot write '%s'"), st->tmp);
			cw_error_detail(err, "%s", strerror(n == 0 ? EIO : errno));
			return cw_error_hint(err, _("'%s' was not changed."), st->path);
		}
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int
cw_file_stage_commit(struct cw_file_stage *st, unsigned flags,
    struct cw_error *err)
{
	char prev[PATH_MAX];
	int rc = -1;

	if ((size_t)snprintf(prev, sizeof(prev), "%s.prev", st->path) >= sizeof(prev)) {
		cw_error_set(err, CW_E_IO, _("path too long: '%s'"), st->path);
		goto out;
	}
	if (!(flags & CW_FILE_NO_SYNC)) {
		if (fsync(st->fd) == -1) {
			cw_error_set(err, CW_E_IO, _("cannot flush '%s' to disk"), st->tmp);
			cw_error_detail(err, "%s", strerror(errno));
			goto out;
		}
		cw_fault_point("fsync");
	}
	if (close(st->fd) == -1) {
		st->fd = -1;
		cw_error_set(err, CW_E_IO, _("cannot write '%s'"), st->tmp);
		cw_error_detail(err, "%s", strerror(errno));
		goto out;
	}
	st->fd = -1;
	if (flags & CW_FILE_KEEP_PREV) {
		if (unlink(prev) == -1 && errno != ENOENT) {
			cw_error_set(err, CW_E_IO, _("cannot remove '%s'"), prev);
			cw_error_detail(err, "%s", strerror(errno));
			goto out;
		}
		if (link(st->path, prev) == -1 && errno != ENOENT) {
			cw_error_set(err, CW_E_IO, _("cannot keep the previous version as '%s'"), prev);
			cw_error_detail(err, "%s", strerror(errno));
			goto out;
		}
	}
	if (rename(st->tmp, st->path) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot replace '%s'"), st->path);
		cw_error_detail(err, "%s", strerror(errno));
		cw_error_hint(err, _("The previous file was left in place."));
		goto out;
	}
	cw_fault_point("rename");
	st->tmp[0] = '\0';
	if (!(flags & CW_FILE_NO_SYNC) && cw_file_sync_dir(st->path, 0, err) == -1)
		goto out;
	rc = 0;
out:
	cw_file_stage_abort(st);
	return rc;
}

void
cw_file_stage_abort(struct cw_file_stage *st)
{
	if (st == NULL)
		return;
	if (st->fd != -1)
		close(st->fd);
	if (st->tmp[0] != '\0')
		unlink(st->tmp);
	free(st);
}
