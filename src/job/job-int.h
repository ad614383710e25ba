/* job-int.h - what the jobs (job-*.c) share: the lock, the flow opened
 * with the decision about another unfinished run, the questions asked
 * through the front end's operations. */
#ifndef CW_JOB_INT_H
#define CW_JOB_INT_H

#include "core/flow.h"
#include "core/lock.h"
#include "job/job.h"

#define CW_JOB_RUN_ID_MAX 96

/* Says a line (printf format) through ops->say, if there is one. */
void cw_job_say(const struct cw_job_ops *ops, void *ctx, enum cw_job_say kind,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The questions; without the operation: CW_E_USAGE naming q->option. */
int cw_job_confirm(const struct cw_job_ops *ops, void *ctx,
    const struct cw_job_q *q, int *yes, struct cw_error *err);
int cw_job_ask_secret(const struct cw_job_ops *ops, void *ctx,
    const struct cw_job_q *q, struct cw_secret **out, struct cw_error *err);
int cw_job_choose(const struct cw_job_ops *ops, void *ctx,
    const struct cw_job_q *q, const char *const *choices, size_t n,
    size_t *sel, struct cw_error *err);
void cw_job_hint(const struct cw_job_ops *ops, void *ctx, const char *key,
    const char *value, struct cw_error *err);

/* Opens def's run for these inputs under the lock the caller holds.  An
 * unfinished run of def with other inputs is settled by policy (ASK:
 * ops->choose).  Returns 0 with *run, 1 when that other run is to be
 * resumed instead (its id in other_id), or -1. */
int cw_job_open(const struct cw_cfg *cfg, const struct cw_flow_def *def,
    const struct cw_fact *inputs, size_t ninputs, void *user,
    enum cw_job_other policy, const struct cw_job_ops *ops, void *ctx,
    char other_id[CW_JOB_RUN_ID_MAX], struct cw_flow **run,
    struct cw_error *err);

/* Runs an opened run with ops->progress; says so when it resumes. */
int cw_job_run_flow(struct cw_flow *run, const struct cw_job_ops *ops,
    void *ctx, struct cw_error *err);

/* Resumes run_id under the lock the caller holds (job-runs.c). */
int cw_job_resume_locked(const struct cw_cfg *cfg, const char *run_id,
    const struct cw_job_ops *ops, void *ctx, struct cw_error *err);

#endif
