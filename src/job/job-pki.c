/* job-pki.c - the certificate jobs: the connectivity check and its table,
 * enrollment with a one-time password (its questions through the front
 * end's operations), renewal and the status. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/textwidth.h"
#include "job/flows.h"
#include "job/job-int.h"
#include "pki/cert.h"
#include "pki/enroll.h"
#include "pki/est.h"
#include "pki/netcheck.h"
#include "pki/renew.h"

/* The width a table may take: the wizard's text viewer at 80 columns. */
#define TABLE_COLS 74

/* ---- check */

struct check_ctx {
	const struct cw_job_ops *ops;
	void *ctx;
};

static int
check_progress(void *vctx, size_t done, size_t total,
    const struct cw_netcheck_result *finished)
{
	struct check_ctx *c = vctx;
	char label[CW_NETCHECK_REASON_MAX + 64];

	if (c->ops == NULL || c->ops->progress == NULL)
		return 0;
	/* TRANSLATORS: progress while checking; endpoint, then ok/failed. */
	snprintf(label, sizeof(label), _("%s: %s"), finished->endpoint,
	    finished->ok ? _("ok") : _("FAILED"));
	/* "Step DONE of TOTAL", the bar at DONE/TOTAL. */
	return c->ops->progress(c->ctx, done > 0 ? done - 1 : 0, total, 1.0, label);
}

static void
table(const struct cw_netcheck_report *rep, FILE *t)
{
	/* TRANSLATORS: column headings of the connectivity check table. */
	const char *h_end = _("ENDPOINT"), *h_res = _("RESULT"),
	    *h_time = _("TIME"), *h_why = _("REASON");
	/* TRANSLATORS: result of one endpoint in the check table. */
	const char *s_ok = _("ok"), *s_fail = _("FAILED");
	int w_end = cw_textwidth(h_end), w_res = cw_textwidth(h_res);
	int w_time = cw_textwidth(h_time);
	char ms[32];

	if (cw_textwidth(s_ok) > w_res)
		w_res = cw_textwidth(s_ok);
	if (cw_textwidth(s_fail) > w_res)
		w_res = cw_textwidth(s_fail);
	for (size_t i = 0; i < rep->n; i++) {
		/* TRANSLATORS: a duration in milliseconds. */
		snprintf(ms, sizeof(ms), _("%ld ms"), rep->results[i].time_ms);
		if (cw_textwidth(rep->results[i].endpoint) > w_end)
			w_end = cw_textwidth(rep->results[i].endpoint);
		if (cw_textwidth(ms) > w_time)
			w_time = cw_textwidth(ms);
	}
	w_end += 2;
	w_res += 2;
	w_time += 2;

	if (rep->failed == 0)
		fprintf(t, ngettext("The %zu endpoint can be reached (%.1f s).\n\n",
		    "All %zu endpoints can be reached (%.1f s).\n\n", rep->n),
		    rep->n, rep->elapsed_ms / 1000.0);
	else
		fprintf(t, ngettext("%zu of %zu endpoint cannot be reached (%.1f s).\n\n",
		    "%zu of %zu endpoints cannot be reached (%.1f s).\n\n", rep->n),
		    rep->failed, rep->n, rep->elapsed_ms / 1000.0);
	cw_textwidth_pad(t, h_end, w_end);
	cw_textwidth_pad(t, h_res, w_res);
	cw_textwidth_pad(t, h_time, w_time);
	fprintf(t, "%s\n", h_why);
	for (size_t i = 0; i < rep->n; i++) {
		const struct cw_netcheck_result *r = &rep->results[i];

		snprintf(ms, sizeof(ms), _("%ld ms"), r->time_ms);
		cw_textwidth_pad(t, r->endpoint, w_end);
		cw_textwidth_pad(t, r->ok ? s_ok : s_fail, w_res);
		if (r->ok)
			fprintf(t, "%s\n", ms);
		else if (w_end + w_res + w_time + cw_textwidth(r->reason) <= TABLE_COLS) {
			cw_textwidth_pad(t, ms, w_time);
			fprintf(t, "%s\n", r->reason);
		} else
			fprintf(t, "%s\n    %s\n", ms, r->reason);
		if (strchr(r->endpoint, '*') != NULL)
			/* TRANSLATORS: under a wildcard entry such as *.example.com:443. */
			fprintf(t, _("    (checked through %s)\n"), r->host);
	}
}

int
cw_job_check(const struct cw_cfg *cfg, const struct cw_job_ops *ops,
    void *ctx, struct cw_netcheck_report **rep, char **text,
    struct cw_error *err)
{
	struct check_ctx c = { ops, ctx };
	size_t len = 0;
	FILE *t;

	*text = NULL;
	if (cw_netcheck_run(cfg, check_progress, &c, rep, err) == -1)
		return -1;
	if ((t = open_memstream(text, &len)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	table(*rep, t);
	if (fclose(t) != 0) {
		free(*text);
		*text = NULL;
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	return 0;
}

int
cw_job_check_failed(const struct cw_netcheck_report *rep, struct cw_error *err)
{
	cw_error_set(err, CW_E_NET,
	    ngettext("%zu of %zu endpoints cannot be reached",
	    "%zu of %zu endpoints cannot be reached", rep->n),
	    rep->failed, rep->n);
	return cw_error_hint(err, _("Allow these hosts and ports in the firewall or proxy, then run 'certwiz check' again. Nothing was changed."));
}

/* ---- enroll */

struct enroll_job {
	const struct cw_job_enroll_in *in;
	const struct cw_job_ops *ops;
	void *ctx;
};

/* No trust anchor yet: every certificate /cacerts sent, then one
 * question per root; *chosen = the root confirmed, (size_t)-1 for none. */
static int
confirm_ca(void *vctx, const struct cw_est_cert *certs, size_t n,
    size_t *chosen, struct cw_error *err)
{
	struct enroll_job *j = vctx;
	char list[4096] = "", text[4608], one[1024];
	struct cw_job_q q = { "enroll.ca", _("Trust the enrollment CA?"), text,
	    "--accept-ca SHA256", 0, 0 };
	int yes = 0;

	*chosen = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		snprintf(one, sizeof(one),
		    /* TRANSLATORS: one certificate from /cacerts, its SHA-256
		     * whole on a line of its own (to compare and to copy into
		     * --accept-ca); the last %s is " (root)" or "". */
		    _("[%zu] %s\n    issuer: %s\n    SHA-256:\n    %s%s\n"),
		    i + 1, certs[i].subject, certs[i].issuer, certs[i].fingerprint,
		    certs[i].self_signed ? _(" (root)") : "");
		if (strlen(list) + strlen(one) < sizeof(list))
			strcat(list, one);
	}
	if (j->in->accept_ca != NULL) {
		cw_job_say(j->ops, j->ctx, CW_JOB_INFO, "%s", list);
		for (size_t i = 0; i < n; i++)
			if (cw_enroll_fingerprint_equal(j->in->accept_ca, certs[i].fingerprint)) {
				cw_job_say(j->ops, j->ctx, CW_JOB_INFO,
				    _("Certificate [%zu] matches --accept-ca."), i + 1);
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
		if (!certs[i].self_signed)
			continue;
		snprintf(text, sizeof(text),
		    _("No trust anchor is installed. The enrollment service sent:\n\n%s\nTrust root [%zu]? Only if its fingerprint is the one your support portal shows."),
		    list, i + 1);
		if (cw_job_confirm(j->ops, j->ctx, &q, &yes, err) == -1)
			return -1;
		if (yes) {
			*chosen = i;
			return 0;
		}
	}
	return 0;
}

static int
read_otp(void *vctx, int again, struct cw_secret **out, struct cw_error *err)
{
	struct enroll_job *j = vctx;
	struct cw_job_q q = { "enroll.otp", _("One-time password"),
	    again ? _("That was not an OTP (8 to 64 letters and digits). Paste it again:") :
	    _("Paste the OTP from the support portal. It is valid 60 minutes and works once:"),
	    "--otp-file FILE|-", 0, CW_ENROLL_OTP_CAP };

	if (j->in->otp_file != NULL) {
		if (again)
			return cw_error_set(err, CW_E_USAGE,
			    _("the one-time password in '%s' is not usable"), j->in->otp_file);
		return cw_secret_read_file(j->in->otp_file, CW_ENROLL_OTP_CAP, 0, out, err);
	}
	return cw_job_ask_secret(j->ops, j->ctx, &q, out, err);
}

/* "  LABEL   VALUE\n" with LABEL padded to w columns. */
static void __attribute__((format(printf, 4, 5)))
summary_row(FILE *f, const char *label, int w, const char *fmt, ...)
{
	va_list ap;

	fputs("  ", f);
	cw_textwidth_pad(f, label, w);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

static int
confirm_send(void *vctx, const struct cw_enroll_summary *s, int *yes,
    struct cw_error *err)
{
	struct enroll_job *j = vctx;
	const char *lab[] = { _("device serial:"), _("enrollment URL:"),
	    _("service reachable:"), _("time:"), _("trust anchor:"),
	    /* TRANSLATORS: the trust anchor's fingerprint, indented under it. */
	    _("SHA-256:"), _("key:"), _("install into:"),
	    /* TRANSLATORS: what the request carries for the server's
	     * /csrattrs, and the proof-of-possession linking. */
	    _("request:"), _("linking:") };
	struct cw_job_q q = { "enroll.send", _("Send the request?"), NULL, "--yes", 0, 0 };
	char *text = NULL;
	size_t len = 0;
	int w = 0, rc;
	FILE *f;

	/* Labels padded by display width, so the values line up in any
	 * language. */
	for (size_t i = 0; i < sizeof(lab) / sizeof(lab[0]); i++) {
		int lw = cw_textwidth(lab[i]) + (i == 5 ? 2 : 0);	/* indented */

		if (lw > w)
			w = lw;
	}
	w++;
	if ((f = open_memstream(&text, &len)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	fprintf(f, "%s\n", _("Ready to request the device certificate:"));
	summary_row(f, lab[0], w, "%s", s->serial);
	summary_row(f, lab[1], w, "%s", s->url);
	if (s->endpoint_ms >= 0)
		summary_row(f, lab[2], w, _("yes, verified TLS in %ld ms"), s->endpoint_ms);
	summary_row(f, lab[3], w, "%s", s->time_status);
	summary_row(f, lab[4], w, "%s", s->anchor_subject[0] ? s->anchor_subject : "?");
	fputs("  ", f);
	summary_row(f, lab[5], w - 2, "%s", s->anchor_fingerprint[0] ? s->anchor_fingerprint : "?");
	summary_row(f, lab[6], w, _("%s (new, stays on this appliance)"), s->key_type ? s->key_type : "?");
	summary_row(f, lab[7], w, _("%s (the current files are kept as *.prev)"), s->cert_dir);
	if (s->csr_attrs != NULL && s->csr_attrs[0] != '\0')
		summary_row(f, lab[8], w, "%s", s->csr_attrs);
	if (s->pop != NULL)
		summary_row(f, lab[9], w, "%s", s->pop);
	if (s->resend)
		fprintf(f, "%s\n", _("  The same request as in the interrupted attempt is sent again."));
	fprintf(f, "%s", _("The one-time password works once: if this request fails, you need a new one."));
	if (fclose(f) != 0) {
		free(text);
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	if (j->in->yes) {
		cw_job_say(j->ops, j->ctx, CW_JOB_INFO, "%s", text);
		free(text);
		*yes = 1;
		return 0;
	}
	q.text = text;
	rc = cw_job_confirm(j->ops, j->ctx, &q, yes, err);
	free(text);
	return rc;
}

static void
notice(void *vctx, const char *text)
{
	struct enroll_job *j = vctx;

	cw_job_say(j->ops, j->ctx, CW_JOB_NOTICE, "%s", text);
}

static void
enroll_ops(struct enroll_job *j, struct cw_enroll_ops *eo)
{
	memset(eo, 0, sizeof(*eo));
	eo->confirm_ca = confirm_ca;
	eo->read_otp = read_otp;
	eo->confirm_send = confirm_send;
	eo->notice = notice;
	eo->ctx = j;
}

int
cw_job_enroll(const struct cw_cfg *cfg, const struct cw_job_enroll_in *in,
    const struct cw_job_ops *ops, void *ctx, struct cw_error *err)
{
	struct enroll_job j = { in, ops, ctx };
	struct cw_enroll_ops eo;
	struct cw_enroll e = { .ops = &eo, .allow_unproven_time = in->allow_unproven_time };
	struct cw_lock *lock = NULL;
	int rc;

	enroll_ops(&j, &eo);
	if (cw_lock_acquire(cfg->state_dir, &lock, err) == -1)
		return -1;
	rc = cw_enroll_run(cfg, &e, ops != NULL ? ops->progress : NULL, ctx, err);
	cw_lock_release(lock);
	return rc;
}

int
cw_job_enroll_resume(struct cw_flow *run, const struct cw_job_ops *ops,
    void *ctx, struct cw_error *err)
{
	static const struct cw_job_enroll_in none = { 0 };
	struct enroll_job j = { &none, ops, ctx };
	struct cw_enroll_ops eo;
	struct cw_enroll e = { .ops = &eo };
	int rc;

	enroll_ops(&j, &eo);
	if (cw_est_global_init(err) == -1)
		return -1;
	cw_flow_set_user(run, &e);
	rc = cw_job_run_flow(run, ops, ctx, err);
	cw_flow_set_user(run, NULL);
	cw_secret_free(e.otp);
	return rc;
}

/* ---- renew and status */

int
cw_job_renew(const struct cw_cfg *cfg, const struct cw_job_renew_in *in,
    const struct cw_job_ops *ops, void *ctx, struct cw_renew_result *res,
    struct cw_error *err)
{
	struct cw_lock *lock = NULL;
	int rc;

	(void)ops;
	(void)ctx;
	memset(res, 0, sizeof(*res));
	res->outcome = CW_RENEW_FAILED;
	if (cw_lock_acquire(cfg->state_dir, &lock, err) == -1)
		return -1;
	rc = cw_renew_run(cfg, in->force, in->dry_run, res, err);
	cw_lock_release(lock);
	return rc;
}

int
cw_job_renew_resume(struct cw_flow *run, const struct cw_job_ops *ops,
    void *ctx, struct cw_error *err)
{
	return cw_renew_resume(run, ops != NULL ? ops->progress : NULL, ctx, err);
}

int
cw_job_status(const struct cw_cfg *cfg, struct cw_cert_status *st,
    struct cw_error *err)
{
	return cw_cert_status_read(cfg, time(NULL), st, err);
}
