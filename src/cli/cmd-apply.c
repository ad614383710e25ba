/* cmd-apply.c - `certwiz apply FILE [--check] [--json]`: runs an answer
 * file (certwiz-answers(5)) through the jobs (cw_job_apply) and reports
 * one line, or one JSON object, per section.  The exit code is the first
 * failed section's. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/i18n.h"

#define USAGE "apply FILE [--check] [--json]"

/* --json: stdout holds the one object; what a job must say now goes to
 * stderr, progress nowhere. */
static void
json_say(void *ctx, enum cw_job_say kind, const char *text)
{
	(void)ctx;
	if (kind == CW_JOB_NOTICE)
		fprintf(stderr, "%s\n", text);
}

static const struct cw_job_ops json_ops = { NULL, json_say, NULL, NULL, NULL, NULL, NULL };

/* Text: cw_cli_ops, each section's steps counted anew (a section starts
 * with a line of its own). */
static void
text_say(void *vctx, enum cw_job_say kind, const char *text)
{
	struct cw_cli_ctx *c = vctx;

	c->last_step = (size_t)-1;
	cw_cli_ops.say(vctx, kind, text);
}

static struct cw_job_ops text_ops;

static char *
error_text(const struct cw_error *e)
{
	char *s;

	if (asprintf(&s, "%s%s%s", e->msg, e->detail[0] ? ": " : "", e->detail) == -1)
		return NULL;
	return s;
}

static int
print_json(const struct cw_job_apply_out *out, int check, const struct cw_error *fatal)
{
	json_t *j = json_object(), *secs = json_array();
	int rc = -1;

	if (j == NULL || secs == NULL)
		goto out;
	json_object_set_new(j, "check_mode", json_boolean(check));
	json_object_set_new(j, "changed", json_boolean(out->changed));
	json_object_set_new(j, "failed", json_boolean(out->failed || fatal != NULL));
	if (fatal != NULL) {
		/* The file could not be used: no section ran. */
		char *e = error_text(fatal);

		json_object_set_new(j, "code", json_integer(cw_error_exit_code(fatal->code)));
		json_object_set_new(j, "error", json_string(e ? e : fatal->msg));
		json_object_set_new(j, "hint", json_string(fatal->hint));
		free(e);
	}
	for (size_t i = 0; i < out->n; i++) {
		const struct cw_job_apply_section *s = &out->sec[i];
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(s->name));
		json_object_set_new(o, "result", json_string(cw_apply_result_name(s->result)));
		if (s->result == CW_APPLY_FAILED) {
			char *e = error_text(&s->err);

			json_object_set_new(o, "code", json_integer(s->code));
			json_object_set_new(o, "error", json_string(e ? e : s->err.msg));
			json_object_set_new(o, "hint", json_string(s->err.hint));
			free(e);
		} else
			json_object_set_new(o, "message", json_string(s->message));
		json_array_append_new(secs, o);
	}
	json_object_set(j, "sections", secs);
	if (json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0) {
		fputc('\n', stdout);
		rc = 0;
	}
out:
	json_decref(secs);
	json_decref(j);
	return rc;
}

static void
print_text(const struct cw_job_apply_out *out)
{
	for (size_t i = 0; i < out->n; i++) {
		const struct cw_job_apply_section *s = &out->sec[i];

		if (s->result == CW_APPLY_FAILED) {
			/* TRANSLATORS: section, result, then what happened. */
			printf(_("%s: %s — %s%s%s\n"), s->name,
			    cw_apply_result_words(s->result), s->err.msg,
			    s->err.detail[0] ? ": " : "", s->err.detail);
			if (s->err.hint[0])
				printf("  %s\n", s->err.hint);
		} else
			printf(_("%s: %s — %s%s%s\n"), s->name,
			    cw_apply_result_words(s->result), s->message, "", "");
	}
}

int
cw_cmd_apply(const struct cw_cfg *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct cw_job_apply_in in = { NULL, 0 };
	struct cw_job_apply_out out;
	struct cw_cli_ctx ctx;
	struct cw_error err;
	int c, json = 0, rc;

	cw_error_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'c')
			in.check = 1;
		else if (c == 'j')
			json = 1;
		else {
			fprintf(stderr, _("Usage: certwiz %s\n"), USAGE);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, _("Usage: certwiz %s\n"), USAGE);
		return 2;
	}
	in.file = argv[optind];
	cw_cli_ctx_init(&ctx);
	text_ops = cw_cli_ops;
	text_ops.say = text_say;
	rc = cw_job_apply(cfg, &in, json ? &json_ops : &text_ops, &ctx, &out, &err);
	if (rc == -1) {
		if (json)
			print_json(&out, in.check, &err);
		return cw_cli_report(&err);
	}
	if (json) {
		if (print_json(&out, in.check, NULL) == -1) {
			cw_error_set(&err, CW_E_NOMEM, _("cannot write the JSON output"));
			return cw_cli_report(&err);
		}
	} else
		print_text(&out);
	return out.exit_code;
}
