/* runs.h - resume or abandon a journaled run by its id, for the wizard's
 * resume prompt and the CLI's `certwiz journal resume|abandon`.  Each call takes the state lock for its duration,
 * finds the run's flow in the registry (flows.h) and opens the run. */
#ifndef CW_RUNS_H
#define CW_RUNS_H

#include "core/cfg.h"
#include "core/error.h"
#include "core/flow.h"

/* Records the unfinished run run_id abandoned and removes its staged
 * files.  A run whose flow this certwiz does not know can be abandoned. */
int cw_runs_abandon(const struct cw_cfg *cfg, const char *run_id,
    struct cw_error *err);

/* Resumes run_id at its first step not done, reporting through progress
 * (may be NULL).  CW_E_STATE when this certwiz does not know its flow. */
int cw_runs_resume(const struct cw_cfg *cfg, const char *run_id,
    cw_flow_progress_fn *progress, void *ctx, struct cw_error *err);

#endif
