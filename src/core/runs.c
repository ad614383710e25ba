/* runs.c - resume or abandon a run by id (runs.h): the wizard's resume
 * prompt and `certwiz journal resume|abandon` share it. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "core/flows.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "core/lock.h"
#include "core/runs.h"

static int
act(const struct cw_cfg *cfg, const char *id, int abandon,
    cw_flow_progress_fn *progress, void *ctx, struct cw_error *err)
{
	const struct cw_flows_entry *entry;
	struct cw_journal_run_info info;
	struct cw_lock *lock = NULL;
	struct cw_flow *run = NULL;
	char path[4096], flow[32];
	int rc = -1;

	if (cw_lock_acquire(cfg->state_dir, &lock, err) == -1)
		return -1;
	if (cw_journal_run_path(cfg, id, 0, path, sizeof(path), err) == -1)
		goto out;
	if (access(path, F_OK) == -1) {
		cw_error_set(err, CW_E_USAGE, _("there is no unfinished run '%s'"), id);
		cw_error_hint(err, _("'certwiz journal list' shows the runs."));
		goto out;
	}
	/* The flow from the journal, or from the id when the journal cannot
	 * be read (such a run can still be abandoned). */
	if (cw_journal_read_info(path, &info, NULL, err) == 0)
		snprintf(flow, sizeof(flow), "%s", info.flow);
	else if (abandon && cw_journal_flow_of_id(id, flow, sizeof(flow)) == 0)
		cw_error_clear(err);
	else
		goto out;
	entry = cw_flows_find(flow);
	if (!abandon && entry == NULL) {
		cw_error_set(err, CW_E_STATE,
		    _("this certwiz does not know the flow '%s' of the run '%s'"), flow, id);
		cw_error_hint(err, _("It can only be abandoned ('certwiz journal abandon %s'); nothing was changed."), id);
		goto out;
	}
	/* Abandon by id: a journal too damaged to replay is moved aside. */
	if (abandon)
		rc = cw_flow_abandon_id(cfg, entry ? entry->def : NULL, id, NULL, err);
	else if (cw_flow_open_id(cfg, entry->def, id, NULL, &run, err) == 0)
		rc = entry->resume(run, progress, ctx, err);
out:
	cw_flow_free(run);
	cw_lock_release(lock);
	return rc;
}

int
cw_runs_abandon(const struct cw_cfg *cfg, const char *run_id,
    struct cw_error *err)
{
	return act(cfg, run_id, 1, NULL, NULL, err);
}

int
cw_runs_resume(const struct cw_cfg *cfg, const char *run_id,
    cw_flow_progress_fn *progress, void *ctx, struct cw_error *err)
{
	return act(cfg, run_id, 0, progress, ctx, err);
}
