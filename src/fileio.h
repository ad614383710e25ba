/* fileio.h - the one module that writes persistent files.  Every write is
 * atomic: a temporary file in the target directory, fchmod, write, fsync,
 * rename over the target, fsync of the directory.  A failure leaves the old
 * file untouched and no temporary behind. */
#ifndef CW_FILEIO_H
#define CW_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

enum cw_file_flags {
	CW_FILE_KEEP_PREV = 1 << 0,	/* keep the replaced file as PATH.prev */
};

/* Atomically replaces path with len bytes of data, mode applied before any
 * byte is written.  Returns 0 or -1. */
int cw_file_install(const char *path, const void *data, size_t len,
    mode_t mode, unsigned flags, struct cw_error *err);

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

/* Staged writes for files too large to hold in memory: the data goes to a
 * temporary file in the target's directory (mode applied first), and
 * commit fsyncs it, renames it over path and fsyncs the directory.  A file
 * that is aborted or freed uncommitted is unlinked: path never changes. */
struct cw_file_stage;

/* Creates the temporary file for path.  Returns 0 and *stp, or -1. */
int cw_file_stage_open(const char *path, mode_t mode,
    struct cw_file_stage **stp, struct cw_error *err);

/* The temporary file's descriptor, for the caller's writes. */
int cw_file_stage_fd(const struct cw_file_stage *st);

/* fsync, close, rename over path (CW_FILE_KEEP_PREV honoured), fsync the
 * directory.  Returns 0 or -1 (then the temporary is gone, path intact). */
int cw_file_stage_commit(struct cw_file_stage *st, unsigned flags,
    struct cw_error *err);

/* Unlinks the temporary if not committed, frees st.  NULL is a no-op. */
void cw_file_stage_free(struct cw_file_stage *st);

#ifdef CW_FAULT_INJECTION
/* Counts a fault point; with CERTWIZ_FAULT=after:N in the environment the
 * process is killed with SIGKILL right after the N-th point. */
void cw_fault_point(const char *what);
#else
#define cw_fault_point(what) ((void)0)
#endif

#endif
