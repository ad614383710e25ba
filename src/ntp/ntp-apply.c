/* ntp-apply.c - the steps of applying NTP settings:
 *
 *   validate ──► write ──► reload + read-back ──► probe
 *                  │          │ fails (the command, or the daemon does not
 *                  │          │ list a server, its key, or has no valid
 *                  │          │ answer): previous files restored, reloaded
 *                  │ fails: nothing changed (keys file put back)
 *
 * Invariants: after write, the snippet never names a key the keys file
 * lacks (keys are installed first); a reload that the daemon does not
 * adopt leaves the previous files in place; probe changes nothing.  The
 * log gets host names, key IDs and results, never a key. */
#include "config.h"

#include <string.h>

#include "core/i18n.h"
#include "ntp/ntp.h"

int
cw_ntp_step_validate(const struct cw_ntp_config *c, struct cw_log *log,
    struct cw_error *err)
{
	if (cw_ntp_config_validate(c, err) == -1) {
		cw_log_error(log, err);
		return -1;
	}
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		const struct cw_ntp_server *s = &c->server[i];

		if (s->host[0] == '\0')
			continue;
		if (s->auth == CW_NTP_AUTH_SYMKEY)
			cw_log_msg(log, CW_LOG_INFO, "%s server %s, key ID %u (%s)",
			    cw_ntp_role_name(i), s->host, s->key_id,
			    cw_ntp_alg_name(s->alg));
		else
			cw_log_msg(log, CW_LOG_INFO, "%s server %s, no authentication",
			    cw_ntp_role_name(i), s->host);
	}
	return 0;
}

int
cw_ntp_step_write(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    struct cw_log *log, struct cw_error *err)
{
	struct cw_ntp_files f;

	if (cw_ntp_files_resolve(cfg, &f, err) == -1 ||
	    cw_ntp_conf_write(cfg, c, err) == -1) {
		cw_log_error(log, err);
		return -1;
	}
	cw_log_msg(log, CW_LOG_INFO, "wrote %s and %s for %s", f.conf_file,
	    f.keys_file, cw_ntp_daemon_name(f.daemon));
	return 0;
}

int
cw_ntp_step_reload(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    struct cw_log *log, struct cw_error *err)
{
	return cw_ntp_reload(cfg, c, log, err);
}

int
cw_ntp_step_probe(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    struct cw_ntp_result res[CW_NTP_ROLE__MAX], struct cw_log *log,
    struct cw_error *err)
{
	int rc = cw_ntp_probe(cfg, c, res, err);

	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		if (c->server[i].host[0] == '\0')
			continue;
		if (res[i].status == CW_NTP_OK)
			cw_log_msg(log, CW_LOG_INFO,
			    "%s %s (%s): offset %.3f ms, delay %.3f ms, stratum %d, refid %s%s",
			    cw_ntp_role_name(i), c->server[i].host,
			    res[i].sample.address, res[i].sample.offset_ms,
			    res[i].sample.delay_ms, res[i].sample.stratum,
			    res[i].sample.refid,
			    res[i].sample.authenticated ? ", authenticated" : "");
		else
			cw_log_msg(log, CW_LOG_WARNING, "%s %s: %s: %s",
			    cw_ntp_role_name(i), c->server[i].host,
			    cw_ntp_status_name(res[i].status), res[i].err.msg);
	}
	if (rc == -1)
		cw_log_error(log, err);
	else
		cw_log_msg(log, CW_LOG_INFO, "time proven");
	return rc;
}

int
cw_ntp_apply(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    struct cw_ntp_result res[CW_NTP_ROLE__MAX], int *applied,
    struct cw_log *log, struct cw_error *err)
{
	*applied = 0;
	memset(res, 0, sizeof(*res) * CW_NTP_ROLE__MAX);
	if (cw_ntp_step_validate(c, log, err) == -1 ||
	    cw_ntp_step_write(cfg, c, log, err) == -1 ||
	    cw_ntp_step_reload(cfg, c, log, err) == -1)
		return -1;
	*applied = 1;
	if (cw_ntp_step_probe(cfg, c, res, log, err) == -1) {
		char hint[CW_ERR_HINT_MAX];

		memcpy(hint, err->hint, sizeof(hint));
		cw_error_hint(err, _("%s The new NTP configuration is in place."), hint);
		return -1;
	}
	return 0;
}

int
cw_ntp_check_time(const struct cw_cfg *cfg,
    struct cw_ntp_result res[CW_NTP_ROLE__MAX], struct cw_error *err)
{
	struct cw_ntp_config c;
	struct cw_ntp_files f;
	int configured = 0, rc;

	memset(res, 0, sizeof(*res) * CW_NTP_ROLE__MAX);
	if (cw_ntp_files_resolve(cfg, &f, err) == -1 ||
	    cw_ntp_conf_read(cfg, 1, &c, &configured, err) == -1)
		return -1;
	if (!configured) {
		cw_ntp_config_release(&c);
		cw_error_set(err, CW_E_TIME,
		    _("the time is not proven: certwiz has not configured NTP yet ('%s' does not exist)"),
		    f.conf_file);
		return cw_error_hint(err, _("Configure NTP first ('certwiz ntp set --primary HOST' or the wizard's NTP screen)."));
	}
	/* Both: certwiz's own authenticated answer, and the daemon keeping
	 * the clock reaching a server. */
	rc = cw_ntp_probe(cfg, &c, res, err);
	if (rc == 0 && cw_ntp_daemon_verify(cfg, &f, &c, 0, NULL, NULL, err) == -1) {
		char msg[CW_ERR_MSG_MAX];

		memcpy(msg, err->msg, sizeof(msg));
		cw_error_set(err, CW_E_TIME, _("the time is not proven: %s"), msg);
		rc = -1;
	}
	cw_ntp_config_release(&c);
	return rc;
}
