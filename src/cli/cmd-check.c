/* cmd-check.c - `certwiz check [--json]`: the connectivity prerequisites
 * (netcheck.h) as a table or as JSON.  Exit 0 when every endpoint passed,
 * else the network error code (6). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/i18n.h"
#include "pki/netcheck.h"
#include "core/textwidth.h"

static int
print_json(const struct cw_netcheck_report *rep)
{
	json_t *root = NULL, *arr = NULL;
	int rc = -1;

	if ((root = json_object()) == NULL || (arr = json_array()) == NULL)
		goto out;
	for (size_t i = 0; i < rep->n; i++) {
		const struct cw_netcheck_result *r = &rep->results[i];
		json_t *o = json_pack("{s:s, s:s, s:i, s:b, s:b, s:s, s:I, s:s, s:s}",
		    "endpoint", r->endpoint, "host", r->host, "port", r->port,
		    "tls", r->tls, "ok", r->ok,
		    "stage", cw_netcheck_stage_name(r->stage),
		    "time_ms", (json_int_t)r->time_ms,
		    "reason", r->reason, "detail", r->detail);

		if (o == NULL || json_array_append_new(arr, o) == -1)
			goto out;
	}
	if (json_object_set_new(root, "ok", json_boolean(rep->failed == 0)) == -1 ||
	    json_object_set_new(root, "failed", json_integer((json_int_t)rep->failed)) == -1 ||
	    json_object_set_new(root, "elapsed_ms", json_integer(rep->elapsed_ms)) == -1 ||
	    json_object_set(root, "endpoints", arr) == -1)
		goto out;
	if (json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == -1)
		goto out;
	fputc('\n', stdout);
	rc = 0;
out:
	json_decref(arr);
	json_decref(root);
	return rc;
}

static void
print_human(const struct cw_netcheck_report *rep)
{
	/* TRANSLATORS: column headings of the connectivity check table. */
	const char *h_end = _("ENDPOINT"), *h_res = _("RESULT"),
	    *h_time = _("TIME"), *h_why = _("REASON");
	/* TRANSLATORS: result of one endpoint in the check table. */
	const char *s_ok = _("ok"), *s_fail = _("FAILED");
	int w_end = cw_textwidth(h_end), w_res = cw_textwidth(h_res);
	int w_time = cw_textwidth(h_time);
	char t[32];

	if (cw_textwidth(s_ok) > w_res)
		w_res = cw_textwidth(s_ok);
	if (cw_textwidth(s_fail) > w_res)
		w_res = cw_textwidth(s_fail);
	for (size_t i = 0; i < rep->n; i++) {
		int w = cw_textwidth(rep->results[i].endpoint);
		if (w > w_end)
			w_end = w;
		/* TRANSLATORS: a duration in milliseconds. */
		snprintf(t, sizeof(t), _("%ld ms"), rep->results[i].time_ms);
		if (cw_textwidth(t) > w_time)
			w_time = cw_textwidth(t);
	}
	w_end += 2;
	w_res += 2;
	w_time += 2;

	printf(ngettext("Connectivity check of %zu endpoint in %.2f s\n",
	    "Connectivity check of %zu endpoints in %.2f s\n", rep->n),
	    rep->n, rep->elapsed_ms / 1000.0);
	cw_textwidth_pad(stdout, h_end, w_end);
	cw_textwidth_pad(stdout, h_res, w_res);
	cw_textwidth_pad(stdout, h_time, w_time);
	printf("%s\n", h_why);
	for (size_t i = 0; i < rep->n; i++) {
		const struct cw_netcheck_result *r = &rep->results[i];

		cw_textwidth_pad(stdout, r->endpoint, w_end);
		cw_textwidth_pad(stdout, r->ok ? s_ok : s_fail, w_res);
		snprintf(t, sizeof(t), _("%ld ms"), r->time_ms);
		if (r->ok)
			printf("%s\n", t);
		else {
			cw_textwidth_pad(stdout, t, w_time);
			printf("%s\n", r->reason);
		}
		if (strchr(r->endpoint, '*') != NULL)
			/* TRANSLATORS: under a wildcard entry such as *.example.com:443. */
			printf(_("  (checked through %s)\n"), r->host);
	}
}

int
cw_cmd_check(const struct cw_cfg *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct cw_netcheck_report *rep = NULL;
	struct cw_error err;
	int c, json = 0, rc;

	cw_error_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j') {
			fprintf(stderr, _("Usage: certwiz check [--json]\n"));
			return 2;
		}
		json = 1;
	}
	if (optind < argc) {
		fprintf(stderr, _("Usage: certwiz check [--json]\n"));
		return 2;
	}
	if (cw_netcheck_run(cfg, NULL, NULL, &rep, &err) == -1)
		return cw_cli_report(&err);
	if (json) {
		if (print_json(rep) == -1) {
			cw_error_set(&err, CW_E_NOMEM, _("cannot write the JSON output"));
			rc = cw_cli_report(&err);
			goto out;
		}
	} else
		print_human(rep);
	rc = 0;
	if (rep->failed > 0) {
		cw_error_set(&err, CW_E_NET,
		    ngettext("%zu of %zu endpoints cannot be reached",
		    "%zu of %zu endpoints cannot be reached", rep->n),
		    rep->failed, rep->n);
		cw_error_hint(&err, _("Allow these hosts and ports in the firewall or proxy, then run 'certwiz check' again. Nothing was changed."));
		rc = json ? cw_error_exit_code(err.code) : cw_cli_report(&err);
	}
out:
	cw_netcheck_report_free(rep);
	return rc;
}
