/* timer.c - the renewal timer's next run, from `systemctl show`.
 *
 * systemctl prints NextElapseUSecRealtime as a local time with the zone
 * name ("Sat 2026-12-05 12:34:56 UTC"), whatever --timestamp says, and
 * nothing (or "n/a") when the timer is not scheduled.  The command runs
 * with TZ=UTC and LC_ALL=C so the time parses without zone tables. */
#include "config.h"

#include <sys/stat.h>

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/proc.h"
#include "pki/timer.h"

#define PROPERTY "NextElapseUSecRealtime"
#define SYSTEMCTL_TIMEOUT_MS 5000

/* sd_booted(): systemd is the init system when this is a directory. */
static const char *
systemd_run_dir(void)
{
#ifdef CW_TEST_HOOKS
	const char *d = getenv("CERTWIZ_TEST_SYSTEMD_DIR");

	if (d != NULL && *d != '\0')
		return d;
#endif
	return "/run/systemd/system";
}

static const char *
systemctl_command(void)
{
#ifdef CW_TEST_HOOKS
	const char *c = getenv("CERTWIZ_TEST_SYSTEMCTL");

	if (c != NULL && *c != '\0' && strchr(c, '\'') == NULL)
		return c;
#endif
	return "systemctl";
}

/* "Sat 2026-12-05 12:34:56 UTC" -> 0 and *t; -1 if it is not that. */
static int
parse_utc(const char *v, time_t *t)
{
	struct tm tm;
	char zone[8];
	int n = 0;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(v, "%*s %4d-%2d-%2d %2d:%2d:%2d %7s%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, zone, &n) != 7 ||
	    v[n] != '\0' || strcmp(zone, "UTC") != 0)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if ((*t = timegm(&tm)) == (time_t)-1)
		return -1;
	return 0;
}

int
cw_timer_next_run(enum cw_timer_state *state, time_t *next, struct cw_error *err)
{
	struct cw_proc_result res;
	struct stat sb;
	char cmd[512], *line, *end;

	*state = CW_TIMER_NO_SYSTEMD;
	*next = 0;
	if (stat(systemd_run_dir(), &sb) == -1 || !S_ISDIR(sb.st_mode))
		return 0;
	snprintf(cmd, sizeof(cmd), "TZ=UTC LC_ALL=C '%s' show --property=" PROPERTY
	    " " CW_TIMER_UNIT, systemctl_command());
	if (cw_proc_run(cmd, SYSTEMCTL_TIMEOUT_MS, &res, err) == -1)
		return -1;
	if (res.timed_out || res.exit_code != 0) {
		cw_error_set(err, CW_E_STATE, _("cannot ask systemd when '%s' runs next"),
		    CW_TIMER_UNIT);
		if ((end = strchr(res.output, '\n')) != NULL)
			*end = '\0';
		if (res.timed_out)
			cw_error_detail(err, _("systemctl did not answer"));
		else
			cw_error_detail(err, "%s", res.output);
		return cw_error_hint(err, _("Nothing was changed. See 'systemctl status %s'."),
		    CW_TIMER_UNIT);
	}
	*state = CW_TIMER_INACTIVE;
	for (line = res.output; line != NULL && *line != '\0'; line = end) {
		if ((end = strchr(line, '\n')) != NULL)
			*end++ = '\0';
		if (strncmp(line, PROPERTY "=", sizeof(PROPERTY)) != 0)
			continue;
		line += sizeof(PROPERTY);
		if (*line == '\0' || strcmp(line, "n/a") == 0)
			return 0;
		if (parse_utc(line, next) == -1) {
			cw_error_set(err, CW_E_PROTO,
			    _("cannot read when '%s' runs next"), CW_TIMER_UNIT);
			cw_error_detail(err, "%s=%s", PROPERTY, line);
			return cw_error_hint(err, _("Nothing was changed. See 'systemctl status %s'."),
			    CW_TIMER_UNIT);
		}
		*state = CW_TIMER_SCHEDULED;
		return 0;
	}
	return 0;
}

const char *
cw_timer_describe(char *buf, size_t len,
    const char *(*when)(time_t t, char *buf, size_t len))
{
	enum cw_timer_state ts;
	struct cw_error err;
	time_t next;
	char t[160];

	cw_error_clear(&err);
	if (cw_timer_next_run(&ts, &next, &err) == -1)
		snprintf(buf, len, "%s%s%s", err.msg, err.detail[0] ? ": " : "", err.detail);
	else if (ts == CW_TIMER_SCHEDULED)
		snprintf(buf, len, "%s", when(next, t, sizeof(t)));
	else if (ts == CW_TIMER_INACTIVE)
		/* TRANSLATORS: %s is the timer unit, certwiz-renew.timer. */
		snprintf(buf, len, _("not scheduled ('systemctl enable --now %s' starts it)"),
		    CW_TIMER_UNIT);
	else
		return NULL;
	return buf;
}
