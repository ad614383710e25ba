/* enroll-cli.c - the enrollment flow's ops for the command line
 * (`certwiz cert fetch`, `certwiz journal resume`): messages on stdout,
 * questions and the masked OTP prompt on the terminal (prompt.h), or
 * --otp-file / --accept-ca / --yes for scripts. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pki/enroll.h"
#include "pki/est.h"
#include "core/i18n.h"
#include "cli/prompt.h"
#include "core/textwidth.h"

static int
cli_confirm_ca(void *ctx, const struct cw_est_cert *certs, size_t n,
    size_t *chosen, struct cw_error *err)
{
	struct cw_enroll_cli *cli = ctx;
	int yes = 0;

	*chosen = (size_t)-1;
	printf(ngettext("No trust anchor is installed. The enrollment service sent %zu certificate:\n",
	    "No trust anchor is installed. The enrollment service sent %zu certificates:\n", n), n);
	for (size_t i = 0; i < n; i++)
		/* TRANSLATORS: one certificate from /cacerts; the last %s is
		 * " (root)" or "". */
		printf(_("  [%zu] subject: %s\n      issuer:  %s\n      SHA-256: %s%s\n"), i + 1,
		    certs[i].subject, certs[i].issuer, certs[i].fingerprint,
		    certs[i].self_signed ? _(" (root)") : "");
	fflush(stdout);
	if (cli->accept_ca != NULL) {
		for (size_t i = 0; i < n; i++)
			if (cw_enroll_fingerprint_equal(cli->accept_ca, certs[i].fingerprint)) {
				printf(_("Certificate [%zu] matches --accept-ca.\n"), i + 1);
				*chosen = i;
				return 0;
			}
		cw_error_set(err, CW_E_CRYPTO,
		    _("no certificate of the enrollment service has the fingerprint given with --accept-ca"));
		return cw_error_hint(err,
		    _("Check the fingerprint with your support portal; someone may be between this appliance and the service. Nothing was changed; no OTP was used."));
	}
	/* One root at most is trusted: ask for each in turn. */
	for (size_t i = 0; i < n; i++) {
		char q[512];

		if (!certs[i].self_signed)
			continue;
		snprintf(q, sizeof(q), _("Trust root [%zu] (SHA-256 %.16s...) for enrollment and renewal? (the fingerprint must match the one from your support portal) [y/N] "),
		    i + 1, certs[i].fingerprint);
		if (cw_prompt_yesno(q, &yes, err) == -1)
			return -1;
		if (yes) {
			*chosen = i;
			return 0;
		}
	}
	return 0;
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

/* "  LABEL   VALUE\n" with LABEL padded to w columns. */
static void __attribute__((format(printf, 3, 4)))
summary_row(const char *label, int w, const char *fmt, ...)
{
	va_list ap;

	fputs("  ", stdout);
	cw_textwidth_pad(stdout, label, w);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static int
cli_confirm_send(void *ctx, const struct cw_enroll_summary *s, int *yes,
    struct cw_error *err)
{
	struct cw_enroll_cli *cli = ctx;
	const char *lab[] = { _("device serial:"), _("enrollment URL:"),
	    _("service reachable:"), _("time:"), _("trust anchor:"),
	    /* TRANSLATORS: the trust anchor's fingerprint, indented under it. */
	    _("SHA-256:"), _("key:"), _("install into:"),
	    /* TRANSLATORS: what the request carries for the server's
	     * /csrattrs, and the proof-of-possession linking. */
	    _("request:"), _("linking:") };
	int w = 0;

	/* Labels padded by display width, so the values line up in any
	 * language (not blanks inside each message). */
	for (size_t i = 0; i < sizeof(lab) / sizeof(lab[0]); i++) {
		int lw = cw_textwidth(lab[i]) + (i == 5 ? 2 : 0);	/* indented */

		if (lw > w)
			w = lw;
	}
	w++;
	printf("%s\n", _("Ready to request the device certificate:"));
	summary_row(lab[0], w, "%s", s->serial);
	summary_row(lab[1], w, "%s", s->url);
	if (s->endpoint_ms >= 0)
		summary_row(lab[2], w, _("yes, verified TLS in %ld ms"), s->endpoint_ms);
	summary_row(lab[3], w, "%s", s->time_status);
	summary_row(lab[4], w, "%s", s->anchor_subject[0] ? s->anchor_subject : "?");
	fputs("  ", stdout);
	summary_row(lab[5], w - 2, "%s", s->anchor_fingerprint[0] ? s->anchor_fingerprint : "?");
	summary_row(lab[6], w, _("%s (new, stays on this appliance)"), s->key_type ? s->key_type : "?");
	summary_row(lab[7], w, _("%s (the current files are kept as *.prev)"), s->cert_dir);
	if (s->csr_attrs != NULL && s->csr_attrs[0] != '\0')
		summary_row(lab[8], w, "%s", s->csr_attrs);
	if (s->pop != NULL)
		summary_row(lab[9], w, "%s", s->pop);
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
	struct cw_enroll e = { .ops = &ops };
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
