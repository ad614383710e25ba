/* enroll-cli.c - the enrollment flow's ops for the command line
 * (`certwiz cert fetch`, `certwiz journal resume`): messages on stdout,
 * questions and the masked OTP prompt on the terminal (prompt.h), or
 * --otp-file / --accept-ca / --yes for scripts. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "enroll.h"
#include "est.h"
#include "i18n.h"
#include "prompt.h"

static int
cli_confirm_ca(void *ctx, const char *subject, const char *fingerprint,
    int *yes, struct cw_error *err)
{
	struct cw_enroll_cli *cli = ctx;

	printf(_("No trust anchor is installed. The enrollment service offers this CA:\n"
	    "  subject: %s\n  SHA-256: %s\n"), subject, fingerprint);
	fflush(stdout);
	if (cli->accept_ca != NULL) {
		*yes = cw_enroll_fingerprint_equal(cli->accept_ca, fingerprint);
		if (!*yes) {
			cw_error_set(err, CW_E_CRYPTO,
			    _("the CA fingerprint is not the one given with --accept-ca"));
			cw_error_detail(err, "%s", fingerprint);
			return cw_error_hint(err,
			    _("Check the fingerprint with your support portal; someone may be between this appliance and the service. Nothing was changed; no OTP was used."));
		}
		printf("%s\n", _("It matches --accept-ca."));
		return 0;
	}
	return cw_prompt_yesno(_("Trust this CA for enrollment and renewal? (the fingerprint must match the one from your support portal) [y/N] "),
	    yes, err);
}

static int
cli_read_otp(void *ctx, int again, struct cw_secret **out, struct cw_error *err)
{
	struct cw_enroll_cli *cli = ctx;

	if (cli->otp_file != NULL) {
		if (again)
			return cw_error_set(err, CW_E_USAGE,
			    _("the one-time password in '%s' is not usable"), cli->otp_file);
		return cw_secret_read_file(cli->otp_file, CW_ENROLL_OTP_CAP, 0, out, err);
	}
	/* TRANSLATORS: the OTP prompt; the OTP is not echoed. */
	return cw_prompt_secret(_("One-time password (valid 60 minutes, works once; not shown): "),
	    NULL, CW_ENROLL_OTP_CAP, "--otp-file FILE|-", out, err);
}

static int
cli_confirm_send(void *ctx, const struct cw_enroll_summary *s, int *yes,
    struct cw_error *err)
{
	struct cw_enroll_cli *cli = ctx;

	printf("%s\n", _("Ready to request the device certificate:"));
	printf(_("  device serial:     %s\n"), s->serial);
	printf(_("  enrollment URL:    %s\n"), s->url);
	if (s->endpoint_ms >= 0)
		printf(_("  service reachable: yes, verified TLS in %ld ms\n"), s->endpoint_ms);
	printf(_("  time:              %s\n"), s->time_status);
	printf(_("  trust anchor:      %s\n"), s->anchor_subject[0] ? s->anchor_subject : "?");
	printf(_("    SHA-256:         %s\n"), s->anchor_fingerprint[0] ? s->anchor_fingerprint : "?");
	printf(_("  key:               %s (new, stays on this appliance)\n"), s->key_type ? s->key_type : "?");
	printf(_("  install into:      %s (the current files are kept as *.prev)\n"), s->cert_dir);
	if (s->resend)
		printf("%s\n", _("  The same request as in the interrupted attempt is sent again."));
	printf("%s\n", _("The one-time password works once: if this request fails, you need a new one."));
	fflush(stdout);
	if (cli->yes) {
		*yes = 1;
		return 0;
	}
	return cw_prompt_yesno(_("Send the request now? [y/N] "), yes, err);
}

static void
cli_notice(void *ctx, const char *text)
{
	(void)ctx;
	printf("%s\n", text);
	fflush(stdout);
}

void
cw_enroll_cli_ops(struct cw_enroll_cli *cli, struct cw_enroll_ops *ops)
{
	memset(ops, 0, sizeof(*ops));
	ops->confirm_ca = cli_confirm_ca;
	ops->read_otp = cli_read_otp;
	ops->confirm_send = cli_confirm_send;
	ops->notice = cli_notice;
	ops->ctx = cli;
}

static const struct cw_enroll_ops *resume_ops;

void
cw_enroll_set_resume_ops(const struct cw_enroll_ops *ops)
{
	resume_ops = ops;
}

int
cw_enroll_resume(struct cw_flow *run, cw_flow_progress_fn *progress,
    void *ctx, struct cw_error *err)
{
	struct cw_enroll_cli cli = { NULL, NULL, 0 };
	struct cw_enroll_ops ops;
	struct cw_enroll e = { &ops, NULL, 0 };
	int rc;

	cw_enroll_cli_ops(&cli, &ops);
	if (resume_ops != NULL)
		e.ops = resume_ops;
	if (cw_est_global_init(err) == -1)
		return -1;
	cw_flow_set_user(run, &e);
	rc = cw_flow_run(run, progress, ctx, err);
	cw_flow_set_user(run, NULL);
	cw_secret_free(e.otp);
	return rc;
}
