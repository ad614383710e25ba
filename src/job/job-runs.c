/* job-runs.c - resume or abandon a journaled run by its id: the wizard's
 * "Unfinished work" and `certwiz journal resume|abandon`.  The run's flow
 * is found in the registry (flows.h); its job's resume function asks what
 * it needs through the same operations as every other job. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/journal.h"
#include "job/flows.h"
#include "job/job-int.h"

/* The flow of run_id from its journal, or from the id when the journal
 * cannot be read (such a run can still be abandoned). */
static int
find_run(const struct cw_cfg *cfg, const char *id, int abandon,
    const struct cw_flows_entry **entry, struct cw_error *err)
{
	struct cw_journal_run_info info;
	char path[4096], flow[32];

	*entry = NULL;
	if (cw_journal_run_path(cfg, id, 0, path, sizeof(path), err) == -1)
		return -1;
	if (access(path, F_OK) == -1) {
		cw_error_set(err, CW_E_USAGE, _("there is no unfinished run '%s'"), id);
		return cw_error_hint(err, _("'certwiz journal list' shows the runs."));
	}
	if (cw_journal_read_info(path, &info, NULL, err) == 0)
		snprintf(flow, sizeof(flow), "%s", info.flow);
	else if (abandon && cw_journal_flow_of_id(id, flow, sizeof(flow)) == 0)
		cw_error_clear(err);
	else
		return -1;
	*entry = cw_flows_find(flow);
	if (!abandon && *entry == NULL) {
		cw_error_set(err, CW_E_STATE,
		    _("this certwiz does not know the flow '%s' of the run '%s'"), flow, id);
		return cw_error_hint(err, _("It can only be abandoned ('certwiz journal abandon %s'); nothing was changed."), id);
	}
	return 0;
}

int
cw_job_resume_locked(const struct cw_cfg *cfg, const char *run_id,
    const struct cw_job_ops *ops, void *ctx, struct cw_error *err)
{
	const struct cw_flows_entry *entry;
	struct cw_flow *run = NULL;
	int rc = -1;

	if (find_run(cfg, run_id, 0, &entry, err) == -1)
		return -1;
	if (cw_flow_open_id(cfg, entry->def, run_id, NULL, &run, err) == 0)
		rc = entry->resume(run, ops, ctx, err);
	cw_flow_free(run);
	return rc;
}

int
cw_job_resume(const struct cw_cfg *cfg, const char *run_id,
    const struct cw_job_ops *ops, void *ctx, struct cw_error *err)
{
	struct cw_lock *lock = NULL;
	int rc;

	if (cw_lock_acquire(cfg->state_dir, &lock, err) == -1)
		return -1;
	rc = cw_job_resume_locked(cfg, run_id, ops, ctx, err);
	cw_lock_release(lock);
	return rc;
}

int
cw_job_abandon(const struct cw_cfg *cfg, const char *run_id,
    struct cw_error *err)
{
	const struct cw_flows_entry *entry;
	struct cw_lock *lock = NULL;
	int rc = -1;

	if (cw_lock_acquire(cfg->state_dir, &lock, err) == -1)
		return -1;
	/* A journal too damaged to replay is moved aside. */
	if (find_run(cfg, run_id, 1, &entry, err) == 0)
		rc = cw_flow_abandon_id(cfg, entry ? entry->def : NULL, run_id, NULL, err);
	cw_lock_release(lock);
	return rc;
}
