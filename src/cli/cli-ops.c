/* cli-ops.c - the job operations (job.h) of the command line, the one
 * place where a job talks to a person at a terminal: progress as
 * "[STEP/TOTAL] label" lines and what the job says on stdout, questions on
 * the controlling terminal (prompt.h, secrets with echo off).  Without a
 * terminal a question fails naming the option that answers it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/prompt.h"
#include "core/i18n.h"

static int
progress(void *vctx, size_t step, size_t nsteps, double fraction,
    const char *label)
{
	struct cw_cli_ctx *c = vctx;

	/* Each step once, at its start; "finished" (step == nsteps) is no
	 * step of its own. */
	if (c->quiet || fraction != 0.0 || step >= nsteps || step == c->last_step)
		return 0;
	c->last_step = step;
	printf("[%zu/%zu] %s\n", step + 1, nsteps, label);
	fflush(stdout);
	return 0;
}

static void
say(void *vctx, enum cw_job_say kind, const char *text)
{
	struct cw_cli_ctx *c = vctx;

	if (c->quiet && kind != CW_JOB_NOTICE)
		return;
	printf("%s\n", text);
	fflush(stdout);
}

static void
no_tty_hint(const struct cw_job_q *q, struct cw_error *err)
{
	if (err->code == CW_E_USAGE && q->option != NULL)
		cw_error_hint(err, _("Give %s; nothing was changed."), q->option);
}

static int
confirm(void *vctx, const struct cw_job_q *q, int *yes, struct cw_error *err)
{
	(void)vctx;
	printf("%s\n", q->text);
	fflush(stdout);
	/* TRANSLATORS: after a yes/no question on the command line. */
	if (cw_prompt_yesno(_("[y/N]"), yes, err) == -1) {
		no_tty_hint(q, err);
		return -1;
	}
	return 0;
}

static int
ask_secret(void *vctx, const struct cw_job_q *q, struct cw_secret **out,
    struct cw_error *err)
{
	struct cw_cli_ctx *c = vctx;
	char prompt[256], again[256];

	for (size_t i = 0; i < c->nanswers; i++)
		if (strcmp(c->answers[i].key, q->key) == 0)
			return cw_secret_read_file(c->answers[i].file,
			    q->cap ? q->cap : 1024, 0, out, err);
	/* TRANSLATORS: a prompt for a secret on the command line. */
	snprintf(prompt, sizeof(prompt), _("%s: "), q->title);
	snprintf(again, sizeof(again), _("%s (again): "), q->title);
	if (cw_prompt_secret(prompt, q->twice ? again : NULL, q->cap ? q->cap : 1024,
	    NULL, out, err) == -1) {
		no_tty_hint(q, err);
		return -1;
	}
	return 0;
}

static int
ask_text(void *vctx, const struct cw_job_q *q, char *buf, size_t cap,
    struct cw_error *err)
{
	char prompt[256];

	(void)vctx;
	snprintf(prompt, sizeof(prompt), _("%s: "), q->title);
	if (cw_prompt_line(prompt, buf, cap, err) == -1) {
		no_tty_hint(q, err);
		return -1;
	}
	return 0;
}

static int
choose(void *vctx, const struct cw_job_q *q, const char *const *choices,
    size_t n, size_t *sel, struct cw_error *err)
{
	char line[32], prompt[64], *end;
	unsigned long v;

	(void)vctx;
	printf("%s\n", q->text);
	for (size_t i = 0; i < n; i++)
		printf("  %zu) %s\n", i + 1, choices[i]);
	fflush(stdout);
	/* TRANSLATORS: the prompt under numbered choices; %zu: the default. */
	snprintf(prompt, sizeof(prompt), _("Choice [%zu]: "), *sel + 1);
	if (cw_prompt_line(prompt, line, sizeof(line), err) == -1) {
		no_tty_hint(q, err);
		return -1;
	}
	if (line[0] == '\0')
		return 0;
	v = strtoul(line, &end, 10);
	if (*end != '\0' || v < 1 || v > n)
		return cw_error_set(err, CW_E_CANCELLED, _("'%s' is none of the choices"), line);
	*sel = v - 1;
	return 0;
}

static void
hint(void *vctx, const char *key, const char *value, struct cw_error *err)
{
	(void)vctx;
	if (strcmp(key, "ssh.hostkey") == 0)
		/* TRANSLATORS: %s is the fingerprint. */
		cw_error_hint(err, _("Compare it with 'ssh-keygen -lf' of the server's host key, then run again with --accept-host-key %s; nothing was copied."),
		    value);
	else if (strcmp(key, "job.resume") == 0)
		cw_error_hint(err, _("Run the same command again, or 'certwiz journal resume %s', to continue."),
		    value);
	else if (strcmp(key, "job.other_run") == 0)
		cw_error_hint(err, _("Resume it with 'certwiz journal resume %s', or give --replace to abandon it and start this one; nothing was changed."),
		    value);
}

const struct cw_job_ops cw_cli_ops = {
	progress, say, confirm, ask_secret, ask_text, choose, hint,
};

void
cw_cli_answer_file(struct cw_cli_ctx *c, const char *key, const char *file)
{
	if (c->nanswers < sizeof(c->answers) / sizeof(c->answers[0])) {
		c->answers[c->nanswers].key = key;
		c->answers[c->nanswers].file = file;
		c->nanswers++;
	}
}

void
cw_cli_ctx_init(struct cw_cli_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->last_step = (size_t)-1;
}
