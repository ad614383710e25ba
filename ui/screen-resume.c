/* screen-resume.c - at start, the unfinished journaled runs are offered
 * first: Resume, Abandon, Show journal (or decide later).  The backend
 * lists them (journal.h) and acts on them (job.h: a resumed run asks
 * what it needs - the master key, an OTP - in the wizard's dialogs);
 * nothing here reads the journal itself. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/cfg.h"
#include "core/error.h"
#include "job/flows.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "job/job.h"
#include "screens.h"
#include "widgets.h"

static const char *
flow_label(const char *flow)
{
	const struct cw_flows_entry *e = cw_flows_find(flow);

	return e != NULL && e->def->label != NULL ? _(e->def->label) : flow;
}

/* The translated label of a step, else its on-disk name. */
static const char *
step_label(const char *flow, const char *step)
{
	const struct cw_flows_entry *e = cw_flows_find(flow);

	if (*step == '\0')
		return "-";
	for (size_t i = 0; e != NULL && i < e->def->nsteps; i++)
		if (strcmp(e->def->steps[i].name, step) == 0 &&
		    e->def->steps[i].label != NULL)
			return _(e->def->steps[i].label);
	return step;
}

/* The run state in words (RUNNING: a run that stopped without a record
 * of why). */
static const char *
state_label(enum cw_run_state state)
{
	switch (state) {
	case CW_RUN_RUNNING:
		/* TRANSLATORS: "run state": how an unfinished run ended:
		 * stopped (crash, power loss, Ctrl-C) or a step failed. */
		return C_("run state", "interrupted");
	case CW_RUN_FAILED:
		return C_("run state", "failed");
	default:
		return cw_run_state_name(state);
	}
}

static void
describe(const struct cw_journal_run_info *r, char *buf, size_t len)
{
	char when[32] = "";
	struct tm tm;

	if (gmtime_r(&r->updated, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	/* TRANSLATORS: an unfinished run: job, last step, state, time. */
	snprintf(buf, len, _("%s: stopped after step '%s' (%s), %s"),
	    flow_label(r->flow), step_label(r->flow, r->last_step),
	    state_label(r->state), when);
}

struct resume_arg {
	const struct cw_cfg *cfg;
	const char *id;
};

static int
resume_work(void *arg, const struct cw_job_ops *ops, void *ctx,
    struct cw_error *err)
{
	const struct resume_arg *a = arg;

	return cw_job_resume(a->cfg, a->id, ops, ctx, err);
}

/* One run: Resume, Abandon, Show journal, Later.  Returns UW_QUIT, 1 when
 * the run is settled (resumed to the end or abandoned), else 0. */
static int
offer(const struct cw_cfg *cfg, const struct cw_journal_run_info *r)
{
	/* TRANSLATORS: "resume shortcut": the letters of Resume, Abandon,
	 * Show journal and Decide later; one ASCII letter each, all different. */
	static const char *const keys[4] = { NC_("resume shortcut", "r"),
	    NC_("resume shortcut", "a"), NC_("resume shortcut", "s"),
	    NC_("resume shortcut", "l") };
	const char *labels[4] = { _("Resume"), _("Abandon"), _("Show journal"),
	    _("Decide later") };
	struct uw_item items[4];
	struct cw_error err;
	char text[1024], line[512];
	size_t sel = 0;

	describe(r, line, sizeof(line));
	snprintf(text, sizeof(text), "%s%s%s%s", line,
	    r->last_error[0] ? "\n" : "", r->last_error[0] ? _("Last error: ") : "",
	    r->last_error);
	for (int i = 0; i < 4; i++) {
		items[i].key = cw_i18n_key(keys[i]);
		items[i].label = labels[i];
		items[i].help = NULL;
	}
	for (;;) {
		int rc = uw_menu(_("Unfinished work"), text, items, 4, &sel);

		cw_error_clear(&err);
		if (rc == UW_QUIT)
			return UW_QUIT;
		if (rc != UW_OK || sel == 3)
			return 0;
		if (sel == 2) {
			char *journal = NULL;

			if (cw_journal_show(cfg, r->id, &journal, &err) == -1)
				rc = ui_error(_("Show journal"), &err);
			else {
				rc = uw_textview(r->id, journal);
				free(journal);
			}
			if (rc == UW_QUIT)
				return UW_QUIT;
			continue;
		}
		if (sel == 1) {
			rc = uw_yesno(_("Abandon"),
			    _("Abandon this run? Its staged files are removed; what it already changed on the appliance stays as it is. The journal keeps a record."),
			    1);
			if (rc == UW_QUIT)
				return UW_QUIT;
			if (rc != UW_OK)
				continue;
			if (cw_job_abandon(cfg, r->id, &err) == -1)
				return ui_error(_("Abandon"), &err) == UW_QUIT ? UW_QUIT : 0;
			return uw_msgbox(_("Abandon"), _("The run was abandoned.")) == UW_QUIT ?
			    UW_QUIT : 1;
		}
		/* Resume, with a gauge the flow drives; then what it said. */
		struct resume_arg a = { cfg, r->id };
		struct ui_job j = { .title = flow_label(r->flow) };

		rc = ui_run_job(&j, resume_work, &a);
		if (rc == UW_OK) {
			ui_text_add(&j.said, "%s", _("The run finished."));
			rc = uw_msgbox(_("Resume"), ui_text_str(&j.said));
		}
		ui_text_release(&j.said);
		if (rc == UW_QUIT)
			return UW_QUIT;
		return rc == UW_OK ? 1 : 0;
	}
}

int
ui_resume_offer(const struct cw_cfg *cfg)
{
	struct cw_journal_run_info *runs = NULL;
	struct cw_error err;
	size_t n = 0;
	int rc = 0;

	cw_error_clear(&err);
	if (cw_journal_list(cfg, 0, &runs, &n, &err) == -1)
		return ui_error(_("Unfinished work"), &err);
	for (size_t i = 0; i < n && rc != UW_QUIT; i++)
		rc = offer(cfg, &runs[i]);
	free(runs);
	return rc == UW_QUIT ? UW_QUIT : 0;
}
