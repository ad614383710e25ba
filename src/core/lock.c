/* lock.c - the state lock. */
#include "config.h"

#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fileio.h"
#include "core/i18n.h"
#include "core/lock.h"

struct cw_lock {
	int fd;
};

int
cw_lock_acquire(const char *state_dir, struct cw_lock **out,
    struct cw_error *err)
{
	char path[PATH_MAX], pidbuf[32];
	struct cw_lock *lock;
	ssize_t n;
	int fd;

	*out = NULL;
	if (cw_file_mkdirs(state_dir, 0700, err) == -1)
		return -1;
	if ((size_t)snprintf(path, sizeof(path), "%s/certwiz.lock", state_dir) >= sizeof(path))
		return cw_error_set(err, CW_E_IO, _("path too long: '%s'"), state_dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot open the lock file '%s'"), path);
		cw_error_detail(err, "%s", strerror(errno));
		return cw_error_hint(err, _("Check that state_dir in the configuration is writable."));
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		int saved = errno;
		long pid = 0;

		n = pread(fd, pidbuf, sizeof(pidbuf) - 1, 0);
		if (n > 0) {
			pidbuf[n] = '\0';
			pid = strtol(pidbuf, NULL, 10);
		}
		close(fd);
		if (saved == EWOULDBLOCK) {
			cw_error_set(err, CW_E_LOCKED,
			    _("another certwiz (PID %ld) is changing this appliance"), pid);
			return cw_error_hint(err,
			    _("Wait for it to finish, or stop it, then try again; nothing was changed."));
		}
		cw_error_set(err, CW_E_IO, _("cannot lock '%s'"), path);
		return cw_error_detail(err, "%s", strerror(saved));
	}
	/* The PID is information for the next process, not the lock itself. */
	n = snprintf(pidbuf, sizeof(pidbuf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, pidbuf, (size_t)n, 0) != n) {
		/* Not fatal: the flock is what excludes. */
	}
	if ((lock = malloc(sizeof(*lock))) == NULL) {
		close(fd);
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	lock->fd = fd;
	*out = lock;
	return 0;
}

void
cw_lock_release(struct cw_lock *lock)
{
	if (lock == NULL)
		return;
	if (ftruncate(lock->fd, 0) == -1) {
		/* The stale PID is harmless: the next holder overwrites it. */
	}
	close(lock->fd);
	free(lock);
}
