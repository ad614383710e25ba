/* renew.c - the renewal flow (renew.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "pki/cert.h"
#include "pki/enroll.h"
#include "pki/enroll-int.h"
#include "pki/est.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "pki/renew.h"

static int
dry_run(struct cw_flow *run)
{
	const char *v = cw_flow_fact(run, "dry_run");

	return v != NULL && strcmp(v, "1") == 0;
}

/* An EST client authenticated with the installed certificate: mutual TLS,
 * verified against the installed anchor alone (est.c). */
static int
open_mtls(const struct cw_cfg *cfg, struct cw_est **est, struct cw_error *err)
{
	struct cw_est_opts o;
	char crt[4096], key[4096];

	snprintf(crt, sizeof(crt), "%s/%s", cfg->cert_dir, CW_CERT_CRT_FILE);
	snprintf(key, sizeof(key), "%s/%s", cfg->cert_dir, CW_CERT_KEY_FILE);
	cw_est_opts_init(&o, cfg);
	o.client_cert = crt;
	o.client_key = key;
	o.max_tls12 = strcmp(cfg->pop_linking, "required") == 0;
	return cw_est_new(&o, est, err);
}

/* What the service asks for in the request (/csrattrs), over the same
 * anchor-only mutual TLS as the request itself: a device enrolled with the
 * key, hash and attributes the service asked for renews with them too. */
static int
step_attrs(struct cw_flow *run, struct cw_error *err)
{
	struct cw_est *est = NULL;
	struct cw_est_csrattrs attrs = { 0 };
	int rc = -1;

	if (open_mtls(cw_flow_cfg(run), &est, err) == -1 ||
	    cw_est_csrattrs(est, &attrs, err) == -1 ||
	    cw_enroll_profile(run, NULL, &attrs, cw_est_tls_version(est), err) == -1)
		goto out;
	rc = 0;
out:
	cw_est_csrattrs_release(&attrs);
	cw_est_free(est);
	return rc;
}

static int
step_reenroll(struct cw_flow *run, struct cw_error *err)
{
	const struct cw_cfg *cfg = cw_flow_cfg(run);
	struct cw_est *est = NULL;
	struct cw_est_certs certs = { 0 };
	char crt[4096], *csr = NULL;
	size_t csrlen = 0;
	int rc = -1;

	snprintf(crt, sizeof(crt), "%s/%s", cfg->cert_dir, CW_CERT_CRT_FILE);
	/* The staged request must still be readable (the record of what is
	 * sent); the one sent is signed on its connection. */
	if (cw_enroll_read_csr(run, &csr, &csrlen, err) == -1 ||
	    open_mtls(cfg, &est, err) == -1)
		goto out;
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO,
	    "sending the renewal request to '%s', authenticated with '%s'",
	    cfg->enroll_url, crt);
	/* Signed on its connection, like the enrollment: a server that
	 * links renewals (tls-unique) accepts it, others ignore it. */
	rc = cw_est_simplereenroll_linked(est, cw_enroll_sign_for_connection,
	    run, &certs, err);
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO, "renewal request sent over %s%s",
	    cw_est_tls_version(est)[0] ? cw_est_tls_version(est) : "TLS",
	    cw_est_linked(est) ? ", bound to the connection (tls-unique)" : ", not bound (no tls-unique)");
	if (rc == -1) {
		cw_log_msg(cw_flow_log(run), CW_LOG_ERROR,
		    "renewal request failed (HTTP %ld, %s)", cw_est_http_status(est),
		    cw_est_delivery_name(cw_est_delivery(est)));
		goto out;
	}
	rc = -1;
	if (cw_enroll_stage_answer(run, &certs, err) == -1)
		goto out;
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO, "certificate received: \"%s\" SHA-256 %s",
	    certs.certs[0].subject, certs.certs[0].fingerprint);
	rc = 0;
out:
	free(csr);
	cw_est_certs_release(&certs);
	cw_est_free(est);
	return rc;
}

static int
step_install(struct cw_flow *run, struct cw_error *err)
{
	if (dry_run(run)) {
		cw_log_msg(cw_flow_log(run), CW_LOG_INFO,
		    "dry run: the new certificate (SHA-256 %s) was verified and is not installed",
		    cw_flow_fact(run, "cert_sha256"));
		return 0;
	}
	return cw_enroll_step_install(run, err);
}

static int
step_post_install(struct cw_flow *run, struct cw_error *err)
{
	if (dry_run(run))
		return 0;
	return cw_enroll_step_post_install(run, err);
}

static const struct cw_flow_step steps[] = {
	/* TRANSLATORS: renewal steps. */
	{ "csrattrs", N_("Read what the service asks for in the request"), step_attrs, NULL },
	{ "key", N_("Create the new device key"), cw_enroll_step_key, cw_enroll_check_key },
	{ "csr", N_("Create the certificate request"), cw_enroll_step_csr, cw_enroll_check_csr },
	{ "simplereenroll", N_("Request the new certificate with the current one"), step_reenroll, cw_enroll_check_staged },
	{ "verify", N_("Verify the new certificate"), cw_enroll_step_verify, NULL },
	{ "install", N_("Install key, certificate and chain"), step_install, NULL },
	{ "post-install", N_("Run the post-install command"), step_post_install, NULL },
};

const struct cw_flow_def cw_renew_flow = {
	.name = "renew",
	.label = N_("Device certificate renewal"),
	.log_name = "renew",
	.steps = steps,
	.nsteps = sizeof(steps) / sizeof(steps[0]),
	.abandon = NULL,
};

int
cw_renew_resume(struct cw_flow *run, cw_flow_progress_fn *progress,
    void *ctx, struct cw_error *err)
{
	if (cw_est_global_init(err) == -1)
		return -1;
	return cw_flow_run(run, progress, ctx, err);
}

time_t
cw_renew_next_attempt(time_t now, time_t prev_last, time_t prev_next,
    unsigned jitter_rand)
{
	time_t iv = CW_RENEW_BACKOFF_MIN;

	if (prev_last > 0 && prev_next > prev_last) {
		/* The previous interval without its jitter is at least 4/5 of it. */
		iv = (prev_next - prev_last) * 2;
		if (iv < CW_RENEW_BACKOFF_MIN)
			iv = CW_RENEW_BACKOFF_MIN;
	}
	if (iv > CW_RENEW_BACKOFF_MAX)
		iv = CW_RENEW_BACKOFF_MAX;
	return now + iv + (time_t)(jitter_rand % (unsigned)(iv / 4 + 1));
}

/* Abandons unfinished renewal runs for another certificate or mode: a
 * renewal is automatic, nobody will resume them by hand. */
static int
abandon_stale(const struct cw_cfg *cfg, struct cw_log *log, struct cw_error *err)
{
	struct cw_journal_run_info *runs = NULL;
	size_t n = 0;
	int rc = 0;

	if (cw_journal_list(cfg, 0, &runs, &n, err) == -1)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct cw_flow *r = NULL;
		if (strcmp(runs[i].flow, "renew") != 0)
			continue;
		if (cw_flow_open_id(cfg, &cw_renew_flow, runs[i].id, NULL, &r, err) == -1 ||
		    cw_flow_abandon(r, err) == -1)
			rc = -1;
		else
			cw_log_msg(log, CW_LOG_INFO, "abandoned the stale renewal run %s", runs[i].id);
		cw_flow_free(r);
	}
	free(runs);
	return rc;
}

static int
open_run(const struct cw_cfg *cfg, const struct cw_cert_status *st, int dry,
    struct cw_log *log, struct cw_flow **run, struct cw_error *err)
{
	const struct cw_fact inputs[] = {
		{ "serial", cfg->device_serial ? cfg->device_serial : "" },
		{ "url", cfg->enroll_url ? cfg->enroll_url : "" },
		{ "cert_dir", cfg->cert_dir },
		{ "key_type", cw_cfg_key_type_name(cfg->key_type) },
		{ "old_sha256", st->fingerprint_sha256 },
		{ "dry_run", dry ? "1" : "0" },
	};
	size_t n = sizeof(inputs) / sizeof(inputs[0]);

	if (cw_flow_open(cfg, &cw_renew_flow, inputs, n, NULL, run, err) == 0)
		return 0;
	if (err->code != CW_E_STATE)
		return -1;
	cw_error_clear(err);
	if (abandon_stale(cfg, log, err) == -1)
		return -1;
	return cw_flow_open(cfg, &cw_renew_flow, inputs, n, NULL, run, err);
}

/* Refuses a state that cannot renew, with what to do instead. */
static int
refuse(const struct cw_cert_status *st, struct cw_error *err)
{
	char when[32];

	switch (st->state) {
	case CW_CERT_STATE_MISSING:
		cw_error_set(err, CW_E_STATE, _("no device certificate is installed, so there is nothing to renew"));
		return cw_error_hint(err, _("Generate an OTP in the support portal and run 'certwiz cert fetch'."));
	case CW_CERT_STATE_EXPIRED:
		cw_error_set(err, CW_E_STATE,
		    _("the device certificate expired on %s and cannot renew itself: a new one-time password is needed"),
		    cw_cert_time_rfc3339(st->not_after, when, sizeof(when)));
		return cw_error_hint(err, _("Generate an OTP in the support portal and run 'certwiz cert fetch' (or the wizard): that restores the certificate. Nothing was changed."));
	default:
		cw_error_set(err, CW_E_STATE, _("the installed device certificate is broken and cannot be renewed: %s"),
		    st->problem_text);
		return cw_error_hint(err, _("Generate an OTP in the support portal and run 'certwiz cert fetch' to install a new one. Nothing was changed."));
	}
}

int
cw_renew_run(const struct cw_cfg *cfg, int force, int dry, struct cw_renew_result *res,
    struct cw_error *err)
{
	struct cw_cert_status st;
	struct cw_flow *run = NULL;
	struct cw_log *log = NULL;
	time_t now = time(NULL);
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (cw_cert_status_read(cfg, now, &st, err) == -1)
		return -1;
	res->state = (int)st.state;
	res->not_after = st.not_after;
	res->renew_at = st.renew_at;
	if (st.state == CW_CERT_STATE_MISSING || st.state == CW_CERT_STATE_EXPIRED ||
	    st.state == CW_CERT_STATE_BROKEN) {
		res->outcome = CW_RENEW_REFUSED;
		return refuse(&st, err);
	}
	if (!force && !dry && st.state == CW_CERT_STATE_VALID) {
		res->outcome = CW_RENEW_NOT_DUE;
		return 0;
	}
	if (!force && !dry && st.state == CW_CERT_STATE_RENEWAL_FAILING &&
	    now < st.next_renewal_attempt) {
		res->outcome = CW_RENEW_BACKING_OFF;
		res->next_attempt = st.next_renewal_attempt;
		return 0;
	}
	res->would_renew = force || st.state != CW_CERT_STATE_VALID;
	if (cw_log_open(cfg, "renew", &log, err) == -1 ||
	    cw_est_global_init(err) == -1 ||
	    open_run(cfg, &st, dry, log, &run, err) == -1 ||
	    cw_flow_run(run, NULL, NULL, err) == -1) {
		res->outcome = CW_RENEW_FAILED;
		if (!dry && st.have_cert) {
			unsigned r = 0;
			struct cw_error e2;
			char msg[CW_ERR_MSG_MAX];

			if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
				r = (unsigned)now;
			res->next_attempt = cw_renew_next_attempt(now,
			    st.last_renewal_attempt, st.next_renewal_attempt, r);
			/* The error in words with the library's reason. */
			if (snprintf(msg, sizeof(msg), "%s%s%s", err->msg,
			    err->detail[0] ? ": " : "", err->detail) >= (int)sizeof(msg))
				msg[sizeof(msg) - 1] = '\0';	/* cut: one line is enough */
			cw_error_clear(&e2);
			if (cw_cert_renew_state_write(cfg->state_dir, st.fingerprint_sha256,
			    now, res->next_attempt, msg, &e2) == -1)
				cw_log_error(log, &e2);
		}
		if (log != NULL)
			cw_log_error(log, err);
		goto out;
	}
	res->outcome = dry ? CW_RENEW_DRY_RUN_OK : CW_RENEW_RENEWED;
	if (!dry && cw_cert_status_read(cfg, time(NULL), &st, err) == 0)
		res->not_after = st.not_after;
	cw_error_clear(err);
	rc = 0;
out:
	cw_flow_free(run);
	cw_log_close(log);
	return rc;
}
