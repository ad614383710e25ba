/* job.c - what every job does the same way (job-int.h): lines and
 * questions through the front end's operations, and the flow opened with
 * a decision about an unfinished run of the same job with other inputs:
 *
 *   open ──► same inputs: resume it ──────────────────────────► run
 *     └────► other inputs ──► resume it (its own inputs) ─────► run
 *                        └──► abandon it, open again (new run) ► run
 *                        └──► cancel: nothing was changed
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "job/job-int.h"

void
cw_job_say(const struct cw_job_ops *ops, void *ctx, enum cw_job_say kind,
    const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	if (ops == NULL || ops->say == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ops->say(ctx, kind, line);
}

static int
no_one(const struct cw_job_q *q, struct cw_error *err)
{
	cw_error_set(err, CW_E_USAGE, _("there is no one to ask: %s"), q->title);
	if (q->option != NULL)
		/* TRANSLATORS: %s is a command-line option such as --yes. */
		cw_error_hint(err, _("Give %s; nothing was changed."), q->option);
	return -1;
}

int
cw_job_confirm(const struct cw_job_ops *ops, void *ctx,
    const struct cw_job_q *q, int *yes, struct cw_error *err)
{
	*yes = 0;
	if (ops == NULL || ops->confirm == NULL)
		return no_one(q, err);
	return ops->confirm(ctx, q, yes, err);
}

int
cw_job_ask_secret(const struct cw_job_ops *ops, void *ctx,
    const struct cw_job_q *q, struct cw_secret **out, struct cw_error *err)
{
	*out = NULL;
	if (ops == NULL || ops->ask_secret == NULL)
		return no_one(q, err);
	return ops->ask_secret(ctx, q, out, err);
}

int
cw_job_choose(const struct cw_job_ops *ops, void *ctx,
    const struct cw_job_q *q, const char *const *choices, size_t n,
    size_t *sel, struct cw_error *err)
{
	if (ops == NULL || ops->choose == NULL)
		return no_one(q, err);
	if (ops->choose(ctx, q, choices, n, sel, err) == -1)
		return -1;
	if (*sel >= n)
		return cw_error_set(err, CW_E_CANCELLED, _("the question was not answered"));
	return 0;
}

void
cw_job_hint(const struct cw_job_ops *ops, void *ctx, const char *key,
    const char *value, struct cw_error *err)
{
	if (ops != NULL && ops->hint != NULL && err != NULL)
		ops->hint(ctx, key, value, err);
}

int
cw_job_open(const struct cw_cfg *cfg, const struct cw_flow_def *def,
    const struct cw_fact *inputs, size_t ninputs, void *user,
    enum cw_job_other policy, const struct cw_job_ops *ops, void *ctx,
    char other_id[CW_JOB_RUN_ID_MAX], struct cw_flow **run,
    struct cw_error *err)
{
	const char *choices[3] = {
		/* TRANSLATORS: the answers when a job finds an unfinished run
		 * of the same job with other inputs. */
		_("Resume the unfinished run"),
		_("Abandon it and start this one"),
		_("Cancel"),
	};
	struct cw_error conflict;
	char text[1024];
	size_t sel = 0;

	other_id[0] = '\0';
	if (cw_flow_open_other(cfg, def, inputs, ninputs, user, other_id,
	    CW_JOB_RUN_ID_MAX, run, err) == 0)
		return 0;
	if (other_id[0] == '\0')
		return -1;
	conflict = *err;
	if (policy == CW_JOB_OTHER_ASK) {
		struct cw_job_q q = { "job.other_run", _(def->label), text, "--replace", 0, 0, NULL };

		/* TRANSLATORS: %s: the job, then a run id. */
		snprintf(text, sizeof(text), _("An unfinished '%s' run with other inputs exists (%s). Resume it with its own inputs, or abandon it and start this one? Abandoning removes its staged files; what it already changed stays."),
		    _(def->label), other_id);
		if (cw_job_choose(ops, ctx, &q, choices, 3, &sel, err) == -1) {
			if (err != NULL && err->code == CW_E_USAGE) {
				*err = conflict;
				cw_job_hint(ops, ctx, "job.other_run", other_id, err);
			}
			return -1;
		}
		if (sel == 2) {
			cw_error_set(err, CW_E_CANCELLED, _("cancelled: the unfinished run '%s' is kept"), other_id);
			return cw_error_hint(err, _("Nothing was changed."));
		}
		policy = sel == 0 ? CW_JOB_OTHER_RESUME : CW_JOB_OTHER_REPLACE;
	}
	if (policy == CW_JOB_OTHER_RESUME)
		return 1;
	if (cw_flow_abandon_id(cfg, def, other_id, NULL, err) == -1)
		return -1;
	/* TRANSLATORS: %s is a run id. */
	cw_job_say(ops, ctx, CW_JOB_INFO, _("Abandoned the unfinished run %s."), other_id);
	other_id[0] = '\0';
	return cw_flow_open(cfg, def, inputs, ninputs, user, run, err);
}

int
cw_job_run_flow(struct cw_flow *run, const struct cw_job_ops *ops, void *ctx,
    struct cw_error *err)
{
	if (cw_flow_resumed(run))
		/* TRANSLATORS: %s is a run id. */
		cw_job_say(ops, ctx, CW_JOB_INFO, _("Resuming run %s."), cw_flow_id(run));
	return cw_flow_run(run, ops != NULL ? ops->progress : NULL, ctx, err);
}
