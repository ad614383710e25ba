/* ops.c - the job operations (job.h) of the wizard, the one place where a
 * job talks to the person at the curses screen: progress on the gauge,
 * what the job says collected for the result screen (notices in a box at
 * once), yes/no boxes, masked fields straight into a struct cw_secret,
 * menus for choices; and ui_run_job(), which runs a job under the gauge. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/i18n.h"
#include "core/secret.h"
#include "job/job.h"
#include "screens.h"
#include "widgets.h"

static int
progress(void *ctx, size_t step, size_t nsteps, double fraction,
    const char *label)
{
	struct ui_job *j = ctx;

	j->step = step;
	j->nsteps = nsteps;
	j->fraction = fraction;
	snprintf(j->label, sizeof(j->label), "%s", label != NULL ? label : "");
	return j->gauge != NULL ? uw_gauge_update(j->gauge, step, nsteps, fraction, label) : 0;
}


/* After a question's box: the gauge again, as it was. */
static void
redraw(struct ui_job *j)
{
	if (j->gauge != NULL)
		(void)uw_gauge_update(j->gauge, j->step, j->nsteps, j->fraction, j->label);
}

static void
say(void *ctx, enum cw_job_say kind, const char *text)
{
	struct ui_job *j = ctx;

	if (kind == CW_JOB_NOTICE) {
		(void)uw_msgbox(j->title, text);
		redraw(j);
	} else
		ui_text_add(&j->said, "%s\n", text);
}

static int
unanswered(int rc, struct cw_error *err)
{
	if (rc == UW_QUIT)
		return cw_error_set(err, CW_E_CANCELLED, _("the question was not answered"));
	if (rc == UW_ERROR)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	return cw_error_set(err, CW_E_CANCELLED, _("the question was not answered"));
}

static int
confirm(void *ctx, const struct cw_job_q *q, int *yes, struct cw_error *err)
{
	struct ui_job *j = ctx;
	int rc = uw_yesno(q->title, q->text, 1);

	redraw(j);
	if (rc != UW_OK && rc != UW_NO)
		return unanswered(rc, err);
	*yes = rc == UW_OK;
	if (*yes && q->value != NULL && strcmp(q->key, "enroll.ca") == 0)
		snprintf(j->trusted_ca, sizeof(j->trusted_ca), "%s", q->value);
	return 0;
}

static int
ask_secret(void *ctx, const struct cw_job_q *q, struct cw_secret **out,
    struct cw_error *err)
{
	struct ui_job *j = ctx;
	size_t cap = q->cap ? q->cap : 1024;
	struct cw_secret *a = cw_secret_new(cap), *b = q->twice ? cw_secret_new(cap) : NULL;
	int rc;

	*out = NULL;
	if (a == NULL || (q->twice && b == NULL)) {
		cw_secret_free(a);
		cw_secret_free(b);
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	for (;;) {
		rc = uw_password(q->title, q->text, a);
		if (rc == UW_OK && b != NULL)
			/* TRANSLATORS: the second entry of a masked secret. */
			rc = uw_password(q->title, _("Once more, to be sure:"), b);
		if (rc != UW_OK)
			break;
		if (cw_secret_len(a) == 0)
			continue;
		if (b == NULL || cw_secret_equal(a, b))
			break;
		if ((rc = uw_msgbox(j->title, _("The two entries differ. Enter them again."))) == UW_QUIT)
			break;
	}
	cw_secret_free(b);
	redraw(j);
	if (rc != UW_OK) {
		cw_secret_free(a);
		return unanswered(rc, err);
	}
	*out = a;
	return 0;
}

static int
ask_text(void *ctx, const struct cw_job_q *q, char *buf, size_t cap,
    struct cw_error *err)
{
	int rc = uw_input(q->title, q->text, buf, cap, 0, NULL, NULL);

	redraw(ctx);
	return rc == UW_OK ? 0 : unanswered(rc, err);
}

static int
choose(void *ctx, const struct cw_job_q *q, const char *const *choices,
    size_t n, size_t *sel, struct cw_error *err)
{
	struct ui_job *j = ctx;
	struct uw_item items[8];
	int rc;

	if (n > sizeof(items) / sizeof(items[0]))
		n = sizeof(items) / sizeof(items[0]);
	for (size_t i = 0; i < n; i++) {
		items[i].key = (char)('1' + i);
		items[i].label = choices[i];
		items[i].help = NULL;
	}
	rc = uw_menu(q->title, q->text, items, n, sel);
	redraw(j);
	if (rc != UW_OK)
		return unanswered(rc, err);
	/* Trusted once or saved; a refusal fails the job (nothing is
	 * recorded then). */
	if (q->value != NULL && strcmp(q->key, "ssh.hostkey") == 0)
		snprintf(j->trusted_hostkey, sizeof(j->trusted_hostkey), "%s", q->value);
	return 0;
}

static void
hint(void *ctx, const char *key, const char *value, struct cw_error *err)
{
	(void)ctx;
	(void)value;
	if (strcmp(key, "ssh.hostkey") == 0)
		cw_error_hint(err, "%s", _("Nothing was copied. Check the fingerprint with the server's administrator, then start again and choose \"Trust once\" or \"Trust and save\" on the host key screen."));
	else if (strcmp(key, "sc3.origin") == 0)
		cw_error_hint(err, "%s", _("Both appliances must have the same IP address: give this unit the old unit's management address (or set [device] mgmt_addresses). To restore anyway, start again and answer the question about the addresses with Yes. Nothing was changed."));
	else if (strcmp(key, "ssh.user") == 0)
		cw_error_hint(err, "%s", _("Give the user name as \"SSH user\", or write USER@HOST:PATH; nothing was changed."));
	else if (strcmp(key, "ssh.port") == 0)
		cw_error_hint(err, "%s", _("Check that the host is up, that its SSH server listens on the port given as \"SSH port\" (empty: 22) and that no firewall blocks it; nothing was copied."));
	else if (strcmp(key, "ssh.auth") == 0)
		cw_error_hint(err, "%s", _("Check \"SSH user\" and choose another login method (SSH agent, identity file, password), then start again; nothing was copied."));
	else if (strcmp(key, "job.resume") == 0 || strcmp(key, "job.other_run") == 0)
		cw_error_hint(err, "%s", _("The journal keeps the run: start the same job again, or resume it under \"Unfinished work\" at the next start of certwiz."));
}

const struct cw_job_ops ui_job_ops = {
	progress, say, confirm, ask_secret, ask_text, choose, hint,
};

int
ui_run_job(struct ui_job *j, ui_work_fn *work, void *arg)
{
	struct cw_error err;
	int rc, cancelled;

	if ((j->gauge = uw_gauge_open(j->title)) == NULL)
		return UW_BACK;
	cw_error_clear(&err);
	rc = work(arg, &ui_job_ops, j, &err);
	cancelled = uw_gauge_cancelled(j->gauge);
	uw_gauge_close(j->gauge);
	j->gauge = NULL;
	if (uw_quit_signal())
		return UW_QUIT;
	if (rc == 0)
		return UW_OK;
	/* Stopped by the person (the gauge's Cancel, a question left): the
	 * run waits in the journal.  A cancel with a hint ("restore
	 * cancelled", nothing was changed) is shown as it is. */
	if (cancelled || (err.code == CW_E_CANCELLED && err.hint[0] == '\0'))
		return uw_msgbox(j->title, _("Stopped. The journal keeps the run: the next start of certwiz offers to resume it.")) ==
		    UW_QUIT ? UW_QUIT : UW_BACK;
	return ui_error(j->title, &err) == UW_QUIT ? UW_QUIT : UW_BACK;
}

int
ui_run_with_gauge(const char *title, ui_work_fn *work, void *arg)
{
	struct ui_job j = { .title = title };
	int rc = ui_run_job(&j, work, arg);

	ui_text_release(&j.said);
	return rc;
}
