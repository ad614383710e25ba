/* flows.h - the registry of the flows this certwiz knows, so that a run
 * found in the journal (`certwiz journal resume RUN`, the wizard's resume
 * prompt) can be matched with its step table and the job that resumes it.
 * The table lives in flows.c; a module adds its flow there with one line. */
#ifndef CW_FLOWS_H
#define CW_FLOWS_H

#include <stddef.h>

#include "core/flow.h"
#include "job/job.h"

/* Resumes an opened run: rebuilds what its steps need (cw_flow_set_user),
 * asking the front end through ops (master key, OTP...), runs it with
 * ops->progress and releases what it built. */
typedef int cw_job_resume_fn(struct cw_flow *run, const struct cw_job_ops *ops,
    void *ctx, struct cw_error *err);

struct cw_flows_entry {
	const struct cw_flow_def *def;
	cw_job_resume_fn *resume;
};

/* The entry for the flow named name, NULL if unknown.  Static storage. */
const struct cw_flows_entry *cw_flows_find(const char *name);

/* Every entry; *n receives the count.  Static storage. */
const struct cw_flows_entry *cw_flows_all(size_t *n);

/* The resume functions of the jobs (job-*.c). */
cw_job_resume_fn cw_job_ntp_resume, cw_job_enroll_resume, cw_job_renew_resume,
    cw_job_sc3_resume;

#endif
