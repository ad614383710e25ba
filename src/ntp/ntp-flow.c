/* ntp-flow.c - the "ntp" flow:
 *
 *   validate ──► write ──► reload ──► probe ──► finished
 *                  │          │          │
 *                  │          │          └ fails: files stay (applied), the
 *                  │          │            run is resumable (probe again)
 *                  │          └ fails (command, or the daemon did not adopt
 *                  │            the files: ntp-daemon.c): previous files
 *                  │            restored and reloaded (ntp-conf.c)
 *                  └ fails: nothing changed
 *
 * Inputs (journaled, non-secret): the hosts, "none" or "key ID ALG" per
 * server, the port, and a random request id so that a new `ntp set` never
 * resumes an older run with other keys (keys are not inputs: they are
 * secrets).  Facts: conf_sha256 (the snippet written), the probe result.
 *
 * Invariants:
 *  1. A step works on the settings in the user pointer; on a resumed run
 *     they are read back from the files, and a step whose work needs the
 *     original settings refuses unless the files match the run's inputs.
 *  2. reload runs only while the snippet on disk is the one this run wrote
 *     (conf_sha256): after a failed reload restored the previous files, a
 *     resumed run writes them again first if it still has the keys, else
 *     refuses.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/fileio.h"
#include "core/i18n.h"
#include "core/journal.h"
#include "ntp/ntp-flow.h"

struct ntp_user {
	const struct cw_ntp_config *c;
	struct cw_ntp_result *res;
	int applied;
	int from_disk;		/* resumed: c was read back from the files */
};

enum { IN_PRIMARY, IN_PRIMARY_AUTH, IN_SECONDARY, IN_SECONDARY_AUTH,
	IN_PORT, IN_REQUEST, IN__MAX };

static const char *const input_keys[IN__MAX] = {
	[IN_PRIMARY] = "primary",
	[IN_PRIMARY_AUTH] = "primary_auth",
	[IN_SECONDARY] = "secondary",
	[IN_SECONDARY_AUTH] = "secondary_auth",
	[IN_PORT] = "port",
	[IN_REQUEST] = "request",
};

static void
auth_text(const struct cw_ntp_server *s, char *buf, size_t len)
{
	if (s->host[0] == '\0')
		snprintf(buf, len, "-");
	else if (s->auth == CW_NTP_AUTH_SYMKEY)
		snprintf(buf, len, "key %u %s", s->key_id, cw_ntp_alg_name(s->alg));
	else
		snprintf(buf, len, "none");
}

/* Do the settings c say what the run's inputs say (keys aside)? */
static int
settings_match(const struct cw_flow *run, const struct cw_ntp_config *c)
{
	char auth[64];
	const char *v;

	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		v = cw_flow_fact(run, input_keys[i == 0 ? IN_PRIMARY : IN_SECONDARY]);
		if (v == NULL || strcmp(v, c->server[i].host[0] ? c->server[i].host : "-") != 0)
			return 0;
		auth_text(&c->server[i], auth, sizeof(auth));
		v = cw_flow_fact(run, input_keys[i == 0 ? IN_PRIMARY_AUTH : IN_SECONDARY_AUTH]);
		if (v == NULL || strcmp(v, auth) != 0)
			return 0;
	}
	return 1;
}

static int
gone(struct cw_flow *run, struct cw_error *err)
{
	cw_error_set(err, CW_E_STATE,
	    _("the NTP settings of run '%s' are no longer available (keys are never journaled)"),
	    cw_flow_id(run));
	return cw_error_hint(err, _("Abandon it ('certwiz journal abandon %s') and run 'certwiz ntp set' again."),
	    cw_flow_id(run));
}

static int
snippet_sha256(const struct cw_cfg *cfg, char hex[65], struct cw_error *err)
{
	struct cw_ntp_files f;
	unsigned char md[32];
	unsigned int n = 0;
	char *text = NULL;
	size_t len;

	if (cw_ntp_files_resolve(cfg, &f, err) == -1 ||
	    cw_file_read(f.conf_file, 65536, &text, &len, err) == -1)
		return -1;
	if (EVP_Digest(text, len, md, &n, EVP_sha256(), NULL) != 1) {
		free(text);
		cw_error_set(err, CW_E_CRYPTO, _("cannot compute a SHA-256 digest"));
		return cw_error_openssl(err);
	}
	free(text);
	for (unsigned i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static int
step_validate(struct cw_flow *run, struct cw_error *err)
{
	struct ntp_user *u = cw_flow_user(run);

	if (u == NULL || u->from_disk)
		return gone(run, err);
	return cw_ntp_step_validate(u->c, cw_flow_log(run), err);
}

static int
write_files(struct cw_flow *run, struct ntp_user *u, struct cw_error *err)
{
	const struct cw_cfg *cfg = cw_flow_cfg(run);
	char hex[65];

	if (cw_ntp_step_write(cfg, u->c, cw_flow_log(run), err) == -1 ||
	    snippet_sha256(cfg, hex, err) == -1)
		return -1;
	return cw_flow_set_fact(run, "conf_sha256", hex, err);
}

static int
step_write(struct cw_flow *run, struct cw_error *err)
{
	struct ntp_user *u = cw_flow_user(run);

	if (u == NULL || u->from_disk)
		return gone(run, err);
	return write_files(run, u, err);
}

static int
step_reload(struct cw_flow *run, struct cw_error *err)
{
	struct ntp_user *u = cw_flow_user(run);
	const struct cw_cfg *cfg = cw_flow_cfg(run);
	const char *want = cw_flow_fact(run, "conf_sha256");
	char hex[65];
	struct cw_error ignored;

	if (u == NULL)
		return gone(run, err);
	/* A failed reload of an earlier attempt put the old files back. */
	if (want == NULL || snippet_sha256(cfg, hex, &ignored) == -1 ||
	    strcmp(hex, want) != 0) {
		if (u->from_disk)
			return gone(run, err);
		if (write_files(run, u, err) == -1)
			return -1;
	}
	if (cw_ntp_step_reload(cfg, u->c, cw_flow_log(run), err) == -1)
		return -1;
	u->applied = 1;
	return 0;
}

static int
step_probe(struct cw_flow *run, struct cw_error *err)
{
	struct ntp_user *u = cw_flow_user(run);
	char buf[64];
	int rc;

	if (u == NULL)
		return gone(run, err);
	u->applied = 1;
	rc = cw_ntp_step_probe(cw_flow_cfg(run), u->c, u->res, cw_flow_log(run), err);
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		if (u->c->server[i].host[0] == '\0')
			continue;
		snprintf(buf, sizeof(buf), "%s_status", cw_ntp_role_name(i));
		if (cw_flow_set_fact(run, buf, cw_ntp_status_name(u->res[i].status), NULL) == -1)
			continue;
		if (u->res[i].status == CW_NTP_OK || u->res[i].status == CW_NTP_OFFSET) {
			char val[32];

			snprintf(buf, sizeof(buf), "%s_offset_ms", cw_ntp_role_name(i));
			/* A journal fact is a machine format. */
			cw_i18n_snprintf_c(val, sizeof(val), "%.3f", u->res[i].sample.offset_ms);
			cw_flow_set_fact(run, buf, val, NULL);
		}
	}
	return rc;
}

static const struct cw_flow_step steps[] = {
	{ "validate", N_("Check the NTP settings"), step_validate, NULL },
	{ "write", N_("Write the time daemon configuration"), step_write, NULL },
	{ "reload", N_("Reload the time daemon"), step_reload, NULL },
	{ "probe", N_("Prove the time with the NTP servers"), step_probe, NULL },
};

const struct cw_flow_def cw_ntp_set_flow = {
	.name = "ntp",
	.label = N_("Set up NTP"),
	.log_name = "ntp",
	.steps = steps,
	.nsteps = sizeof(steps) / sizeof(steps[0]),
	.abandon = NULL,
};

/* Abandons the unfinished ntp runs: a new `ntp set` supersedes them. */
static int
supersede(const struct cw_cfg *cfg, struct cw_error *err)
{
	struct cw_journal_run_info *runs = NULL;
	size_t n = 0;
	int rc = -1;

	if (cw_journal_list(cfg, 0, &runs, &n, err) == -1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct cw_flow *old = NULL;

		if (strcmp(runs[i].flow, cw_ntp_set_flow.name) != 0 ||
		    cw_run_state_closed(runs[i].state))
			continue;
		if (cw_flow_open_id(cfg, &cw_ntp_set_flow, runs[i].id, NULL, &old, err) == -1)
			goto out;
		if (cw_flow_abandon(old, err) == -1) {
			cw_flow_free(old);
			goto out;
		}
		cw_flow_free(old);
	}
	rc = 0;
out:
	free(runs);
	return rc;
}

int
cw_ntp_set_run(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    cw_flow_progress_fn *progress, void *ctx,
    struct cw_ntp_result res[CW_NTP_ROLE__MAX], int *applied,
    struct cw_error *err)
{
	struct ntp_user u = { .c = c, .res = res };
	struct cw_fact in[IN__MAX];
	char auth[2][64], port[16], request[33];
	unsigned char nonce[16];
	struct cw_flow *run = NULL;
	int rc = -1;

	*applied = 0;
	memset(res, 0, sizeof(*res) * CW_NTP_ROLE__MAX);
	if (RAND_bytes(nonce, sizeof(nonce)) != 1) {
		cw_error_set(err, CW_E_CRYPTO, _("cannot draw random bytes"));
		return cw_error_openssl(err);
	}
	for (size_t i = 0; i < sizeof(nonce); i++)
		snprintf(request + 2 * i, 3, "%02x", nonce[i]);
	auth_text(&c->server[CW_NTP_PRIMARY], auth[0], sizeof(auth[0]));
	auth_text(&c->server[CW_NTP_SECONDARY], auth[1], sizeof(auth[1]));
	snprintf(port, sizeof(port), "%d", cfg->ntp_port);
	in[IN_PRIMARY] = (struct cw_fact){ input_keys[IN_PRIMARY],
	    c->server[CW_NTP_PRIMARY].host[0] ? c->server[CW_NTP_PRIMARY].host : "-" };
	in[IN_PRIMARY_AUTH] = (struct cw_fact){ input_keys[IN_PRIMARY_AUTH], auth[0] };
	in[IN_SECONDARY] = (struct cw_fact){ input_keys[IN_SECONDARY],
	    c->server[CW_NTP_SECONDARY].host[0] ? c->server[CW_NTP_SECONDARY].host : "-" };
	in[IN_SECONDARY_AUTH] = (struct cw_fact){ input_keys[IN_SECONDARY_AUTH], auth[1] };
	in[IN_PORT] = (struct cw_fact){ input_keys[IN_PORT], port };
	in[IN_REQUEST] = (struct cw_fact){ input_keys[IN_REQUEST], request };

	if (supersede(cfg, err) == -1 ||
	    cw_flow_open(cfg, &cw_ntp_set_flow, in, IN__MAX, &u, &run, err) == -1)
		goto out;
	rc = cw_flow_run(run, progress, ctx, err);
	*applied = u.applied;
	if (rc == -1 && u.applied) {
		char hint[CW_ERR_HINT_MAX];

		memcpy(hint, err->hint, sizeof(hint));
		cw_error_hint(err, _("%s The new NTP configuration is in place."), hint);
	}
out:
	cw_flow_free(run);
	return rc;
}

int
cw_ntp_set_resume(struct cw_flow *run, cw_flow_progress_fn *progress,
    void *ctx, struct cw_error *err)
{
	struct cw_ntp_result res[CW_NTP_ROLE__MAX];
	struct ntp_user u = { .res = res, .from_disk = 1 };
	struct cw_ntp_config c;
	struct cw_error rerr;
	int configured = 0, rc = -1;

	memset(res, 0, sizeof(res));
	/* Killed between the two installs, the files disagree: the run's
	 * settings are not on disk, which is what the admin needs to hear. */
	if (cw_ntp_conf_read(cw_flow_cfg(run), 1, &c, &configured, &rerr) == -1) {
		gone(run, err);
		return cw_error_detail(err, "%s", rerr.msg);
	}
	if (!configured || !settings_match(run, &c)) {
		gone(run, err);
		goto out;
	}
	u.c = &c;
	cw_flow_set_user(run, &u);
	rc = cw_flow_run(run, progress, ctx, err);
	cw_flow_set_user(run, NULL);
out:
	cw_ntp_config_release(&c);
	return rc;
}
