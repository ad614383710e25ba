/* screen-check.c - Check prerequisites: runs the connectivity check
 * (netcheck.h) under a gauge that moves as endpoints finish (Cancel stops
 * it: nothing to undo, the check changes nothing), then shows one row per
 * endpoint - result, time, reason - laid out by display width. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/cfg.h"
#include "core/error.h"
#include "core/i18n.h"
#include "pki/netcheck.h"
#include "screens.h"
#include "widgets.h"

static int
progress(void *ctx, size_t done, size_t total,
    const struct cw_netcheck_result *finished)
{
	char label[CW_NETCHECK_REASON_MAX + 64];

	/* TRANSLATORS: the gauge while checking; endpoint, then ok/failed. */
	snprintf(label, sizeof(label), _("%s: %s"), finished->endpoint,
	    finished->ok ? _("ok") : _("FAILED"));
	/* "Step DONE of TOTAL", the bar at DONE/TOTAL. */
	return uw_gauge_update(ctx, done > 0 ? done - 1 : 0, total, 1.0, label);
}

static void
render(const struct cw_netcheck_report *rep, struct ui_text *t)
{
	/* TRANSLATORS: column headings of the connectivity check table. */
	const char *h_end = _("ENDPOINT"), *h_res = _("RESULT"),
	    *h_time = _("TIME"), *h_why = _("REASON");
	/* TRANSLATORS: result of one endpoint in the check table. */
	const char *s_ok = _("ok"), *s_fail = _("FAILED");
	size_t w_end = uw_text_width(h_end), w_res = uw_text_width(h_res);
	size_t w_time = uw_text_width(h_time);
	char ms[32];

	if (uw_text_width(s_ok) > w_res)
		w_res = uw_text_width(s_ok);
	if (uw_text_width(s_fail) > w_res)
		w_res = uw_text_width(s_fail);
	for (size_t i = 0; i < rep->n; i++) {
		/* TRANSLATORS: a duration in milliseconds. */
		snprintf(ms, sizeof(ms), _("%ld ms"), rep->results[i].time_ms);
		if (uw_text_width(rep->results[i].endpoint) > w_end)
			w_end = uw_text_width(rep->results[i].endpoint);
		if (uw_text_width(ms) > w_time)
			w_time = uw_text_width(ms);
	}
	w_end += 2;
	w_res += 2;
	w_time += 2;

	if (rep->failed == 0)
		ui_text_add(t, ngettext("The %zu endpoint can be reached (%.1f s).\n\n",
		    "All %zu endpoints can be reached (%.1f s).\n\n", rep->n),
		    rep->n, rep->elapsed_ms / 1000.0);
	else
		ui_text_add(t, ngettext("%zu of %zu endpoint cannot be reached (%.1f s).\n\n",
		    "%zu of %zu endpoints cannot be reached (%.1f s).\n\n", rep->n),
		    rep->failed, rep->n, rep->elapsed_ms / 1000.0);
	ui_text_pad(t, h_end, w_end);
	ui_text_pad(t, h_res, w_res);
	ui_text_pad(t, h_time, w_time);
	ui_text_add(t, "%s\n", h_why);
	for (size_t i = 0; i < rep->n; i++) {
		const struct cw_netcheck_result *r = &rep->results[i];

		snprintf(ms, sizeof(ms), _("%ld ms"), r->time_ms);
		ui_text_pad(t, r->endpoint, w_end);
		ui_text_pad(t, r->ok ? s_ok : s_fail, w_res);
		if (r->ok)
			ui_text_add(t, "%s\n", ms);
		else if (w_end + w_res + w_time + uw_text_width(r->reason) <= UI_TEXT_COLS) {
			ui_text_pad(t, ms, w_time);
			ui_text_add(t, "%s\n", r->reason);
		} else
			ui_text_add(t, "%s\n    %s\n", ms, r->reason);
		if (strchr(r->endpoint, '*') != NULL)
			/* TRANSLATORS: under a wildcard entry such as *.example.com:443. */
			ui_text_add(t, _("    (checked through %s)\n"), r->host);
	}
	if (rep->failed > 0)
		ui_text_add(t, "\n%s\n", _("Allow these hosts and ports in the firewall or proxy, then check again. Nothing was changed."));
}

int
ui_check_run(const struct cw_cfg *cfg)
{
	const char *title = _("Check prerequisites");
	struct cw_netcheck_report *rep = NULL;
	struct ui_text text = { 0 };
	struct uw_gauge *g;
	struct cw_error err;
	int rc, cancelled, out = 0;

	cw_error_clear(&err);
	if ((g = uw_gauge_open(title)) == NULL)
		return 0;
	uw_gauge_question(g, _("Stop the check? Nothing was changed; the endpoints not yet checked are not reported."));
	uw_gauge_update(g, 0, 0, 0.0, _("Checking the endpoints..."));
	rc = cw_netcheck_run(cfg, progress, g, &rep, &err);
	cancelled = uw_gauge_cancelled(g);
	uw_gauge_close(g);
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
	render(rep, &text);
	out = uw_textview(title, ui_text_str(&text));
out:
	ui_text_release(&text);
	cw_netcheck_report_free(rep);
	return out == UW_QUIT ? UW_QUIT : 0;
}
