/* log.c - flow logs and syslog. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "core/fileio.h"
#include "core/i18n.h"
#include "core/log.h"

struct cw_log {
	int fd;
	int use_syslog;
	int failed;		/* a write failed: said so once */
	char path[PATH_MAX];
};

static const char *const level_names[CW_LOG__MAX] = {
	[CW_LOG_ERROR] = "ERROR",
	[CW_LOG_WARNING] = "WARNING",
	[CW_LOG_INFO] = "INFO",
	[CW_LOG_DEBUG] = "DEBUG",
};

static const int syslog_prio[CW_LOG__MAX] = {
	[CW_LOG_ERROR] = LOG_ERR,
	[CW_LOG_WARNING] = LOG_WARNING,
	[CW_LOG_INFO] = LOG_INFO,
	[CW_LOG_DEBUG] = LOG_DEBUG,
};

int
cw_log_open(const struct cw_cfg *cfg, const char *name, struct cw_log **out,
    struct cw_error *err)
{
	struct cw_log *log;

	*out = NULL;
	if (cw_file_mkdirs(cfg->log_dir, 0750, err) == -1)
		return -1;
	if ((log = calloc(1, sizeof(*log))) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	if ((size_t)snprintf(log->path, sizeof(log->path), "%s/%s.log",
	    cfg->log_dir, name) >= sizeof(log->path)) {
		free(log);
		return cw_error_set(err, CW_E_IO, _("path too long: '%s'"), cfg->log_dir);
	}
	log->fd = open(log->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0640);
	if (log->fd == -1) {
		cw_error_set(err, CW_E_IO, _("cannot open the log file '%s'"), log->path);
		cw_error_detail(err, "%s", strerror(errno));
		cw_error_hint(err, _("Check log_dir in the [paths] section of the configuration."));
		free(log);
		return -1;
	}
	log->use_syslog = cfg->log_syslog;
	if (log->use_syslog)
		openlog("certwiz", LOG_PID, LOG_DAEMON);
	*out = log;
	return 0;
}

static void
vlog(struct cw_log *log, enum cw_log_level level, const char *fmt, va_list ap)
{
	char line[2048], stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	int n, m;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line, sizeof(line), "%s %s ", stamp, level_names[level]);
	/* Numbers in a log are read by scripts too: "0.5", never "0,5". */
	m = cw_i18n_vsnprintf_c(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	/* One record, one line: flatten embedded newlines. */
	for (int i = 0; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[n++] = '\n';
	if (cw_file_write_all(log->fd, line, (size_t)n) == -1 && !log->failed) {
		log->failed = 1;
		/* Never on the terminal (the wizard owns it): syslog. */
		syslog(LOG_WARNING, "cannot write the log file '%s': %s",
		    log->path, strerror(errno));
	}
	if (log->use_syslog) {
		line[n - 1] = '\0';
		syslog(syslog_prio[level], "%s", line + strlen(stamp) + 1);
	}
}

void
cw_log_msg(struct cw_log *log, enum cw_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (log == NULL || (int)level < 0 || level >= CW_LOG__MAX)
		return;
	va_start(ap, fmt);
	vlog(log, level, fmt, ap);
	va_end(ap);
}

void
cw_log_error(struct cw_log *log, const struct cw_error *err)
{
	char buf[CW_ERR_MSG_MAX + CW_ERR_DETAIL_MAX + CW_ERR_HINT_MAX + 8];

	cw_log_msg(log, CW_LOG_ERROR, "%s", cw_error_format(err, buf, sizeof(buf)));
}

const char *
cw_log_path(const struct cw_log *log)
{
	return log->path;
}

void
cw_log_close(struct cw_log *log)
{
	if (log == NULL)
		return;
	if (log->fd != -1)
		close(log->fd);
	if (log->use_syslog)
		closelog();
	free(log);
}
