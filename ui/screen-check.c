/* screen-check.c - Check prerequisites: runs the connectivity check
 * job (job.h) under a gauge that moves as endpoints finish (Cancel stops
 * it: nothing to undo, the check changes nothing), then shows the job's
 * table - the same as `certwiz check` prints. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cfg.h"
#include "core/error.h"
#include "core/i18n.h"
#include "job/job.h"
#include "job/record.h"
#include "pki/netcheck.h"
#include "screens.h"
#include "widgets.h"

struct check_arg {
	const struct cw_cfg *cfg;
	struct cw_netcheck_report *rep;
	char *table;
};

static int
check_work(void *arg, const struct cw_job_ops *ops, void *ctx,
    struct cw_error *err)
{
	struct check_arg *a = arg;

	return cw_job_check(a->cfg, ops, ctx, &a->rep, &a->table, err);
}

int
ui_check_run(const struct cw_cfg *cfg)
{
	const char *title = _("Check prerequisites");
	struct check_arg a = { cfg, NULL, NULL };
	struct ui_job j = { .title = title };
	struct ui_text text = { 0 };
	struct cw_error err;
	int rc, cancelled, out = 0;

	cw_error_clear(&err);
	if ((j.gauge = uw_gauge_open(title)) == NULL)
		return 0;
	uw_gauge_question(j.gauge, _("Stop the check? Nothing was changed; the endpoints not yet checked are not reported."));
	uw_gauge_update(j.gauge, 0, 0, 0.0, _("Checking the endpoints..."));
	rc = check_work(&a, &ui_job_ops, &j, &err);
	cancelled = uw_gauge_cancelled(j.gauge);
	uw_gauge_close(j.gauge);
	j.gauge = NULL;
	if (uw_quit_signal()) {
		out = UW_QUIT;
		goto out;
	}
	if (rc == -1) {
		if (cancelled || err.code == CW_E_CANCELLED)
			out = uw_msgbox(title, _("The check was stopped. Nothing was changed."));
		else
			out = ui_error(title, &err);
		goto out;
	}
	/* The check ran (an endpoint may have failed: the table says). */
	if (ui_recorded(title, cw_record_check(ui_recorder(), &err), &err) == UW_QUIT) {
		out = UW_QUIT;
		goto out;
	}
	/* The table is the job's, the same as `certwiz check` prints. */
	ui_text_add(&text, "%s", a.table);
	if (a.rep->failed > 0)
		ui_text_add(&text, "\n%s\n", _("Allow these hosts and ports in the firewall or proxy, then check again. Nothing was changed."));
	out = uw_textview(title, ui_text_str(&text));
out:
	ui_text_release(&text);
	ui_text_release(&j.said);
	free(a.table);
	cw_netcheck_report_free(a.rep);
	return out == UW_QUIT ? UW_QUIT : 0;
}
