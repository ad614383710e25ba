/* timer.h - when the renewal timer (certwiz-renew.timer) runs next.
 * systemd is asked with `systemctl show` through cw_proc_run(); without
 * systemd as the init system there is no timer to ask about. */
#ifndef CW_TIMER_H
#define CW_TIMER_H

#include <time.h>

#include "core/error.h"

#define CW_TIMER_UNIT "certwiz-renew.timer"

enum cw_timer_state {
	CW_TIMER_NO_SYSTEMD = 0,	/* systemd is not running: no timer */
	CW_TIMER_INACTIVE,		/* systemd runs; the timer is not scheduled */
	CW_TIMER_SCHEDULED,		/* the timer runs next at *next */
	CW_TIMER__MAX
};

/* Fills *state and, when SCHEDULED, *next.  Returns 0, or -1 with err when
 * systemd runs but could not be asked (systemctl failed or said something
 * that is not a time). */
int cw_timer_next_run(enum cw_timer_state *state, time_t *next,
    struct cw_error *err);

/* The "Next timer run" of a status, the same in `certwiz status` and on
 * the status screen: the time (written by when, the front end's way), a
 * translated "not scheduled", or what went wrong asking.  NULL (nothing
 * to show) without systemd. */
const char *cw_timer_describe(char *buf, size_t len,
    const char *(*when)(time_t t, char *buf, size_t len));

#endif
