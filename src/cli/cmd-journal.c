/* cmd-journal.c - `certwiz journal [list [--json] | show RUN | resume RUN |
 * abandon RUN]`: the runs recorded in the journal, unfinished ones first,
 * then the recent finished ones.  list and show only read; resume and
 * abandon take the state lock. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/flow.h"
#include "core/i18n.h"
#include "core/journal.h"

static void
stamp(time_t t, char out[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	if (strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		out[0] = '\0';
}

static int
list_json(const struct cw_journal_run_info *v, size_t n)
{
	json_t *arr = json_array();
	char a[21], b[21];
	int rc = 0;

	for (size_t i = 0; arr && i < n; i++) {
		stamp(v[i].started, a);
		stamp(v[i].updated, b);
		if (json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		    "id", v[i].id, "flow", v[i].flow, "state", cw_run_state_name(v[i].state),
		    "last_step", v[i].last_step, "last_error", v[i].last_error,
		    "started", a, "updated", b)) == -1)
			rc = -1;
	}
	if (arr == NULL || rc == -1 || json_dumpf(arr, stdout, JSON_INDENT(2)) == -1)
		rc = -1;
	else
		putchar('\n');
	json_decref(arr);
	return rc;
}

static int
cmd_list(const struct cw_cfg *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct cw_journal_run_info *v = NULL;
	struct cw_error err;
	int json = 0, c, header = -1;
	size_t n = 0;
	char when[21];

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else
			return 2;
	}
	if (optind != argc) {
		fprintf(stderr, _("certwiz: unexpected argument '%s'\n"), argv[optind]);
		return 2;
	}
	if (cw_journal_list(cfg, 1, &v, &n, &err) == -1)
		return cw_cli_report(&err);
	if (json) {
		c = list_json(v, n);
		free(v);
		if (c == -1) {
			cw_error_set(&err, CW_E_NOMEM, _("cannot write the JSON output"));
			return cw_cli_report(&err);
		}
		return 0;
	}
	if (n == 0)
		printf("%s\n", _("No runs are recorded."));
	/* Unfinished runs first: they are what the admin has to act on. */
	for (int pass = 0; pass < 2; pass++)
	for (size_t i = 0; i < n; i++) {
		int closed = cw_run_state_closed(v[i].state);
		if (closed != pass)
			continue;
		if (header != pass) {
			printf("%s\n", pass ? _("Recent runs:") : _("Unfinished runs:"));
			header = pass;
		}
		stamp(v[i].updated, when);
		printf("  %-40s %-10s %-10s %s  %s\n", v[i].id, v[i].flow,
		    cw_run_state_name(v[i].state), when,
		    v[i].last_step[0] ? v[i].last_step : "-");
		if (v[i].last_error[0])
			/* TRANSLATORS: indented under a run in `certwiz journal list`. */
			printf(_("    last error: %s\n"), v[i].last_error);
	}
	if (n > 0)
		printf("%s\n", _("'certwiz journal show RUN' shows a run; 'resume RUN' or 'abandon RUN' act on it."));
	free(v);
	return 0;
}

static int
cmd_show(const struct cw_cfg *cfg, const char *id)
{
	struct cw_error err;
	char *text = NULL;

	if (cw_journal_show(cfg, id, &text, &err) == -1)
		return cw_cli_report(&err);
	fputs(text, stdout);
	free(text);
	return 0;
}

/* resume or abandon: the same jobs as the wizard's resume prompt.  The
 * secrets a resumed run asks for may come from files. */
static int
cmd_act(const struct cw_cfg *cfg, int argc, char **argv, int abandon)
{
	static const struct option opts[] = {
		{ "master-key-file", required_argument, NULL, 'k' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "otp-file", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct cw_error err;
	struct cw_cli_ctx ctx;
	const char *id;
	int c;

	cw_error_clear(&err);
	cw_cli_ctx_init(&ctx);
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (abandon)
			c = '?';
		switch (c) {
		case 'k': cw_cli_answer_file(&ctx, "sc3.master_key", optarg); break;
		case 'p': cw_cli_answer_file(&ctx, "ssh.password", optarg); break;
		case 'o': cw_cli_answer_file(&ctx, "enroll.otp", optarg); break;
		default:
			fprintf(stderr, _("Usage: certwiz journal [list [--json] | show RUN | resume RUN | abandon RUN]\n"));
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, _("Usage: certwiz journal [list [--json] | show RUN | resume RUN | abandon RUN]\n"));
		return 2;
	}
	id = argv[optind];
	if (abandon) {
		if (cw_job_abandon(cfg, id, &err) == -1)
			return cw_cli_report(&err);
		printf(_("Run %s abandoned; its staged files were removed.\n"), id);
	} else {
		if (cw_job_resume(cfg, id, &cw_cli_ops, &ctx, &err) == -1)
			return cw_cli_report(&err);
		printf(_("Run %s finished.\n"), id);
	}
	return 0;
}

int
cw_cmd_journal(const struct cw_cfg *cfg, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "list";

	if (argc <= 1 || strcmp(sub, "list") == 0 || sub[0] == '-')
		return cmd_list(cfg, argc > 1 && sub[0] != '-' ? argc - 1 : argc,
		    argc > 1 && sub[0] != '-' ? argv + 1 : argv);
	if (strcmp(sub, "resume") == 0)
		return cmd_act(cfg, argc - 1, argv + 1, 0);
	if (strcmp(sub, "abandon") == 0)
		return cmd_act(cfg, argc - 1, argv + 1, 1);
	if (argc != 3) {
		fprintf(stderr, _("Usage: certwiz journal [list [--json] | show RUN | resume RUN | abandon RUN]\n"));
		return 2;
	}
	if (strcmp(sub, "show") == 0)
		return cmd_show(cfg, argv[2]);
	fprintf(stderr, _("certwiz: unknown journal command '%s'\n"), sub);
	fprintf(stderr, _("Usage: certwiz journal [list [--json] | show RUN | resume RUN | abandon RUN]\n"));
	return 2;
}
