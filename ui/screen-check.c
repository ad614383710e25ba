/* screen-check.c - Check prerequisites: every configured endpoint is
 * checked by the backend (netcheck.h, all at once) under a gauge that can
 * cancel it; the result is one line per endpoint. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/cfg.h"
#include "../src/error.h"
#include "../src/i18n.h"
#include "../src/netcheck.h"
#include "screens.h"
#include "widgets.h"

/* netcheck reports each finished endpoint; the gauge shows the count. */
static int
on_endpoint(void *ctx, size_t done, size_t total,
    const struct cw_netcheck_result *r)
{
	char label[320];

	snprintf(label, sizeof(label), "%s: %s", r->endpoint,
	    r->ok ? _("reachable") : r->reason);
	return uw_gauge_update(ctx, done, total, 0.0, label);
}

static void
append(char *buf, size_t len, const char *s)
{
	strncat(buf, s, len - strlen(buf) - 1);
}

int
ui_check_run(const struct cw_cfg *cfg)
{
	struct cw_netcheck_report *rep = NULL;
	struct uw_gauge *g;
	struct cw_error err;
	char *text = NULL, line[1024];
	size_t len;
	int rc, cancelled;

	cw_error_clear(&err);
	g = uw_gauge_open(_("Check prerequisites"));
	if (g == NULL)
		return 0;
	uw_gauge_update(g, 0, 1, 0.0, _("Connecting to every endpoint at once..."));
	rc = cw_netcheck_run(cfg, on_endpoint, g, &rep, &err);
	cancelled = uw_gauge_cancelled(g);
	uw_gauge_close(g);
	if (uw_quit_signal()) {
		cw_netcheck_report_free(rep);
		return UW_QUIT;
	}
	if (rc == -1) {
		if (cancelled || err.code == CW_E_CANCELLED)
			return uw_msgbox(_("Check prerequisites"), _("The check was cancelled.")) ==
			    UW_QUIT ? UW_QUIT : 0;
		return ui_error(_("Check prerequisites"), &err);
	}
	len = 1024 + rep->n * 1200;
	text = calloc(1, len);
	if (text == NULL) {
		cw_netcheck_report_free(rep);
		return 0;
	}
	if (rep->n == 0)
		append(text, len, _("No endpoints are configured: set 'endpoints' in the [network] section of the configuration."));
	else if (rep->failed == 0)
		snprintf(text, len, ngettext("The endpoint is reachable (%ld ms).",
		    "All %zu endpoints are reachable (%ld ms).", rep->n), rep->n, rep->elapsed_ms);
	else
		/* TRANSLATORS: %zu of %zu endpoints failed. */
		snprintf(text, len, ngettext("%zu of %zu endpoint cannot be reached.",
		    "%zu of %zu endpoints cannot be reached.", rep->n), rep->failed, rep->n);
	append(text, len, "\n\n");
	for (size_t i = 0; i < rep->n; i++) {
		const struct cw_netcheck_result *r = &rep->results[i];

		if (r->ok)
			/* TRANSLATORS: a reachable endpoint and how long it took. */
			snprintf(line, sizeof(line), _("OK      %s (%ld ms)\n"), r->endpoint, r->time_ms);
		else
			/* TRANSLATORS: an endpoint that failed, the reason, the library's words. */
			snprintf(line, sizeof(line), _("FAILED  %s: %s%s%s\n"), r->endpoint,
			    r->reason, r->detail[0] ? " - " : "", r->detail);
		append(text, len, line);
	}
	if (rep->failed > 0)
		append(text, len, _("\nNothing was changed. Check the firewall and the proxy ([network] proxy), then run the check again."));
	rc = uw_textview(_("Check prerequisites"), text);
	free(text);
	cw_netcheck_report_free(rep);
	return rc == UW_QUIT ? UW_QUIT : 0;
}
