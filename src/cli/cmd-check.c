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

int
cw_cmd_check(const struct cw_cfg *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct cw_netcheck_report *rep = NULL;
	struct cw_cli_ctx ctx;
	struct cw_error err;
	char *table = NULL;
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
	cw_cli_ctx_init(&ctx);
	if (cw_job_check(cfg, &cw_cli_ops, &ctx, &rep, &table, &err) == -1) {
		cw_netcheck_report_free(rep);
		return cw_cli_report(&err);
	}
	if (json) {
		if (print_json(rep) == -1) {
			cw_error_set(&err, CW_E_NOMEM, _("cannot write the JSON output"));
			rc = cw_cli_report(&err);
			goto out;
		}
	} else
		fputs(table, stdout);
	rc = 0;
	if (rep->failed > 0) {
		cw_job_check_failed(rep, &err);
		rc = json ? cw_error_exit_code(err.code) : cw_cli_report(&err);
	}
out:
	free(table);
	cw_netcheck_report_free(rep);
	return rc;
}
