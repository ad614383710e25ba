/* ntp-flow.h - `ntp set` as a journaled flow (flow.h):
 * validate -> write -> reload -> probe, the steps of ntp-apply.c.
 * Registered in flows.c as FLOW(cw_ntp_set_flow, cw_ntp_set_resume). */
#ifndef CW_NTP_FLOW_H
#define CW_NTP_FLOW_H

#include "core/flow.h"
#include "ntp/ntp.h"

extern const struct cw_flow_def cw_ntp_set_flow;

/* Runs the settings c (keys included, borrowed) as a new run of the flow;
 * an unfinished earlier ntp run is abandoned first (a new `ntp set`
 * supersedes it: every step writes the whole state again).  The caller
 * holds the state lock.  res and *applied as for cw_ntp_apply(). */
int cw_ntp_set_run(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    cw_flow_progress_fn *progress, void *ctx,
    struct cw_ntp_result res[CW_NTP_ROLE__MAX], int *applied,
    struct cw_error *err);

/* `certwiz journal resume RUN` for an ntp run.  Keys are never journaled,
 * so the settings are read back from the files the run wrote: a run that
 * stopped before its files were in place cannot be resumed (CW_E_STATE,
 * "abandon it and run 'certwiz ntp set' again"). */
int cw_ntp_set_resume(struct cw_flow *run, cw_flow_progress_fn *progress,
    void *ctx, struct cw_error *err);

#endif
