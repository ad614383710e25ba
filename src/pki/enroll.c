/* enroll.c - the enrollment flow (enroll.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "pki/cert.h"
#include "pki/enroll.h"
#include "pki/enroll-int.h"
#include "pki/est.h"
#include "core/fileio.h"
#include "ntp/ntp.h"
#include "core/i18n.h"
#include "core/proc.h"

#define STAGE_KEY "device.key"
#define STAGE_CSR "request.csr"
#define STAGE_CERT "device.crt"
#define STAGE_CHAIN "chain.pem"
#define MAX_ATTEMPTS 1000	/* send:N intents a run may hold */

/* ---- small helpers */

static int
stage_path(struct cw_flow *run, const char *name, char *buf, size_t len,
    struct cw_error *err)
{
	if (snprintf(buf, len, "%s/%s", cw_flow_stage_dir(run), name) >= (int)len)
		return cw_error_set(err, CW_E_IO, _("path too long: '%s/%s'"),
		    cw_flow_stage_dir(run), name);
	return 0;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

int
cw_enroll_fingerprint_equal(const char *typed, const char *hex)
{
	size_t j = 0;

	if (typed == NULL || hex == NULL)
		return 0;
	for (const char *p = typed; *p != '\0'; p++) {
		if (*p == ':' || isspace((unsigned char)*p))
			continue;
		if (hex[j] == '\0' || tolower((unsigned char)*p) != hex[j])
			return 0;
		j++;
	}
	return j == 64 && hex[j] == '\0';
}

int
cw_enroll_otp_clean(const struct cw_secret *in, struct cw_secret **out,
    struct cw_error *err)
{
	const char *d = cw_secret_data(in);
	size_t n = cw_secret_len(in), kept = 0;
	struct cw_secret *s = NULL;

	*out = NULL;
	if ((s = cw_secret_new(CW_ENROLL_OTP_MAX)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];
		if (isspace(c))
			continue;
		/* Never echo the character: it is part of a secret. */
		if (!isalnum(c) || c > 0x7e) {
			cw_secret_free(s);
			cw_error_set(err, CW_E_USAGE,
			    _("the one-time password may only hold letters and digits"));
			return cw_error_hint(err,
			    _("Copy the OTP again from the support portal. It was not sent; nothing was changed."));
		}
		if (++kept > CW_ENROLL_OTP_MAX ||
		    cw_secret_append(s, &d[i], 1, err) == -1) {
			cw_secret_free(s);
			cw_error_set(err, CW_E_USAGE,
			    _("the one-time password is too long (more than %d characters)"),
			    CW_ENROLL_OTP_MAX);
			return cw_error_hint(err,
			    _("Copy the OTP again from the support portal. It was not sent; nothing was changed."));
		}
	}
	if (kept < CW_ENROLL_OTP_MIN) {
		cw_secret_free(s);
		if (kept == 0)
			cw_error_set(err, CW_E_USAGE, _("no one-time password was entered"));
		else
			cw_error_set(err, CW_E_USAGE,
			    _("the one-time password is too short (%zu characters, at least %d)"),
			    kept, CW_ENROLL_OTP_MIN);
		return cw_error_hint(err,
		    _("Copy the OTP again from the support portal. It was not sent; nothing was changed."));
	}
	*out = s;
	return 0;
}

/* The NTP time check (ntp.h): proven, or unproven with the reason (NTP
 * not configured, no server answered), which the confirmation shows and
 * the log keeps.  A clock measured too far off blocks the enrollment: the
 * certificate's validity would be judged wrong after the OTP is spent. */
static int
time_check_why(const struct cw_cfg *cfg, char *status, size_t len,
    char *why, size_t wlen, int *proven, struct cw_error *err)
{
	struct cw_ntp_result res[CW_NTP_ROLE__MAX];
	struct cw_error e;

	*proven = 0;
	cw_error_clear(&e);
	if (cw_ntp_check_time(cfg, res, &e) == 0) {
		for (int r = 0; r < CW_NTP_ROLE__MAX; r++)
			if (res[r].status == CW_NTP_OK && res[r].answered) {
				*proven = 1;
				/* TRANSLATORS: the proven time in the enrollment summary. */
				snprintf(status, len, _("proven: offset %+.0f ms from %s (stratum %d%s)"),
				    res[r].sample.offset_ms, res[r].sample.address,
				    res[r].sample.stratum,
				    res[r].sample.authenticated ? _(", authenticated") : "");
				return 0;
			}
	}
	for (int r = 0; r < CW_NTP_ROLE__MAX; r++)
		if (res[r].status == CW_NTP_OFFSET) {
			*err = e;
			return cw_error_hint(err, _("Fix the clock (NTP) first: a certificate cannot be checked with a wrong clock. No OTP was used; nothing was changed."));
		}
	/* TRANSLATORS: %s is why, e.g. "certwiz has not configured NTP yet". */
	snprintf(status, len, _("UNPROVEN: %s"), e.msg);
	if (why != NULL)
		snprintf(why, wlen, "%s", e.msg);
	return 0;
}

static int
enroll_time_check(const struct cw_cfg *cfg, char *status, size_t len,
    int *proven, struct cw_error *err)
{
	return time_check_why(cfg, status, len, NULL, 0, proven, err);
}

/* ---- steps */

static int
step_preflight(struct cw_flow *run, struct cw_error *err)
{
	const struct cw_cfg *cfg = cw_flow_cfg(run);
	struct cw_enroll *e = cw_flow_user(run);
	struct cw_est_opts o;
	struct cw_est *est = NULL;
	struct cw_est_certs certs = { 0 };
	struct cw_est_csrattrs attrs = { 0 };
	struct timespec t0;
	char status[CW_ERR_MSG_MAX + 64], why[CW_ERR_MSG_MAX], buf[32];
	int proven = 0, rc = -1;

	if (cfg->device_serial == NULL || cfg->device_serial[0] == '\0') {
		cw_error_set(err, CW_E_CONFIG, _("no device serial number is configured"));
		return cw_error_hint(err, _("Set [device] serial in '%s'."),
		    cfg->path ? cfg->path : cw_cfg_default_path());
	}
	if (cfg->enroll_url == NULL || cfg->enroll_url[0] == '\0') {
		cw_error_set(err, CW_E_CONFIG, _("no enrollment URL is configured"));
		return cw_error_hint(err, _("Set [enroll] url in '%s'."),
		    cfg->path ? cfg->path : cw_cfg_default_path());
	}
	if (cw_cert_dir_check(cfg->cert_dir, err) == -1)
		return -1;
	/* The time first: an unproven clock stops here, before the CA is
	 * confirmed or the OTP asked for. */
	if (time_check_why(cfg, status, sizeof(status), why, sizeof(why), &proven, err) == -1)
		return -1;
	if (!proven && cfg->enroll_require_proven_time && !e->allow_unproven_time) {
		cw_log_msg(cw_flow_log(run), CW_LOG_ERROR, "time %s: enrollment stopped", status);
		cw_error_set(err, CW_E_TIME,
		    /* TRANSLATORS: %s is why the time is not proven. */
		    _("the enrollment needs a proven clock (the vendor procedure: an NTP server is required), and %s"),
		    why);
		return cw_error_hint(err, _("Configure NTP first ('certwiz ntp set --primary HOST' or \"Configure NTP\" in the wizard). Only in a lab without NTP: --allow-unproven-time or [enroll] require_proven_time = no. No OTP was asked for or used; nothing was changed."));
	}
	if (!proven)
		cw_log_msg(cw_flow_log(run), CW_LOG_WARNING,
		    "time %s; enrolling anyway: %s", status, e->allow_unproven_time ?
		    "--allow-unproven-time" : "[enroll] require_proven_time = no");
	if (access(cfg->trust_anchor, F_OK) != 0 &&
	    cw_enroll_bootstrap_anchor(run, e, err) == -1)
		return -1;

	/* Reachable over TLS verified against the installed anchor alone:
	 * the same trust the OTP will travel under. */
	cw_est_opts_init(&o, cfg);
	o.max_tls12 = strcmp(cfg->pop_linking, "required") == 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (cw_est_new(&o, &est, err) == -1 || cw_est_cacerts(est, &certs, err) == -1) {
		if (err->hint[0] == '\0' || err->code != CW_E_TLS)
			cw_error_hint(err, _("The enrollment service '%s' must be reachable before the OTP is used. Nothing was changed; no OTP was used."),
			    cfg->enroll_url);
		goto out;
	}
	snprintf(buf, sizeof(buf), "%ld", ms_since(&t0));
	if (cw_flow_set_fact(run, "endpoint_ms", buf, err) == -1)
		goto out;
	/* What the server wants in the request, before the OTP is asked. */
	if (cw_est_csrattrs(est, &attrs, err) == -1) {
		cw_error_hint(err, _("The service's CSR attributes (/csrattrs) could not be read. Nothing was changed; no OTP was used."));
		goto out;
	}
	if (cw_enroll_profile(run, e, &attrs, cw_est_tls_version(est), err) == -1)
		goto out;
	if (cw_flow_set_fact(run, "time", proven ? "proven" : "unproven", err) == -1)
		goto out;
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO,
	    "preflight: '%s' reachable in %s ms over verified TLS; %s; install dir '%s' writable",
	    cfg->enroll_url, buf, status, cfg->cert_dir);
	rc = 0;
out:
	cw_est_csrattrs_release(&attrs);
	cw_est_certs_release(&certs);
	cw_est_free(est);
	return rc;
}

static int last_attempt(struct cw_flow *run, int *settled);

static int
load_key(struct cw_flow *run, struct cw_cert_key **key, struct cw_error *err)
{
	char path[4096];

	return stage_path(run, STAGE_KEY, path, sizeof(path), err) == -1 ? -1 :
	    cw_cert_key_load(path, key, err);
}

int
cw_enroll_check_key(struct cw_flow *run, struct cw_error *err)
{
	struct cw_cert_key *key = NULL;
	char path[4096], t[32];
	int r, settled;

	if (stage_path(run, STAGE_KEY, path, sizeof(path), err) == -1)
		return -1;
	if (access(path, F_OK) != 0)
		return 0;
	/* A key that does not load is made again (it was never used). */
	r = cw_cert_key_load(path, &key, err) == 0;
	/* So is one of another type than the request profile now asks for
	 * (the config or /csrattrs changed), while no request was sent. */
	if (r && strcmp(cw_cert_key_type(key, t, sizeof(t)),
	    cw_cfg_key_type_name(cw_enroll_key_type(run))) != 0 &&
	    last_attempt(run, &settled) == 0 &&
	    stage_path(run, STAGE_CSR, path, sizeof(path), err) == 0) {
		(void)unlink(path);
		r = 0;
	}
	if (r && cw_flow_set_fact(run, "key_type",
	    cw_cert_key_type(key, t, sizeof(t)), err) == -1)
		r = -1;
	cw_cert_key_free(key);
	if (r == 0)
		cw_error_clear(err);
	return r;
}

int
cw_enroll_step_key(struct cw_flow *run, struct cw_error *err)
{
	const struct cw_cfg *cfg = cw_flow_cfg(run);
	struct cw_cert_key *key = NULL;
	char path[4096];
	int rc = -1;

	enum cw_key_type t = cw_enroll_key_type(run);

	(void)cfg;
	if (stage_path(run, STAGE_KEY, path, sizeof(path), err) == -1 ||
	    cw_cert_key_generate(t, &key, err) == -1 ||
	    cw_cert_key_save(key, path, 0, err) == -1 ||
	    cw_flow_set_fact(run, "key_type", cw_cfg_key_type_name(t), err) == -1)
		goto out;
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO, "new %s key staged",
	    cw_cfg_key_type_name(t));
	rc = 0;
out:
	cw_cert_key_free(key);
	return rc;
}

int
cw_enroll_check_csr(struct cw_flow *run, struct cw_error *err)
{
	char path[4096];

	if (stage_path(run, STAGE_CSR, path, sizeof(path), err) == -1)
		return -1;
	return access(path, F_OK) == 0;
}

int
cw_enroll_step_csr(struct cw_flow *run, struct cw_error *err)
{
	const struct cw_cfg *cfg = cw_flow_cfg(run);
	struct cw_cert_key *key = NULL;
	char path[4096], *pem = NULL;
	int rc = -1;

	if (load_key(run, &key, err) == -1 ||
	    cw_enroll_csr_make(run, key, NULL, &pem, err) == -1 ||
	    stage_path(run, STAGE_CSR, path, sizeof(path), err) == -1 ||
	    cw_file_install(path, pem, strlen(pem), 0600, 0, err) == -1)
		goto out;
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO, "request staged: CN=%s",
	    cfg->device_serial);
	rc = 0;
out:
	free(pem);
	cw_cert_key_free(key);
	return rc;
}

/* The latest send:N intent, 0 if none; *settled says whether its outcome
 * is known (settled:N recorded). */
static int
last_attempt(struct cw_flow *run, int *settled)
{
	char what[32];
	int n = 0;

	for (int i = 1; i <= MAX_ATTEMPTS; i++) {
		snprintf(what, sizeof(what), "send:%d", i);
		if (!cw_flow_intent_recorded(run, what))
			break;
		n = i;
	}
	*settled = 1;
	if (n > 0) {
		snprintf(what, sizeof(what), "settled:%d", n);
		*settled = cw_flow_intent_recorded(run, what);
	}
	return n;
}

/* The OTP, read and checked, and the one confirmation before sending. */
static int
ensure_otp(struct cw_flow *run, struct cw_enroll *e, struct cw_error *err)
{
	const struct cw_cfg *cfg = cw_flow_cfg(run);
	struct cw_enroll_summary s;
	struct cw_secret *raw = NULL, *clean = NULL;
	char status[CW_ERR_MSG_MAX + 64], afp[65] = "", asub[512] = "", pop[128];
	const char *tls;
	struct cw_cert_status st;
	int proven = 0, yes = 0, settled = 1;
	const char *ms = cw_flow_fact(run, "endpoint_ms");

	for (int again = 0; e->otp == NULL; again = 1) {
		if (e->ops->read_otp(e->ops->ctx, again, &raw, err) == -1)
			return -1;
		if (cw_enroll_otp_clean(raw, &clean, err) == 0)
			e->otp = clean;
		cw_secret_free(raw);
		raw = NULL;
		if (e->otp == NULL && again)
			return -1;	/* second bad entry: stop */
		if (e->otp == NULL) {
			char msg[CW_ERR_MSG_MAX + CW_ERR_HINT_MAX + 2];
			e->ops->notice(e->ops->ctx, cw_error_format(err, msg, sizeof(msg)));
			cw_error_clear(err);
		}
	}
	if (e->confirmed)
		return 0;
	if (enroll_time_check(cfg, status, sizeof(status), &proven, err) == -1)
		return -1;
	/* The anchor's facts as the status shows them. */
	if (cw_cert_status_read(cfg, time(NULL), &st, err) == 0) {
		snprintf(afp, sizeof(afp), "%s", st.anchor_fingerprint_sha256);
		snprintf(asub, sizeof(asub), "%s", st.anchor_subject);
	}
	cw_error_clear(err);
	memset(&s, 0, sizeof(s));
	s.url = cfg->enroll_url;
	s.serial = cfg->device_serial;
	s.time_status = status;
	s.time_proven = proven;
	s.endpoint_ms = ms ? atol(ms) : -1;
	s.anchor_subject = asub;
	s.anchor_fingerprint = afp;
	s.key_type = cw_flow_fact(run, "key_type");
	s.cert_dir = cfg->cert_dir;
	s.resend = last_attempt(run, &settled) > 0 && !settled;
	s.csr_attrs = cw_flow_fact(run, "csr_attrs") ? cw_flow_fact(run, "csr_attrs") : "";
	tls = cw_flow_fact(run, "tls");
	if (tls != NULL && strcmp(tls, "TLSv1.2") == 0)
		s.pop = _("tls-unique of the TLS 1.2 connection in challengePassword");
	else
		/* TRANSLATORS: %s is e.g. TLSv1.3. */
		snprintf(pop, sizeof(pop), _("none (%s has no tls-unique)"),
		    tls != NULL && tls[0] ? tls : "TLS 1.3");
	if (s.pop == NULL)
		s.pop = pop;
	if (e->ops->confirm_send(e->ops->ctx, &s, &yes, err) == -1)
		return -1;
	if (!yes) {
		cw_error_set(err, CW_E_CANCELLED, _("enrollment cancelled before the OTP was sent"));
		return cw_error_hint(err, _("The OTP was not used; nothing was installed."));
	}
	e->confirmed = 1;
	return 0;
}

static int
step_otp(struct cw_flow *run, struct cw_error *err)
{
	return ensure_otp(run, cw_flow_user(run), err);
}

int
cw_enroll_check_staged(struct cw_flow *run, struct cw_error *err)
{
	char path[4096];

	/* The certificate is staged (after its chain) only once it came back. */
	if (stage_path(run, STAGE_CERT, path, sizeof(path), err) == -1)
		return -1;
	return access(path, F_OK) == 0;
}

/* Signs the request for the connection it goes out on (est.h). */
int
cw_enroll_sign_for_connection(void *ctx, const char *tls_unique, char **csr, size_t *len,
    struct cw_error *err)
{
	struct cw_flow *run = ctx;
	struct cw_cert_key *key = NULL;
	int rc;

	*csr = NULL;
	rc = load_key(run, &key, err) == -1 ? -1 :
	    cw_enroll_csr_make(run, key, tls_unique, csr, err);
	cw_cert_key_free(key);
	if (rc == 0)
		*len = strlen(*csr);
	return rc;
}

static int
step_simpleenroll(struct cw_flow *run, struct cw_error *err)
{
	const struct cw_cfg *cfg = cw_flow_cfg(run);
	struct cw_enroll *e = cw_flow_user(run);
	struct cw_est_opts o;
	struct cw_est *est = NULL;
	struct cw_est_certs certs = { 0 };
	char what[32], *csr = NULL;
	size_t csrlen = 0;
	int settled = 1, n, rc = -1;
	enum cw_est_delivery d;

	n = last_attempt(run, &settled);
	if (n > 0 && !settled) {
		e->ops->notice(e->ops->ctx,
		    _("An earlier attempt was interrupted after the one-time password was sent: the service may have used it up. "
		      "Enter the same OTP again: the same request (same key) is sent, and a service that already issued the certificate returns it. "
		      "If it is refused, generate a new OTP in the support portal."));
		cw_log_msg(cw_flow_log(run), CW_LOG_WARNING,
		    "attempt %d was interrupted after sending: the OTP may be spent; resending the same request", n);
	}
	if (ensure_otp(run, e, err) == -1)
		return -1;
	/* The staged request must still be readable (it is the record of
	 * what is sent); the one sent is signed on its connection. */
	if (cw_enroll_read_csr(run, &csr, &csrlen, err) == -1)
		goto out;
	cw_est_opts_init(&o, cfg);
	o.max_tls12 = strcmp(cfg->pop_linking, "required") == 0;
	if (cw_est_new(&o, &est, err) == -1)
		goto out;
	snprintf(what, sizeof(what), "send:%d", n + 1);
	if (cw_flow_intent(run, what, err) == -1)
		goto out;
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO, "sending the request to '%s' (attempt %d)",
	    cfg->enroll_url, n + 1);
	/* One TLS connection, verified against the installed anchor, carries
	 * a GET /cacerts and then the request signed for it (tls-unique). */
	rc = cw_est_simpleenroll_linked(est, cfg->device_serial, e->otp,
	    cw_enroll_sign_for_connection, run, &certs, err);
	d = cw_est_delivery(est);
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO, "request sent over %s%s",
	    cw_est_tls_version(est)[0] ? cw_est_tls_version(est) : "TLS",
	    cw_est_linked(est) ? ", bound to the connection (tls-unique)" : ", not bound (no tls-unique)");
	/* The OTP is wiped after one use either way: a retry asks again. */
	cw_secret_free(e->otp);
	e->otp = NULL;
	e->confirmed = 0;
	if (rc == -1) {
		struct cw_error e2;
		cw_log_msg(cw_flow_log(run), CW_LOG_ERROR,
		    "enrollment request failed (HTTP %ld, %s)", cw_est_http_status(est),
		    cw_est_delivery_name(d));
		cw_log_error(cw_flow_log(run), err);
		if (d != CW_EST_MAYBE_RECEIVED) {
			snprintf(what, sizeof(what), "settled:%d", n + 1);
			cw_error_clear(&e2);
			(void)cw_flow_intent(run, what, &e2);
		} else if (err->hint[0] == '\0') {
			cw_error_hint(err, _("The OTP may be spent. Run 'certwiz cert fetch' again with the same OTP: the same request is sent and the service can return the certificate; else generate a new OTP. Nothing was installed."));
		}
		goto out;
	}
	rc = -1;
	if (cw_enroll_stage_answer(run, &certs, err) == -1) {
		cw_error_hint(err, _("The certificate was issued but could not be staged. Free space under '%s' and run 'certwiz cert fetch' again with the same OTP: the service returns the same certificate."),
		    cfg->state_dir);
		goto out;
	}
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO, "certificate received: \"%s\" SHA-256 %s",
	    certs.certs[0].subject, certs.certs[0].fingerprint);
	rc = 0;
out:
	free(csr);
	cw_est_certs_release(&certs);
	cw_est_free(est);
	return rc;
}

int
cw_enroll_read_csr(struct cw_flow *run, char **csr, size_t *len,
    struct cw_error *err)
{
	char path[4096];

	if (stage_path(run, STAGE_CSR, path, sizeof(path), err) == -1)
		return -1;
	return cw_file_read(path, CW_CERT_PEM_MAX, csr, len, err);
}

int
cw_enroll_stage_answer(struct cw_flow *run, const struct cw_est_certs *certs,
    struct cw_error *err)
{
	char cpath[4096], hpath[4096];

	/* Chain first: the staged certificate marks the answer complete. */
	if (stage_path(run, STAGE_CHAIN, hpath, sizeof(hpath), err) == -1 ||
	    stage_path(run, STAGE_CERT, cpath, sizeof(cpath), err) == -1 ||
	    cw_file_install(hpath, certs->chain_pem, strlen(certs->chain_pem), 0644, 0, err) == -1 ||
	    cw_file_install(cpath, certs->certs[0].pem, strlen(certs->certs[0].pem), 0644, 0, err) == -1)
		return -1;
	return cw_flow_set_fact(run, "cert_sha256", certs->certs[0].fingerprint, err);
}

/* Reads the staged certificate and chain and the staged key. */
static int
load_staged(struct cw_flow *run, char **cert, size_t *certlen, char **chain,
    size_t *chainlen, struct cw_cert_key **key, struct cw_error *err)
{
	char path[4096];

	if (stage_path(run, STAGE_CERT, path, sizeof(path), err) == -1 ||
	    cw_file_read(path, CW_CERT_PEM_MAX, cert, certlen, err) == -1 ||
	    stage_path(run, STAGE_CHAIN, path, sizeof(path), err) == -1 ||
	    cw_file_read(path, CW_CERT_PEM_MAX, chain, chainlen, err) == -1 ||
	    load_key(run, key, err) == -1)
		return -1;
	return 0;
}

int
cw_enroll_step_verify(struct cw_flow *run, struct cw_error *err)
{
	const struct cw_cfg *cfg = cw_flow_cfg(run);
	struct cw_cert_key *key = NULL;
	char *cert = NULL, *chain = NULL;
	size_t cl = 0, hl = 0;
	int rc = -1;

	if (load_staged(run, &cert, &cl, &chain, &hl, &key, err) == -1)
		goto out;
	if (cw_cert_verify(cert, cl, chain, hl, cfg->trust_anchor, key,
	    cfg->device_serial, time(NULL), NULL, err) == -1) {
		char path[4096];
		/* Dropped, so that the next attempt asks the service again
		 * instead of checking the same answer forever. */
		if (stage_path(run, STAGE_CERT, path, sizeof(path), NULL) == 0)
			(void)unlink(path);
		cw_error_hint(err, _("The issued certificate was not installed; the installed files are unchanged."));
		goto out;
	}
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO,
	    "certificate verified: chains to '%s', our key, CN=%s, valid now",
	    cfg->trust_anchor, cfg->device_serial);
	rc = 0;
out:
	free(cert);
	free(chain);
	cw_cert_key_free(key);
	return rc;
}

int
cw_enroll_step_install(struct cw_flow *run, struct cw_error *err)
{
	const struct cw_cfg *cfg = cw_flow_cfg(run);
	struct cw_cert_key *key = NULL;
	char *cert = NULL, *chain = NULL;
	size_t cl = 0, hl = 0;
	int rc = -1;

	if (load_staged(run, &cert, &cl, &chain, &hl, &key, err) == -1 ||
	    cw_cert_install(cfg->cert_dir, key, cert, cl, chain, hl, err) == -1 ||
	    cw_cert_renew_state_clear(cfg->state_dir, err) == -1)
		goto out;
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO,
	    "device certificate installed in '%s' (SHA-256 %s); previous files kept as *.prev",
	    cfg->cert_dir, cw_flow_fact(run, "cert_sha256") ? cw_flow_fact(run, "cert_sha256") : "?");
	rc = 0;
out:
	free(cert);
	free(chain);
	cw_cert_key_free(key);
	return rc;
}

int
cw_enroll_post_install(const struct cw_cfg *cfg, struct cw_log *log,
    struct cw_error *err)
{
	struct cw_proc_result res;

	if (cfg->post_install_command == NULL || cfg->post_install_command[0] == '\0')
		return 0;
	cw_log_msg(log, CW_LOG_INFO, "running post_install_command: %s",
	    cfg->post_install_command);
	if (cw_proc_run(cfg->post_install_command, cfg->commands_timeout_s * 1000, &res, err) == -1) {
		cw_log_error(log, err);
		return -1;
	}
	if (res.output_len > 0)
		cw_log_msg(log, CW_LOG_INFO, "post_install_command output:\n%s%s",
		    res.output, res.truncated ? "\n[...]" : "");
	if (res.timed_out || res.exit_code != 0) {
		if (res.timed_out)
			cw_error_set(err, CW_E_STATE,
			    _("the post-install command timed out; the new certificate is installed"));
		else
			cw_error_set(err, CW_E_STATE,
			    _("the post-install command failed with exit code %d; the new certificate is installed"),
			    res.exit_code);
		cw_error_detail(err, "%s", cfg->post_install_command);
		cw_error_hint(err, _("See '%s' for its output, fix it, then run it by hand."),
		    cw_log_path(log));
		cw_log_error(log, err);
		return -1;
	}
	cw_log_msg(log, CW_LOG_INFO, "post_install_command succeeded");
	return 0;
}

int
cw_enroll_step_post_install(struct cw_flow *run, struct cw_error *err)
{
	return cw_enroll_post_install(cw_flow_cfg(run), cw_flow_log(run), err);
}

static const struct cw_flow_step steps[] = {
	/* TRANSLATORS: enrollment steps, shown as "[2/8] Create the key". */
	{ "preflight", N_("Check time, service, trust anchor and install directory"), step_preflight, NULL },
	{ "key", N_("Create the device key"), cw_enroll_step_key, cw_enroll_check_key },
	{ "csr", N_("Create the certificate request"), cw_enroll_step_csr, cw_enroll_check_csr },
	{ "otp", N_("Enter the one-time password"), step_otp, NULL },
	{ "simpleenroll", N_("Request the certificate"), step_simpleenroll, cw_enroll_check_staged },
	{ "verify", N_("Verify the certificate"), cw_enroll_step_verify, NULL },
	{ "install", N_("Install key, certificate and chain"), cw_enroll_step_install, NULL },
	{ "post-install", N_("Run the post-install command"), cw_enroll_step_post_install, NULL },
};

const struct cw_flow_def cw_enroll_flow = {
	.name = "enroll",
	.label = N_("Device certificate enrollment"),
	.log_name = "enroll",
	.steps = steps,
	.nsteps = sizeof(steps) / sizeof(steps[0]),
	.abandon = NULL,
};

int
cw_enroll_run(const struct cw_cfg *cfg, struct cw_enroll *e,
    cw_flow_progress_fn *progress, void *ctx, struct cw_error *err)
{
	const struct cw_fact inputs[] = {
		{ "serial", cfg->device_serial ? cfg->device_serial : "" },
		{ "url", cfg->enroll_url ? cfg->enroll_url : "" },
		{ "cert_dir", cfg->cert_dir },
		{ "key_type", cw_cfg_key_type_name(cfg->key_type) },
	};
	struct cw_flow *run = NULL;
	int rc = -1;

	if (cw_est_global_init(err) == -1)
		goto out;
	if (cw_flow_open(cfg, &cw_enroll_flow, inputs,
	    sizeof(inputs) / sizeof(inputs[0]), e, &run, err) == -1)
		goto out;
	rc = cw_flow_run(run, progress, ctx, err);
out:
	cw_flow_free(run);
	cw_secret_free(e->otp);
	e->otp = NULL;
	return rc;
}
