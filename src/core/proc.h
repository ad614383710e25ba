/* proc.h - runs the configured commands (NTP reload, management restart,
 * post-install hook) through /bin/sh -c, contained: a minimal environment,
 * no inherited descriptor beyond 0-2, their own process group, killed on
 * timeout and when certwiz exits (even by SIGKILL), output captured
 * (capped) for the log and the screen. */
#ifndef CW_PROC_H
#define CW_PROC_H

#include <stddef.h>

#include "core/error.h"

/* The only PATH a command sees. */
#define CW_PROC_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

/* After SIGTERM to the command's group, how long before SIGKILL. */
#define CW_PROC_GRACE_MS 2000

struct cw_proc_result {
	int exit_code;		/* 0..255, or 128+signal when killed */
	int timed_out;
	char output[4096];	/* stdout+stderr, truncated, NUL-terminated */
	size_t output_len;
	int truncated;
};

/* Runs command as `/bin/sh -c command`:
 *  - environment: PATH=CW_PROC_PATH and the locale variables (LANG,
 *    LANGUAGE, LC_ALL, LC_CTYPE...) copied from ours, nothing else;
 *  - descriptors: stdin /dev/null, stdout+stderr one capped pipe, no other;
 *  - working directory /;
 *  - its own process group, which is killed (SIGTERM, then SIGKILL after
 *    CW_PROC_GRACE_MS) when timeout_ms passes, when the command itself
 *    has exited (what it left behind in its group), and when certwiz dies
 *    in any way: a supervisor process (a fork of certwiz, no exec) watches
 *    certwiz through a socket and the command holds PR_SET_PDEATHSIG on
 *    the supervisor.  A daemon the command starts in a new session
 *    (setsid, as start-stop-daemon does) leaves the group and is kept.
 * Returns 0 when it ran (whatever its exit code, see res), -1 when it could
 * not be started.  timeout_ms 0 = no limit. */
int cw_proc_run(const char *command, int timeout_ms,
    struct cw_proc_result *res, struct cw_error *err);

/* Makes sure descriptors 0, 1 and 2 are open (on /dev/null if closed), so
 * that no file certwiz opens later becomes someone's stdout.  Call first
 * thing in main(). */
void cw_proc_sanitise_stdfd(void);

#endif
