/* proc.h - runs the configured commands (NTP reload, management restart,
 * post-install hook) through /bin/sh -c, with a timeout and their output
 * captured (capped) for the log and the screen. */
#ifndef CW_PROC_H
#define CW_PROC_H

#include <stddef.h>

#include "core/error.h"

struct cw_proc_result {
	int exit_code;		/* 0..255, or 128+signal when killed */
	int timed_out;
	char output[4096];	/* stdout+stderr, truncated, NUL-terminated */
	size_t output_len;
	int truncated;
};

/* Runs command with stdin from /dev/null.  Returns 0 when it ran (whatever
 * its exit code, see res), -1 when it could not be started.  timeout_ms 0 =
 * no limit; on timeout the process group is killed. */
int cw_proc_run(const char *command, int timeout_ms,
    struct cw_proc_result *res, struct cw_error *err);

#endif
