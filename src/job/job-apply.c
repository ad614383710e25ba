/* job-apply.c - `certwiz apply FILE`: the answer file (answers.h) as the
 * third front end of the job API.  Each section runs through the job the
 * CLI and the wizard use, with operations (below) that answer the
 * questions from the file by their key and pass progress and lines on to
 * the caller's operations:
 *
 *   ntp ──► check ──► enroll ──► sc3        a failed section: the later
 *                                           ones are skipped
 *
 * Idempotence, section by section (certwiz-answers(5)):
 *   ntp     the installed servers, key IDs, algorithms and key material
 *           (compared, never shown) and the snippet are the wanted ones:
 *           unchanged, only the time is proven (require_proven)
 *   check   read only
 *   enroll  a valid certificate whose CN is the serial: unchanged, the
 *           OTP is not read; due: renewed (mTLS, no OTP); else enrolled
 *   sc3     STATE_DIR/apply-sc3 records the source and the manifest
 *           digest of what was restored: unchanged while the SC3 dir
 *           still has that digest and the source is the same
 * An unfinished journaled run of a section's job is resumed, never
 * skipped as unchanged, so an apply killed anywhere converges when run
 * again. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "core/fileio.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "job/answers.h"
#include "job/job-int.h"
#include "ntp/ntp.h"
#include "pki/cert.h"
#include "pki/enroll.h"
#include "pki/netcheck.h"
#include "pki/renew.h"
#include "sc3/bundle.h"
#include "sc3/sc3.h"

#define SECRET_MAX 1024
#define SC3_RECORD "apply-sc3"

struct apply {
	const struct cw_cfg *cfg;
	const struct cw_answers *a;
	const struct cw_job_ops *fe;	/* the front end's operations */
	void *fe_ctx;
	int otp_reads;			/* the OTP was read this many times */
};

static const char *const result_names[CW_APPLY__MAX] = {
	"changed", "unchanged", "failed", "skipped",
};

const char *
cw_apply_result_name(enum cw_apply_result r)
{
	return r < CW_APPLY__MAX ? result_names[r] : "?";
}

const char *
cw_apply_result_words(enum cw_apply_result r)
{
	switch (r) {
	/* TRANSLATORS: the result of a section of `certwiz apply`. */
	case CW_APPLY_CHANGED:
		return C_("apply", "changed");
	case CW_APPLY_UNCHANGED:
		return C_("apply", "unchanged");
	case CW_APPLY_FAILED:
		return C_("apply", "failed");
	case CW_APPLY_SKIPPED:
		return C_("apply", "skipped");
	default:
		return "?";
	}
}

/* ---- the operations: answers from the file */

/* The answer-file key that answers question key, or NULL. */
static const char *
answer_key(const char *key)
{
	static const struct { const char *q, *a; } map[] = {
		{ "enroll.otp", "[enroll] otp_file / otp_env" },
		{ "enroll.ca", "[enroll] accept_ca" },
		{ "sc3.master_key", "[sc3] master_key_file" },
		{ "ssh.password", "[sc3] password_file" },
		{ "ssh.hostkey", "[sc3] accept_host_key" },
		{ "ssh.passphrase", "[sc3] identity" },
		{ "job.other_run", "[sc3] restore_from" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].q, key) == 0)
			return map[i].a;
	return NULL;
}

static int
unanswered(struct apply *ap, const struct cw_job_q *q, struct cw_error *err)
{
	const char *k = answer_key(q->key);

	/* TRANSLATORS: answer file, then the question's title. */
	cw_error_set(err, CW_E_USAGE, _("the answer file '%s' does not answer: %s"),
	    ap->a->path, q->title);
	if (k != NULL)
		/* TRANSLATORS: %s is an answer-file key such as
		 * "[sc3] master_key_file". */
		cw_error_hint(err, _("Give %s in the answer file."), k);
	else
		cw_error_hint(err, _("The answer file cannot answer this question; run the command that asks it ('certwiz --help')."));
	return -1;
}

static int
progress(void *vctx, size_t step, size_t nsteps, double fraction,
    const char *label)
{
	struct apply *ap = vctx;

	if (ap->fe == NULL || ap->fe->progress == NULL)
		return 0;
	return ap->fe->progress(ap->fe_ctx, step, nsteps, fraction, label);
}

static void
say(void *vctx, enum cw_job_say kind, const char *text)
{
	struct apply *ap = vctx;

	if (ap->fe != NULL && ap->fe->say != NULL)
		ap->fe->say(ap->fe_ctx, kind, text);
}

static int
confirm(void *vctx, const struct cw_job_q *q, int *yes, struct cw_error *err)
{
	/* Running the file is the agreement: to send the request, the
	 * restore checklist, the restart. */
	if (strcmp(q->key, "enroll.send") == 0 || strcmp(q->key, "sc3.checklist") == 0 ||
	    strcmp(q->key, "sc3.restart") == 0) {
		*yes = 1;
		return 0;
	}
	*yes = 0;
	return unanswered(vctx, q, err);
}

/* The value of the environment variable name, NULL (err set) when it
 * is not set or empty. */
static char *
otp_env_value(const char *name, struct cw_error *err)
{
	char *v = getenv(name);

	if (v != NULL && v[0] != '\0')
		return v;
	cw_error_set(err, CW_E_USAGE,
	    _("the environment variable %s named by [enroll] otp_env is not set"), name);
	cw_error_hint(err, _("Set it to the one-time password; nothing was changed."));
	return NULL;
}

/* The OTP from the environment variable NAME; its value is wiped from
 * the environment once read. */
static int
otp_from_env(const char *name, struct cw_secret **out, struct cw_error *err)
{
	char *v = otp_env_value(name, err);
	int rc;

	if (v == NULL)
		return -1;
	if ((*out = cw_secret_new(CW_ENROLL_OTP_CAP)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	rc = cw_secret_append(*out, v, strlen(v), err);
	OPENSSL_cleanse(v, strlen(v));
	unsetenv(name);
	if (rc == -1) {
		cw_secret_free(*out);
		*out = NULL;
	}
	return rc;
}

static int
ask_secret(void *vctx, const struct cw_job_q *q, struct cw_secret **out,
    struct cw_error *err)
{
	struct apply *ap = vctx;
	const struct cw_answers *a = ap->a;
	size_t cap = q->cap ? q->cap : SECRET_MAX;

	*out = NULL;
	if (strcmp(q->key, "enroll.otp") == 0 && a->has_enroll) {
		/* Asked again: what the file gave is not an OTP. */
		if (ap->otp_reads++ > 0) {
			cw_error_set(err, CW_E_USAGE, _("the one-time password from %s is not usable"),
			    a->enroll.otp_env != NULL ? a->enroll.otp_env : a->enroll.otp_file);
			return cw_error_hint(err, _("It must be 8 to 64 letters and digits; nothing was sent."));
		}
		if (a->enroll.otp_env != NULL)
			return otp_from_env(a->enroll.otp_env, out, err);
		return cw_secret_read_file(a->enroll.otp_file, cap, 0, out, err);
	}
	if (strcmp(q->key, "sc3.master_key") == 0 && a->sc3.master_key_file != NULL)
		return cw_secret_read_file(a->sc3.master_key_file, cap, 0, out, err);
	if (strcmp(q->key, "ssh.password") == 0 && a->sc3.password_file != NULL)
		return cw_secret_read_file(a->sc3.password_file, cap, 0, out, err);
	return unanswered(ap, q, err);
}

static int
ask_text(void *vctx, const struct cw_job_q *q, char *buf, size_t cap,
    struct cw_error *err)
{
	(void)buf;
	(void)cap;
	return unanswered(vctx, q, err);
}

static int
choose(void *vctx, const struct cw_job_q *q, const char *const *choices,
    size_t n, size_t *sel, struct cw_error *err)
{
	(void)choices;
	(void)n;
	/* An unfinished run of the same job is resumed (answers.h). */
	if (strcmp(q->key, "job.other_run") == 0) {
		*sel = 0;
		return 0;
	}
	return unanswered(vctx, q, err);
}

static void
hint(void *vctx, const char *key, const char *value, struct cw_error *err)
{
	struct apply *ap = vctx;
	const char *file = ap->a->path;

	if (strcmp(key, "ssh.hostkey") == 0)
		/* TRANSLATORS: the fingerprint, then the answer file. */
		cw_error_hint(err, _("Compare it with 'ssh-keygen -lf' of the server's host key, then add 'accept_host_key = %s' to [sc3] in '%s'; nothing was copied."),
		    value, file);
	else if (strcmp(key, "job.resume") == 0)
		/* TRANSLATORS: the answer file, then a run id. */
		cw_error_hint(err, _("Run 'certwiz apply %s' again to continue the run %s."),
		    file, value);
	else if (strcmp(key, "job.other_run") == 0)
		cw_error_hint(err, _("Resume it with 'certwiz journal resume %s' or abandon it with 'certwiz journal abandon %s', then run apply again; nothing was changed."),
		    value, value);
	else if (strcmp(key, "ssh.port") == 0)
		cw_error_hint(err, _("Set the SSH port with 'port' in [sc3] of '%s'."), file);
	else if (strcmp(key, "ssh.auth") == 0)
		cw_error_hint(err, _("Choose the SSH authentication with 'auth' (and 'identity' or 'password_file') in [sc3] of '%s'."),
		    file);
}

static const struct cw_job_ops apply_ops = {
	progress, say, confirm, ask_secret, ask_text, choose, hint,
};

/* ---- helpers */

static void __attribute__((format(printf, 3, 4)))
result(struct cw_job_apply_section *s, enum cw_apply_result r, const char *fmt, ...)
{
	va_list ap;

	s->result = r;
	va_start(ap, fmt);
	vsnprintf(s->message, sizeof(s->message), fmt, ap);
	va_end(ap);
}

static void
failed(struct cw_job_apply_section *s, const struct cw_error *err)
{
	s->result = CW_APPLY_FAILED;
	s->err = *err;
	s->code = cw_error_exit_code(err->code);
	s->message[0] = '\0';
}

/* 1 when an unfinished run of the flow named flow is in the journal. */
static int
unfinished(const struct cw_cfg *cfg, const char *flow)
{
	struct cw_journal_run_info *runs = NULL;
	struct cw_error e;
	size_t n = 0;
	int found = 0;

	if (cw_journal_list(cfg, 0, &runs, &n, &e) == -1)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(runs[i].flow, flow) == 0 && !cw_run_state_closed(runs[i].state))
			found = 1;
	free(runs);
	return found;
}

/* ---- [ntp] */

/* The wanted settings; the keys read from their files. */
static int
ntp_wanted(const struct cw_answers *a, struct cw_ntp_config *c, struct cw_error *err)
{
	cw_ntp_config_init(c);
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		struct cw_ntp_server *s = &c->server[i];
		const struct cw_answers_key *k = &a->ntp.key[i];

		if (a->ntp.host[i] == NULL)
			continue;
		snprintf(s->host, sizeof(s->host), "%s", a->ntp.host[i]);
		if (!k->set)
			continue;
		s->auth = CW_NTP_AUTH_SYMKEY;
		s->key_id = k->id;
		s->alg = k->alg;
		if (cw_ntp_key_read_file(k->file, &s->key, err) == -1)
			return -1;
	}
	return cw_ntp_config_validate(c, err);
}

/* 1 when what is installed is c (servers, keys, the snippet's text). */
static int
ntp_installed(const struct cw_cfg *cfg, const struct cw_ntp_config *c)
{
	struct cw_ntp_config cur;
	struct cw_ntp_files f;
	struct cw_error e;
	char *want = NULL, *have = NULL;
	size_t len = 0;
	int configured = 0, same = 0;

	if (cw_ntp_conf_read(cfg, 1, &cur, &configured, &e) == -1)
		return 0;
	if (!configured)
		goto out;
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		const struct cw_ntp_server *w = &c->server[i], *h = &cur.server[i];

		if (strcmp(w->host, h->host) != 0 || w->auth != h->auth)
			goto out;
		if (w->auth != CW_NTP_AUTH_SYMKEY)
			continue;
		/* The key material compared in constant time, never shown. */
		if (w->key_id != h->key_id || w->alg != h->alg || h->key == NULL ||
		    !cw_secret_equal(w->key, h->key))
			goto out;
	}
	if (cw_ntp_files_resolve(cfg, &f, &e) == -1 ||
	    cw_ntp_conf_render(c, cfg->ntp_port, &f, &want, &e) == -1 ||
	    cw_file_read(f.conf_file, 1 << 20, &have, &len, &e) == -1)
		goto out;
	same = strcmp(want, have) == 0;
out:
	free(want);
	free(have);
	cw_ntp_config_release(&cur);
	return same;
}

static void
sec_ntp(struct apply *ap, int check, struct cw_job_apply_section *s)
{
	const struct cw_answers *a = ap->a;
	struct cw_ntp_config want, got;
	struct cw_job_ntp_out out;
	struct cw_error err;
	int rc;

	cw_error_clear(&err);
	if (ntp_wanted(a, &want, &err) == -1) {
		failed(s, &err);
		goto out;
	}
	if (!unfinished(ap->cfg, "ntp") && ntp_installed(ap->cfg, &want)) {
		if (check || !a->ntp.require_proven) {
			result(s, CW_APPLY_UNCHANGED, "%s",
			    _("the NTP servers and keys are already configured"));
			goto out;
		}
		rc = cw_job_ntp_test(ap->cfg, &got, &apply_ops, ap, &out, &err);
		cw_ntp_config_release(&got);
		if (rc == -1)
			failed(s, &err);
		else
			result(s, CW_APPLY_UNCHANGED, "%s",
			    _("the NTP servers and keys are already configured; the time is proven"));
		goto out;
	}
	if (check) {
		result(s, CW_APPLY_CHANGED, _("would configure the NTP servers %s%s%s"),
		    want.server[0].host, want.server[1].host[0] ? ", " : "",
		    want.server[1].host);
		goto out;
	}
	rc = cw_job_ntp_set(ap->cfg, &want, &apply_ops, ap, &out, &err);
	if (rc == 0)
		result(s, CW_APPLY_CHANGED, "%s",
		    _("configured the NTP servers and keys; the time is proven"));
	else if (out.applied && !a->ntp.require_proven)
		/* TRANSLATORS: %s says why the time is not proven. */
		result(s, CW_APPLY_CHANGED, _("configured the NTP servers and keys; the time is not proven: %s"),
		    err.msg);
	else
		failed(s, &err);
out:
	cw_ntp_config_release(&want);
}

/* ---- [check] */

static void
sec_check(struct apply *ap, int check, struct cw_job_apply_section *s)
{
	struct cw_netcheck_report *rep = NULL;
	struct cw_error err;
	char *table = NULL;

	cw_error_clear(&err);
	if (check) {
		result(s, CW_APPLY_UNCHANGED, "%s",
		    _("would run the connectivity check (it changes nothing)"));
		return;
	}
	if (cw_job_check(ap->cfg, &apply_ops, ap, &rep, &table, &err) == -1) {
		failed(s, &err);
		goto out;
	}
	cw_job_say(&apply_ops, ap, CW_JOB_RESULT, "%s", table);
	if (rep->failed > 0) {
		cw_job_check_failed(rep, &err);
		failed(s, &err);
	} else
		result(s, CW_APPLY_UNCHANGED, ngettext("the %zu endpoint can be reached",
		    "all %zu endpoints can be reached", rep->n), rep->n);
out:
	free(table);
	cw_netcheck_report_free(rep);
}

/* ---- [enroll] */

/* --check: can the OTP be read?  (Nothing is read.) */
static int
otp_available(const struct cw_answers *a, struct cw_error *err)
{
	if (a->enroll.otp_env != NULL)
		return otp_env_value(a->enroll.otp_env, err) == NULL ? -1 : 0;
	if (strcmp(a->enroll.otp_file, "-") != 0 && access(a->enroll.otp_file, R_OK) == -1) {
		cw_error_set(err, CW_E_USAGE, _("cannot read the one-time password file '%s'"),
		    a->enroll.otp_file);
		cw_error_detail(err, "%s", strerror(errno));
		return cw_error_hint(err, _("Put the one-time password there, or fix [enroll] otp_file; nothing was changed."));
	}
	return 0;
}

static void
sec_enroll(struct apply *ap, int check, struct cw_job_apply_section *s)
{
	const struct cw_answers *a = ap->a;
	const struct cw_cfg *cfg = ap->cfg;
	struct cw_job_enroll_in in = { 0 };
	struct cw_cert_status st;
	struct cw_error err;
	char until[32];
	int resume = unfinished(cfg, "enroll"), renew = 0;

	cw_error_clear(&err);
	if (!resume) {
		if (cw_cert_status_read(cfg, time(NULL), &st, &err) == -1) {
			failed(s, &err);
			return;
		}
		cw_cert_time_rfc3339(st.not_after, until, sizeof(until));
		if (st.state == CW_CERT_STATE_VALID && cfg->device_serial != NULL &&
		    strcmp(st.subject_cn, cfg->device_serial) == 0) {
			result(s, CW_APPLY_UNCHANGED,
			    _("the certificate for %s is valid until %s; no one-time password was used"),
			    st.subject_cn, until);
			return;
		}
		renew = (st.state == CW_CERT_STATE_RENEWAL_DUE ||
		    st.state == CW_CERT_STATE_RENEWAL_FAILING) && cfg->device_serial != NULL &&
		    strcmp(st.subject_cn, cfg->device_serial) == 0;
	}
	if (check) {
		if (renew)
			result(s, CW_APPLY_CHANGED, "%s",
			    _("would renew the certificate (no one-time password needed)"));
		else if (otp_available(a, &err) == -1)
			failed(s, &err);
		else
			result(s, CW_APPLY_CHANGED, "%s", resume ?
			    _("would resume the unfinished enrollment") :
			    _("would enroll with the one-time password"));
		return;
	}
	if (renew) {
		struct cw_job_renew_in rin = { 1, 0 };
		struct cw_renew_result res;

		if (cw_job_renew(cfg, &rin, &apply_ops, ap, &res, &err) == 0 &&
		    res.outcome == CW_RENEW_RENEWED) {
			cw_cert_time_rfc3339(res.not_after, until, sizeof(until));
			result(s, CW_APPLY_CHANGED,
			    _("renewed the certificate, valid until %s; no one-time password was used"),
			    until);
			return;
		}
		if (res.outcome != CW_RENEW_REFUSED) {
			failed(s, &err);
			return;
		}
		/* Refused (the key cannot renew): enroll with the OTP. */
		cw_job_say(&apply_ops, ap, CW_JOB_INFO, "%s", err.msg);
		cw_error_clear(&err);
	}
	in.otp_file = NULL;	/* asked: answered from the file (ask_secret) */
	in.accept_ca = a->enroll.accept_ca;
	in.yes = 1;
	in.allow_unproven_time = a->enroll.allow_unproven_time;
	if (cw_job_enroll(cfg, &in, &apply_ops, ap, &err) == -1) {
		failed(s, &err);
		return;
	}
	if (cw_cert_status_read(cfg, time(NULL), &st, &err) == 0) {
		cw_cert_time_rfc3339(st.not_after, until, sizeof(until));
		result(s, CW_APPLY_CHANGED, _("enrolled: the certificate for %s is valid until %s"),
		    st.subject_cn, until);
	} else
		result(s, CW_APPLY_CHANGED, "%s", _("enrolled"));
}

/* ---- [sc3] */

/* The source as the job's flow names it: USER@ added from [sc3] user. */
static void
sc3_source(const struct cw_answers *a, char *buf, size_t len)
{
	const char *t = a->sc3.restore_from;

	if (cw_sc3_is_remote(t) && a->sc3.user != NULL && strchr(t, '@') == NULL)
		snprintf(buf, len, "%s@%s", a->sc3.user, t);
	else
		snprintf(buf, len, "%s", t);
}

static int
record_path(const struct cw_cfg *cfg, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/%s", cfg->state_dir, SC3_RECORD) < (int)len ? 0 : -1;
}

/* The record's text for source and the SC3 dir's digest now. */
static int
sc3_record_text(const struct cw_cfg *cfg, const char *source, char **text,
    struct cw_error *err)
{
	char digest[65];

	*text = NULL;
	if (cw_bundle_dir_digest(cfg->sc3_dir, digest, err) == -1)
		return -1;
	if (asprintf(text, "source=%s\nsc3_dir=%s\nmanifest=%s\n", source,
	    cfg->sc3_dir, digest) == -1) {
		*text = NULL;
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	return 0;
}

/* 1 when the record says the SC3 dir is what was restored from source. */
static int
sc3_restored(const struct cw_cfg *cfg, const char *source)
{
	char path[4096], *want = NULL, *have = NULL;
	struct cw_error e;
	size_t len = 0;
	int same = 0;

	if (record_path(cfg, path, sizeof(path)) == 0 && access(path, F_OK) == 0 &&
	    cw_file_read(path, 1 << 16, &have, &len, &e) == 0 &&
	    sc3_record_text(cfg, source, &want, &e) == 0)
		same = strcmp(want, have) == 0;
	free(want);
	free(have);
	return same;
}

static int
sc3_record(const struct cw_cfg *cfg, const char *source, struct cw_error *err)
{
	char path[4096], *text = NULL;
	int rc;

	if (record_path(cfg, path, sizeof(path)) == -1)
		return cw_error_set(err, CW_E_CONFIG, _("the path '%s' is too long"), cfg->state_dir);
	if (sc3_record_text(cfg, source, &text, err) == -1)
		return -1;
	rc = cw_file_install(path, text, strlen(text), 0600, 0, err);
	free(text);
	return rc;
}

/* --check: the files the restore would read. */
static int
sc3_files(const struct cw_answers *a, struct cw_error *err)
{
	const char *files[] = { a->sc3.master_key_file, a->sc3.identity,
	    a->sc3.password_file };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (files[i] != NULL && access(files[i], R_OK) == -1) {
			cw_error_set(err, CW_E_USAGE, _("cannot read '%s'"), files[i]);
			cw_error_detail(err, "%s", strerror(errno));
			return cw_error_hint(err, _("Fix the path in [sc3] of the answer file; nothing was changed."));
		}
	return 0;
}

static void
sec_sc3(struct apply *ap, int check, struct cw_job_apply_section *s)
{
	const struct cw_answers *a = ap->a;
	const struct cw_cfg *cfg = ap->cfg;
	struct cw_job_sc3_in in = { 0 };
	struct cw_error err;
	char source[8192];
	int resume = unfinished(cfg, "sc3-restore");

	cw_error_clear(&err);
	sc3_source(a, source, sizeof(source));
	if (!resume && sc3_restored(cfg, source)) {
		result(s, CW_APPLY_UNCHANGED, _("the SC3 directory still holds what was restored from %s"),
		    source);
		return;
	}
	if (check) {
		if (sc3_files(a, &err) == -1)
			failed(s, &err);
		else
			result(s, CW_APPLY_CHANGED, resume ?
			    _("would resume the unfinished SC3 restore from %s") :
			    _("would restore the SC3 trust material from %s"), source);
		return;
	}
	in.target = a->sc3.restore_from;
	in.user = a->sc3.user;
	in.port = a->sc3.port;
	in.auth = a->sc3.auth;
	in.identity = a->sc3.identity;
	in.password_file = a->sc3.password_file;
	in.known_hosts = a->sc3.known_hosts;
	in.accept_host_key = a->sc3.accept_host_key;
	in.master_key_file = a->sc3.master_key_file;
	in.yes = 1;
	in.other = CW_JOB_OTHER_RESUME;
	if (cw_job_sc3_restore(cfg, &in, &apply_ops, ap, &err) == -1 ||
	    sc3_record(cfg, source, &err) == -1) {
		failed(s, &err);
		return;
	}
	result(s, CW_APPLY_CHANGED, _("restored the SC3 trust material from %s"), source);
}

/* ---- the job */

int
cw_job_apply(const struct cw_cfg *cfg, const struct cw_job_apply_in *in,
    const struct cw_job_ops *ops, void *ctx, struct cw_job_apply_out *out,
    struct cw_error *err)
{
	static const struct {
		const char *name;
		void (*run)(struct apply *, int, struct cw_job_apply_section *);
	} order[CW_APPLY_SECTIONS] = {
		{ "ntp", sec_ntp }, { "check", sec_check },
		{ "enroll", sec_enroll }, { "sc3", sec_sc3 },
	};
	struct cw_answers a;
	struct apply ap = { cfg, &a, ops, ctx, 0 };
	const char *stopped = NULL;

	memset(out, 0, sizeof(*out));
	if (cw_answers_load(in->file, &a, err) == -1)
		return -1;
	for (size_t i = 0; i < CW_APPLY_SECTIONS; i++) {
		int present[CW_APPLY_SECTIONS] = { a.has_ntp, a.has_check && a.check.run,
		    a.has_enroll, a.has_sc3 };
		struct cw_job_apply_section *s = &out->sec[out->n];

		if (!present[i])
			continue;
		out->n++;
		s->name = order[i].name;
		if (stopped != NULL) {
			/* TRANSLATORS: %s is a section name such as ntp. */
			result(s, CW_APPLY_SKIPPED, _("not run: the section [%s] failed"), stopped);
			continue;
		}
		/* A line per section: the jobs' progress lines follow it. */
		cw_job_say(ops, ctx, CW_JOB_INFO, "[%s]", s->name);
		order[i].run(&ap, in->check, s);
		if (s->result == CW_APPLY_CHANGED)
			out->changed = 1;
		if (s->result == CW_APPLY_FAILED) {
			out->failed = 1;
			out->exit_code = s->code;
			stopped = s->name;
		}
	}
	cw_answers_release(&a);
	return 0;
}
