/* job-ntp.c - NTP set (the journaled flow of ntp-flow.h) and test as
 * jobs.  A server with Symmetric Key and no key keeps the key certwiz
 * already has for that key ID, so that changing only a server's address
 * keeps its key (the keys file is root's; the key is never shown). */
#include "config.h"

#include <string.h>

#include "core/i18n.h"
#include "job/flows.h"
#include "job/job-int.h"
#include "ntp/ntp-flow.h"

/* The current key for s's key ID and algorithm: the same role first. */
static const struct cw_ntp_server *
kept_key(const struct cw_ntp_config *cur, int role, const struct cw_ntp_server *s)
{
	const struct cw_ntp_server *o = &cur->server[role];

	if (o->key != NULL && o->key_id == s->key_id && o->alg == s->alg)
		return o;
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		o = &cur->server[i];
		if (o->key != NULL && o->key_id == s->key_id && o->alg == s->alg)
			return o;
	}
	return NULL;
}

static int
keep_keys(const struct cw_cfg *cfg, struct cw_ntp_config *c, struct cw_error *err)
{
	struct cw_ntp_config cur;
	int configured = 0, need = 0, rc = -1;

	for (int i = 0; i < CW_NTP_ROLE__MAX; i++)
		if (c->server[i].host[0] != '\0' && c->server[i].auth == CW_NTP_AUTH_SYMKEY &&
		    c->server[i].key == NULL)
			need = 1;
	if (!need)
		return 0;
	if (cw_ntp_conf_read(cfg, 1, &cur, &configured, err) == -1)
		return -1;
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		struct cw_ntp_server *s = &c->server[i];
		const struct cw_ntp_server *o;

		if (s->host[0] == '\0' || s->auth != CW_NTP_AUTH_SYMKEY || s->key != NULL)
			continue;
		if ((o = kept_key(&cur, i, s)) == NULL) {
			cw_error_set(err, CW_E_USAGE,
			    _("no key is given for the %s server, and certwiz has none for key ID %u"),
			    cw_ntp_role_label(i), s->key_id);
			cw_error_hint(err, _("Give the key; nothing was changed."));
			goto out;
		}
		if ((s->key = cw_secret_new(CW_NTP_KEY_BYTES_MAX)) == NULL) {
			cw_error_set(err, CW_E_NOMEM, _("out of memory"));
			goto out;
		}
		if (cw_secret_append(s->key, cw_secret_data(o->key),
		    cw_secret_len(o->key), err) == -1)
			goto out;
	}
	rc = 0;
out:
	cw_ntp_config_release(&cur);
	return rc;
}

int
cw_job_ntp_set(const struct cw_cfg *cfg, struct cw_ntp_config *c,
    const struct cw_job_ops *ops, void *ctx, struct cw_job_ntp_out *out,
    struct cw_error *err)
{
	struct cw_lock *lock = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	/* Validate before taking the lock: a typo needs no lock. */
	if (keep_keys(cfg, c, err) == -1 || cw_ntp_config_validate(c, err) == -1 ||
	    cw_lock_acquire(cfg->state_dir, &lock, err) == -1)
		return -1;
	rc = cw_ntp_set_run(cfg, c, ops != NULL ? ops->progress : NULL, ctx,
	    out->res, &out->applied, err);
	cw_lock_release(lock);
	out->proven = rc == 0;
	return rc;
}

int
cw_job_ntp_test(const struct cw_cfg *cfg, struct cw_ntp_config *c,
    const struct cw_job_ops *ops, void *ctx, struct cw_job_ntp_out *out,
    struct cw_error *err)
{
	struct cw_ntp_files f;
	int configured = 0, rc;

	(void)ops;
	(void)ctx;
	memset(out, 0, sizeof(*out));
	cw_ntp_config_init(c);
	if (cw_ntp_files_resolve(cfg, &f, err) == -1 ||
	    cw_ntp_conf_read(cfg, 1, c, &configured, err) == -1)
		return -1;
	if (!configured) {
		cw_error_set(err, CW_E_STATE, _("certwiz has not configured NTP yet ('%s' does not exist)"),
		    f.conf_file);
		return cw_error_hint(err, _("Set it first with 'certwiz ntp set --primary HOST'."));
	}
	rc = cw_ntp_probe(cfg, c, out->res, err);
	/* Proven: certwiz's answer and the daemon reaching a server. */
	if (rc == 0)
		rc = cw_ntp_daemon_verify(cfg, &f, c, 0, NULL, NULL, err);
	out->applied = 1;
	out->proven = rc == 0;
	return rc;
}

int
cw_job_ntp_resume(struct cw_flow *run, const struct cw_job_ops *ops, void *ctx,
    struct cw_error *err)
{
	return cw_ntp_set_resume(run, ops != NULL ? ops->progress : NULL, ctx, err);
}
