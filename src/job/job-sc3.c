/* job-sc3.c - SC3 backup and restore (sc3.h) as jobs: the target and its
 * SSH options, the restore checklist, the SC3 directory checked before
 * the master key is asked for, the dry run, the flow; and the resume of
 * both flows.  Every question - the master key, an SSH password or key
 * passphrase, an unknown host key, the restart - goes through the front
 * end's operations (job.h).
 *
 * The flow's inputs are the full USER@HOST:PATH (or path) and the SC3
 * dir, the same from every front end, so that either resumes the other's
 * run.  The SSH options are remembered as facts for the resume, never
 * the secrets. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "core/i18n.h"
#include "job/flows.h"
#include "job/job-int.h"
#include "sc3/age.h"
#include "sc3/bundle.h"
#include "sc3/sc3.h"

#define MASTER_KEY_MAX 1024
#define SECRET_MAX 1024

/* One SC3 job's state: what the callbacks below need. */
struct sc3_job {
	const struct cw_job_ops *ops;
	void *ctx;
	struct cw_sc3_user u;
	char refused_fp[CW_SCP_FP_MAX];	/* a host key the person refused */
	char asked_hostkey;		/* the host key question was asked */
};

static const char *const auth_names[] = {
	[CW_JOB_AUTH_AUTO] = "auto",
	[CW_JOB_AUTH_AGENT] = "agent",
	[CW_JOB_AUTH_IDENTITY] = "identity",
	[CW_JOB_AUTH_PASSWORD] = "password",
};

static void
say_cb(void *ctx, const char *line)
{
	struct sc3_job *j = ctx;

	cw_job_say(j->ops, j->ctx, CW_JOB_RESULT, "%s", line);
}

static int
confirm_cb(void *ctx, const char *question, int *yes, struct cw_error *err)
{
	struct sc3_job *j = ctx;
	/* TRANSLATORS: title of a yes/no question the SC3 flow asks. */
	struct cw_job_q q = { "sc3.restart", _("Confirm"), question, "--yes", 0, 0 };

	return cw_job_confirm(j->ops, j->ctx, &q, yes, err);
}

static int
ask_cb(void *ctx, enum cw_scp_ask what, const char *prompt,
    struct cw_secret **out, struct cw_error *err)
{
	struct sc3_job *j = ctx;
	struct cw_job_q q = { "ssh.password", _("SSH password"), prompt,
	    "--password-file", 0, SECRET_MAX };

	if (what == CW_SCP_ASK_PASSPHRASE) {
		q.key = "ssh.passphrase";
		q.title = _("Key passphrase");
		q.option = NULL;
	}
	return cw_job_ask_secret(j->ops, j->ctx, &q, out, err);
}

/* Unknown host key: trust once, trust and save, or refuse.  No one to
 * ask is a refusal (the error names the fingerprint). */
static int
hostkey_cb(void *ctx, const char *host, int port, const char *key_type,
    const char *fingerprint, struct cw_error *err)
{
	struct sc3_job *j = ctx;
	const char *choices[3] = {
		/* TRANSLATORS: the answers to an unknown SSH host key. */
		_("Trust once"), _("Trust and save"), _("Refuse") };
	char text[1024];
	struct cw_job_q q = { "ssh.hostkey", _("Unknown host key"), text,
	    "--accept-host-key", 0, 0 };
	struct cw_error e;
	size_t sel = 2;

	(void)err;
	snprintf(text, sizeof(text),
	    /* TRANSLATORS: host, port, key algorithm, SHA256:... fingerprint. */
	    _("The host key of %s port %d is not known yet:\n\n  %s\n  %s\n\nTrust it only if it is the fingerprint the server's administrator gives you (ssh-keygen -lf on the server's host key). Trust once connects this time only; trust and save adds it to known_hosts."),
	    host, port, key_type, fingerprint);
	snprintf(j->refused_fp, sizeof(j->refused_fp), "%s", fingerprint);
	j->asked_hostkey = 1;
	cw_error_clear(&e);
	if (cw_job_choose(j->ops, j->ctx, &q, choices, 3, &sel, &e) == -1 || sel == 2)
		return 0;
	j->refused_fp[0] = '\0';
	return sel == 0 ? 2 : 1;
}

/* The master key: given by the front end, from a file, from
 * [sc3] master_key_file, else asked (twice to seal a new bundle). */
static int
master_key(const struct cw_cfg *cfg, const char *file, int twice,
    const struct cw_job_ops *ops, void *ctx, struct cw_secret **key,
    struct cw_error *err)
{
	struct cw_job_q q = { "sc3.master_key", _("Master key"),
	    _("The master key of this unit: it encrypts and decrypts the SC3 bundle."),
	    "--master-key-file", twice, MASTER_KEY_MAX };

	if (file == NULL)
		file = cfg->master_key_file;
	if (file != NULL && *file != '\0')
		return cw_secret_read_file(file, MASTER_KEY_MAX, 0, key, err);
	return cw_job_ask_secret(ops, ctx, &q, key, err);
}

static void
ssh_from(struct cw_sc3_ssh *ssh, enum cw_job_ssh_auth auth, struct sc3_job *j)
{
	switch (auth) {
	case CW_JOB_AUTH_AGENT:
		ssh->identity = NULL;
		ssh->no_identity = 1;
		ssh->no_password = 1;
		break;
	case CW_JOB_AUTH_IDENTITY:
		ssh->no_agent = 1;
		ssh->no_password = 1;
		break;
	case CW_JOB_AUTH_PASSWORD:
		ssh->no_agent = 1;
		ssh->identity = NULL;
		ssh->no_identity = 1;
		break;
	default:
		break;
	}
	ssh->ask = ask_cb;
	ssh->confirm_hostkey = hostkey_cb;
	ssh->ctx = j;
}

/* After a failure: the hint that fixes it in this front end. */
static void
failure_hint(struct sc3_job *j, const char *run_id, struct cw_error *err)
{
	if (err->fix[0] != '\0')
		cw_job_hint(j->ops, j->ctx, err->fix, NULL, err);
	else if (err->code == CW_E_HOSTKEY && j->refused_fp[0] != '\0')
		cw_job_hint(j->ops, j->ctx, "ssh.hostkey", j->refused_fp, err);
	else if (run_id != NULL && err->code != CW_E_CANCELLED &&
	    err->code != CW_E_HOSTKEY)
		cw_job_hint(j->ops, j->ctx, "job.resume", run_id, err);
}

static enum cw_job_ssh_auth
auth_parse(const char *s)
{
	for (size_t i = 0; s != NULL && i < sizeof(auth_names) / sizeof(auth_names[0]); i++)
		if (strcmp(s, auth_names[i]) == 0)
			return (enum cw_job_ssh_auth)i;
	return CW_JOB_AUTH_AUTO;
}

static int
sc3_job(const struct cw_cfg *cfg, const struct cw_job_sc3_in *in, int restore,
    const struct cw_job_ops *ops, void *ctx, struct cw_error *err)
{
	struct sc3_job j;
	struct cw_sc3_ssh ssh = { 0 };
	struct cw_secret *key = NULL;
	struct cw_lock *lock = NULL;
	struct cw_flow *run = NULL;
	char target[CW_SCP_USER_MAX + CW_SCP_HOST_MAX + CW_SCP_PATH_MAX + 8];
	char portbuf[16], other[CW_JOB_RUN_ID_MAX], checklist[2048];
	const char *auth = NULL;
	int rc = -1, yes = 0, remote;

	memset(&j, 0, sizeof(j));
	j.ops = ops;
	j.ctx = ctx;
	j.u.log2n = in->log2n > 0 ? in->log2n : CW_AGE_LOG2N_DEFAULT;
	j.u.no_verify = in->no_verify;
	j.u.assume_yes = in->yes;
	j.u.ask_origin = in->ask_origin;
	j.u.say = say_cb;
	j.u.confirm = confirm_cb;
	j.u.ui_ctx = &j;

	if (in->target == NULL || in->target[0] == '\0') {
		cw_error_set(err, CW_E_USAGE, restore ? _("no source is given") :
		    _("no destination is given"));
		return cw_error_hint(err, _("Give USER@HOST:PATH (SCP) or an absolute path; nothing was changed."));
	}
	remote = cw_sc3_is_remote(in->target);
	if (!remote && in->target[0] != '/') {
		cw_error_set(err, CW_E_USAGE, _("'%s' is neither USER@HOST:PATH nor an absolute path"), in->target);
		return cw_error_hint(err, _("Give USER@HOST:PATH (SCP) or an absolute path; nothing was changed."));
	}
	if (remote && in->user != NULL && in->user[0] != '\0' && strchr(in->target, '@') == NULL)
		snprintf(target, sizeof(target), "%s@%s", in->user, in->target);
	else
		snprintf(target, sizeof(target), "%s", in->target);

	ssh.port = in->port;
	ssh.identity = in->identity;
	ssh.password_file = in->password_file;
	ssh.known_hosts = in->known_hosts;
	ssh.accept_host_key = in->accept_host_key;
	ssh.no_save = in->dry_run;
	ssh_from(&ssh, in->auth, &j);
	if (cw_sc3_transport_for(target, cfg, &ssh, &j.u.tp, err) == -1)
		goto out;

	if (restore && !in->yes && !in->dry_run) {
		struct cw_job_q q = { "sc3.checklist", _("Restore SC3"), checklist,
		    "--yes", 0, 0 };

		/* The vendor's prerequisites: those certwiz checks itself once
		 * the bundle is open, and those only the admin can confirm. */
		snprintf(checklist, sizeof(checklist), "%s\n%s\n  - %s\n  - %s\n%s\n  - %s\n  - %s\n\n%s",
		    _("Before restoring, make sure that:"),
		    _("certwiz checks, after opening the bundle:"),
		    _("this unit has the same IP address as the old unit;"),
		    _("this unit has the same master key as the old unit;"),
		    _("you confirm:"),
		    _("the old unit's configuration is imported, loaded and committed here;"),
		    _("firewalls and log collectors are onboarded and disconnected."),
		    _("Is all of this true?"));
		if (cw_job_confirm(ops, ctx, &q, &yes, err) == -1)
			goto out;
		if (!yes) {
			cw_error_set(err, CW_E_CANCELLED, _("restore cancelled"));
			cw_error_hint(err, _("Nothing was changed."));
			goto out;
		}
	} else if (!restore)
		cw_job_say(ops, ctx, CW_JOB_INFO, "%s", _("In an HA pair, back up the active unit first."));
	/* The SC3 directory before the key: no key is asked for in vain. */
	if (!restore && cw_bundle_dir_check(cfg->sc3_dir, err) == -1)
		goto out;
	if (in->master_key != NULL) {
		if ((key = cw_secret_new(MASTER_KEY_MAX)) == NULL ||
		    cw_secret_append(key, cw_secret_data(in->master_key),
		    cw_secret_len(in->master_key), err) == -1) {
			if (key == NULL)
				cw_error_set(err, CW_E_NOMEM, _("out of memory"));
			goto out;
		}
	} else if (master_key(cfg, in->master_key_file, !restore, ops, ctx, &key, err) == -1)
		goto out;
	j.u.master_key = key;

	if (in->dry_run && restore) {
		/* Fetch, open, verify, compare; no swap, nothing kept. */
		if (cw_sc3_restore_check(cfg, &j.u, err) == -1)
			goto out;
		cw_job_say(ops, ctx, CW_JOB_RESULT, "%s",
		    _("Dry run: the bundle opens with this master key and fits this unit; nothing was changed."));
		rc = 0;
		goto out;
	}
	if (in->dry_run) {
		/* Everything but the transfer: a probe at the destination. */
		struct cw_file_stage *probe = NULL;

		if (remote) {
			if (cw_sc3_scp_probe(&j.u.tp, err) == -1)
				goto out;
		} else if (!restore) {
			if (cw_file_stage_open(target, 0600, &probe, err) == -1)
				goto out;
			cw_file_stage_abort(probe);
		}
		cw_job_say(ops, ctx, CW_JOB_RESULT, "%s",
		    _("Dry run: the SC3 directory, the master key and the destination are usable."));
		rc = 0;
		goto out;
	}

	snprintf(portbuf, sizeof(portbuf), "%d", in->port);
	if (in->auth != CW_JOB_AUTH_AUTO)
		auth = auth_names[in->auth];
	{
		const struct cw_fact inputs[] = {
			{ "target", target },
			{ "sc3_dir", cfg->sc3_dir },
		};
		const struct cw_fact remember[] = {
			{ "port", in->port ? portbuf : NULL },
			{ "identity", in->identity },
			{ "password_file", in->password_file },
			{ "known_hosts", in->known_hosts },
			{ "auth", auth },
		};

		j.u.remember = remember;
		j.u.nremember = sizeof(remember) / sizeof(remember[0]);
		if (cw_lock_acquire(cfg->state_dir, &lock, err) == -1)
			goto out;
		rc = cw_job_open(cfg, restore ? &cw_sc3_restore_flow : &cw_sc3_backup_flow,
		    inputs, sizeof(inputs) / sizeof(inputs[0]), &j.u, in->other,
		    ops, ctx, other, &run, err);
		if (rc == 1) {
			/* The other run, with its own inputs and options. */
			rc = cw_job_resume_locked(cfg, other, ops, ctx, err);
			goto out;
		}
		if (rc == 0) {
			rc = cw_job_run_flow(run, ops, ctx, err);
			if (rc == -1)
				failure_hint(&j, cw_flow_id(run), err);
		}
		j.u.remember = NULL;
		j.u.nremember = 0;
	}
out:
	if (rc == -1 && run == NULL)
		failure_hint(&j, NULL, err);
	cw_flow_free(run);
	cw_lock_release(lock);
	if (j.u.tp.free != NULL)
		j.u.tp.free(j.u.tp.ctx);
	cw_secret_free(key);
	return rc;
}

int
cw_job_sc3_backup(const struct cw_cfg *cfg, const struct cw_job_sc3_in *in,
    const struct cw_job_ops *ops, void *ctx, struct cw_error *err)
{
	return sc3_job(cfg, in, 0, ops, ctx, err);
}

int
cw_job_sc3_restore(const struct cw_cfg *cfg, const struct cw_job_sc3_in *in,
    const struct cw_job_ops *ops, void *ctx, struct cw_error *err)
{
	return sc3_job(cfg, in, 1, ops, ctx, err);
}

/* Resume: the target is an input, the SSH options are facts; the master
 * key and any password are asked again. */
int
cw_job_sc3_resume(struct cw_flow *run, const struct cw_job_ops *ops, void *ctx,
    struct cw_error *err)
{
	struct sc3_job j;
	struct cw_secret *key = NULL;
	struct cw_sc3_ssh ssh = { 0 };
	const char *target = cw_flow_fact(run, "target");
	int rc = -1;

	memset(&j, 0, sizeof(j));
	j.ops = ops;
	j.ctx = ctx;
	j.u.log2n = CW_AGE_LOG2N_DEFAULT;
	j.u.say = say_cb;
	j.u.confirm = confirm_cb;
	j.u.ui_ctx = &j;
	if (target == NULL)
		return cw_error_set(err, CW_E_JOURNAL, _("the run has no target"));
	ssh.port = cw_flow_fact(run, "port") ? atoi(cw_flow_fact(run, "port")) : 0;
	ssh.identity = cw_flow_fact(run, "identity");
	ssh.password_file = cw_flow_fact(run, "password_file");
	ssh.known_hosts = cw_flow_fact(run, "known_hosts");
	ssh_from(&ssh, auth_parse(cw_flow_fact(run, "auth")), &j);
	if (cw_sc3_transport_for(target, cw_flow_cfg(run), &ssh, &j.u.tp, err) == -1 ||
	    master_key(cw_flow_cfg(run), NULL, 0, ops, ctx, &key, err) == -1)
		goto out;
	j.u.master_key = key;
	cw_flow_set_user(run, &j.u);
	rc = cw_job_run_flow(run, ops, ctx, err);
	cw_flow_set_user(run, NULL);
	if (rc == -1)
		failure_hint(&j, cw_flow_id(run), err);
out:
	if (j.u.tp.free != NULL)
		j.u.tp.free(j.u.tp.ctx);
	cw_secret_free(key);
	return rc;
}
