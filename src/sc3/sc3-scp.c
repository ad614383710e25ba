/* sc3-scp.c - USER@HOST:PATH as the SC3 flows' transport (scp.h).  One
 * connection per process, opened on first use (host key checked, then
 * authentication) and reused by the later steps.  Transfer progress goes to
 * the flow, whose progress callback can cancel. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cfg.h"
#include "core/i18n.h"
#include "sc3/sc3.h"
#include "sc3/scp.h"

#define BUNDLE_MAX ((uint64_t)1 << 30)	/* a download cap: 1 GiB */
#define PASSWORD_MAX 1024

struct scp_tp {
	struct cw_scp_target t;
	struct cw_scp_opts o;
	char *known_hosts, *identity, *accept;	/* owned copies */
	struct cw_secret *password;
	struct cw_scp *conn;
	char *spec;				/* names the bundle in messages */
};

static int
progress_cb(void *ctx, uint64_t done, uint64_t total)
{
	struct cw_error e;

	if (ctx == NULL || total == 0)
		return 0;
	return cw_flow_progress(ctx, (double)done / (double)total, &e) == -1;
}

static int
connect_once(struct scp_tp *p, struct cw_error *err)
{
	if (p->conn != NULL)
		return 0;
	return cw_scp_connect(&p->t, &p->o, &p->conn, err);
}

static int
scp_put(void *ctx, struct cw_flow *run, const char *local, struct cw_error *err)
{
	struct scp_tp *p = ctx;

	if (connect_once(p, err) == -1)
		return -1;
	return cw_scp_upload(p->conn, local, p->t.path, 0600, progress_cb, run, err);
}

static int
scp_fetch(void *ctx, struct cw_flow *run, cw_sc3_sink_fn *sink, void *sink_ctx,
    struct cw_error *err)
{
	struct scp_tp *p = ctx;

	if (connect_once(p, err) == -1)
		return -1;
	return cw_scp_download_stream(p->conn, p->t.path, BUNDLE_MAX, sink, sink_ctx,
	    progress_cb, run, err);
}

static int
scp_verify(void *ctx, struct cw_flow *run, uint64_t size, const unsigned char *sha256,
    struct cw_error *err)
{
	struct scp_tp *p = ctx;

	if (connect_once(p, err) == -1)
		return -1;
	return cw_scp_verify(p->conn, p->t.path, size, sha256, progress_cb, run, err);
}

static void
scp_free(void *ctx)
{
	struct scp_tp *p = ctx;

	if (p == NULL)
		return;
	cw_scp_free(p->conn);
	cw_secret_free(p->password);
	free(p->known_hosts);
	free(p->identity);
	free(p->accept);
	free(p->spec);
	free(p);
}

static int
dup_opt(const char *in, char **out, struct cw_error *err)
{
	if (in == NULL || *in == '\0')
		return 0;
	if ((*out = strdup(in)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	return 0;
}

int
cw_sc3_transport_scp(const char *spec, const struct cw_cfg *cfg,
    const struct cw_sc3_ssh *ssh, struct cw_sc3_transport *tp, struct cw_error *err)
{
	struct cw_sc3_ssh none = { 0 };
	struct scp_tp *p;
	char full[CW_SCP_USER_MAX + CW_SCP_HOST_MAX + CW_SCP_PATH_MAX + 8];

	memset(tp, 0, sizeof(*tp));
	if (ssh == NULL)
		ssh = &none;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	/* HOST:PATH and a user given apart: USER@HOST:PATH. */
	if (ssh->user != NULL && *ssh->user != '\0' && strchr(spec, '@') == NULL) {
		snprintf(full, sizeof(full), "%s@%s", ssh->user, spec);
		spec = full;
	}
	if (cw_scp_target_parse(spec, &p->t, err) == -1 || dup_opt(spec, &p->spec, err) == -1 ||
	    dup_opt(ssh->known_hosts, &p->known_hosts, err) == -1 ||
	    (!ssh->no_identity &&
	    dup_opt(ssh->identity != NULL ? ssh->identity : cfg->sc3_identity,
	    &p->identity, err) == -1) ||
	    dup_opt(ssh->accept_host_key, &p->accept, err) == -1 ||
	    (ssh->password_file != NULL && *ssh->password_file != '\0' &&
	    cw_secret_read_file(ssh->password_file, PASSWORD_MAX, 0, &p->password, err) == -1)) {
		scp_free(p);
		return -1;
	}
	cw_scp_opts_init(&p->o, cfg);
	/* The SSH options the admin gave, else [sc3] port and identity. */
	p->o.port = ssh->port > 0 ? ssh->port : cfg->sc3_port;
	if (p->known_hosts != NULL)
		p->o.known_hosts = p->known_hosts;
	p->o.identity = p->identity;
	p->o.accept_fingerprint = p->accept;
	if (ssh->password != NULL)
		p->o.password = ssh->password;
	else
		p->o.password = p->password;
	p->o.no_save = ssh->no_save;
	p->o.no_agent = ssh->no_agent;
	p->o.no_password = ssh->no_password;
	p->o.ask = ssh->ask;
	p->o.confirm_hostkey = ssh->confirm_hostkey;
	p->o.ctx = ssh->ctx;
	if (p->o.known_hosts == NULL || *p->o.known_hosts == '\0') {
		scp_free(p);
		cw_error_set(err, CW_E_CONFIG, _("no known_hosts file is configured"));
		return cw_error_hint(err, _("Set [sc3] known_hosts or give --known-hosts FILE."));
	}
	tp->put = scp_put;
	tp->fetch = scp_fetch;
	tp->name = p->spec;
	tp->verify = scp_verify;
	tp->free = scp_free;
	tp->ctx = p;
	return 0;
}

int
cw_sc3_scp_probe(struct cw_sc3_transport *tp, struct cw_error *err)
{
	struct scp_tp *p = tp->ctx;
	char dir[CW_SCP_PATH_MAX];

	if (connect_once(p, err) == -1)
		return -1;
	cw_scp_remote_dir(p->t.path, dir, sizeof(dir));
	return cw_scp_probe_dir(p->conn, dir, err);
}

/* USER@HOST:PATH goes over SCP; anything else is a local file. */
int
cw_sc3_is_remote(const char *target)
{
	const char *colon = strchr(target, ':'), *slash = strchr(target, '/');

	return colon != NULL && (slash == NULL || colon < slash);
}

int
cw_sc3_transport_for(const char *target, const struct cw_cfg *cfg,
    const struct cw_sc3_ssh *ssh, struct cw_sc3_transport *tp, struct cw_error *err)
{
	if (cw_sc3_is_remote(target))
		return cw_sc3_transport_scp(target, cfg, ssh, tp, err);
	return cw_sc3_transport_file(target, tp, err);
}
