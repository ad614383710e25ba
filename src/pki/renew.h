/* renew.h - renewal of the device certificate over EST /simplereenroll,
 * authenticated with the current certificate and key (mutual TLS).
 *
 *   key ─► csr ─► simplereenroll ─► verify ─► install ─► post-install
 *
 * The current certificate stays in place until the new one is verified;
 * the install keeps it as device.crt.prev.  A failed attempt is recorded
 * in the renew-state (cert.h) with the next attempt, after a backoff that
 * doubles from CW_RENEW_BACKOFF_MIN up to CW_RENEW_BACKOFF_MAX, plus up to
 * a quarter of random jitter, so that many appliances do not retry at the
 * same moment.  An expired certificate cannot authenticate a renewal: the
 * enrollment with a new OTP (enroll.h) restores it. */
#ifndef CW_RENEW_H
#define CW_RENEW_H

#include <time.h>

#include "core/cfg.h"
#include "core/error.h"
#include "core/flow.h"

#define CW_RENEW_BACKOFF_MIN 3600	/* seconds */
#define CW_RENEW_BACKOFF_MAX 43200

enum cw_renew_outcome {
	CW_RENEW_RENEWED = 0,	/* a new certificate is installed */
	CW_RENEW_NOT_DUE,	/* more than renew_before_days left */
	CW_RENEW_BACKING_OFF,	/* the last attempt failed; next_attempt not reached */
	CW_RENEW_DRY_RUN_OK,	/* --dry-run: every step passed, nothing installed */
	CW_RENEW_REFUSED,	/* missing, expired or broken: see err; a new OTP is needed */
	CW_RENEW_FAILED,	/* the attempt failed; recorded with the next attempt */
	CW_RENEW__MAX
};

struct cw_renew_result {
	enum cw_renew_outcome outcome;
	int state;		/* enum cw_cert_state before the run */
	time_t not_after;	/* of the certificate installed at the end */
	time_t renew_at;	/* when the current certificate becomes due */
	time_t next_attempt;	/* FAILED / BACKING_OFF: when the next try is */
	int would_renew;	/* DRY_RUN_OK: a real run would renew now */
};

extern const struct cw_flow_def cw_renew_flow;

/* Renews when due (or force), at time now (the clock; tests use faketime).
 * The caller holds the state lock.  Returns 0 for RENEWED, NOT_DUE,
 * BACKING_OFF and DRY_RUN_OK; -1 with err for REFUSED and FAILED. */
int cw_renew_run(const struct cw_cfg *cfg, int force, int dry_run,
    struct cw_renew_result *res, struct cw_error *err);

/* `certwiz journal resume` of a renewal run. */
int cw_renew_resume(struct cw_flow *run, cw_flow_progress_fn *progress,
    void *ctx, struct cw_error *err);

/* The next attempt after a failure at now, given the previous failed
 * attempt's times (0 when none): the doubled interval plus jitter
 * (a random value below a quarter of the interval, from jitter_rand). */
time_t cw_renew_next_attempt(time_t now, time_t prev_last, time_t prev_next,
    unsigned jitter_rand);

#endif
