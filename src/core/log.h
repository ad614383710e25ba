/* log.h - human-readable flow logs under log_dir (one file per flow, e.g.
 * sc3migration.log) and, when configured, syslog.  Takes plain strings
 * only: there is no way to log a struct cw_secret. */
#ifndef CW_LOG_H
#define CW_LOG_H

#include "core/cfg.h"
#include "core/error.h"

enum cw_log_level {
	CW_LOG_ERROR = 0,
	CW_LOG_WARNING,
	CW_LOG_INFO,
	CW_LOG_DEBUG,
	CW_LOG__MAX
};

struct cw_log;

/* Opens (creating log_dir and the file, mode 0640) LOG_DIR/NAME.log for
 * appending.  The caller frees with cw_log_close(). */
int cw_log_open(const struct cw_cfg *cfg, const char *name,
    struct cw_log **out, struct cw_error *err);

/* Appends one line "TIME LEVEL message" (UTC, RFC 3339) and sends it to
 * syslog when enabled.  Never fails the caller: a log that cannot be
 * written is reported once to syslog (never on the terminal). */
void cw_log_msg(struct cw_log *log, enum cw_log_level level,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Logs an error value at CW_LOG_ERROR. */
void cw_log_error(struct cw_log *log, const struct cw_error *err);

/* The file the log writes to. */
const char *cw_log_path(const struct cw_log *log);

/* Closes and frees.  NULL is a no-op. */
void cw_log_close(struct cw_log *log);

#endif
