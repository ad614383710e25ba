/* fileio.h - the one module that writes persistent files.  Every write is
 * atomic: a temporary file in the target directory, fchmod, write, fsync,
 * rename over the target, fsync of the directory.  A failure leaves the old
 * file untouched and no temporary behind. */
#ifndef CW_FILEIO_H
#define CW_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

#include <stdint.h>

#include "core/error.h"

enum cw_file_flags {
	CW_FILE_KEEP_PREV = 1 << 0,	/* keep the replaced file as PATH.prev */
	CW_FILE_KEEP_OWNER = 1 << 1,	/* the new file gets the replaced one's
					 * owner and group (root only) */
	CW_FILE_NO_SYNC = 1 << 2,	/* stage commit: rename without fsync
					 * (a copy that something durable
					 * already supersedes: see its caller) */
};

/* Atomically replaces path with len bytes of data, mode applied before any
 * byte is written.  Temporaries of path left by an earlier install that was
 * killed are removed first.  Returns 0 or -1. */
int cw_file_install(const char *path, const void *data, size_t len,
    mode_t mode, unsigned flags, struct cw_error *err);

/* Undoes the last cw_file_install(..., CW_FILE_KEEP_PREV) of path: renames
 * PATH.prev back over path, or removes path when there is no PATH.prev (the
 * install created it).  fsyncs the directory.  Returns 0 or -1. */
int cw_file_restore_prev(const char *path, struct cw_error *err);

/* fsyncs the directory that holds path (or path itself if it is a
 * directory when is_dir is set). */
int cw_file_sync_dir(const char *path, int is_dir, struct cw_error *err);

/* mkdir -p with mode for each created component.  Returns 0 or -1. */
int cw_file_mkdirs(const char *path, mode_t mode, struct cw_error *err);

/* Reads at most cap bytes of path into a new NUL-terminated buffer
 * (caller frees).  A longer file is an error.  Returns 0 or -1. */
int cw_file_read(const char *path, size_t cap, char **out, size_t *outlen,
    struct cw_error *err);

/* Writes all of buf to fd, retrying on EINTR and short writes. */
int cw_file_write_all(int fd, const void *buf, size_t len);

/* Streaming install, for data that arrives in pieces (a download):
 * cw_file_stage_open() creates the temporary file beside path (mode applied
 * first), cw_file_stage_write() appends, cw_file_stage_commit() fsyncs and
 * renames it over path (flags as for cw_file_install) and frees the stage
 * whatever the outcome; cw_file_stage_abort() removes the temporary file and
 * frees the stage (NULL is a no-op).  path is untouched until the commit. */
struct cw_file_stage;
int cw_file_stage_open(const char *path, mode_t mode,
    struct cw_file_stage **out, struct cw_error *err);
int cw_file_stage_write(struct cw_file_stage *st, const void *buf, size_t len,
    struct cw_error *err);
/* Writes len bytes at offset off of the staged file (over bytes already
 * appended: a placeholder filled in later).  Returns 0 or -1. */
int cw_file_stage_pwrite(struct cw_file_stage *st, uint64_t off, const void *buf,
    size_t len, struct cw_error *err);
int cw_file_stage_commit(struct cw_file_stage *st, unsigned flags,
    struct cw_error *err);
void cw_file_stage_abort(struct cw_file_stage *st);

#ifdef CW_FAULT_INJECTION
/* Counts a fault point; with CERTWIZ_FAULT=after:N in the environment the
 * process is killed with SIGKILL right after the N-th point. */
void cw_fault_point(const char *what);
#else
#define cw_fault_point(what) ((void)0)
#endif

#endif
