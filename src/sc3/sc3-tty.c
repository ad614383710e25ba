/* sc3-tty.c - what the SC3 flows need from a person at a terminal (the CLI
 * and `certwiz journal resume`): the master key, yes/no answers, lines of
 * output, and the transport for a target given on the command line. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc3/age.h"
#include "core/i18n.h"
#include "cli/prompt.h"
#include "sc3/sc3.h"

#define MASTER_KEY_MAX 1024

int
cw_sc3_master_key(const struct cw_cfg *cfg, const char *file, int confirm,
    struct cw_secret **key, struct cw_error *err)
{
	if (file == NULL)
		file = cfg->master_key_file;
	if (file != NULL && *file != '\0')
		return cw_secret_read_file(file, MASTER_KEY_MAX, 0, key, err);
	return cw_prompt_secret(_("Master key: "),
	    confirm ? _("Master key (again): ") : NULL, MASTER_KEY_MAX,
	    "--master-key-file", key, err);
}

void
cw_sc3_say_tty(void *ctx, const char *line)
{
	(void)ctx;
	printf("%s\n", line);
	fflush(stdout);
}

int
cw_sc3_confirm_tty(void *ctx, const char *question, int *yes, struct cw_error *err)
{
	(void)ctx;
	return cw_prompt_yesno(question, yes, err);
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

/* Resume from `certwiz journal resume RUN`: the target is an input. */
static int
resume(struct cw_flow *run, cw_flow_progress_fn *progress, void *ctx, int restore,
    struct cw_error *err)
{
	struct cw_sc3_user u = { .log2n = CW_AGE_LOG2N_DEFAULT, .say = cw_sc3_say_tty, .confirm = cw_sc3_confirm_tty };
	struct cw_secret *key = NULL;
	struct cw_sc3_ssh ssh = { 0 };
	const char *target = cw_flow_fact(run, "target");
	int rc = -1;

	if (target == NULL)
		return cw_error_set(err, CW_E_JOURNAL, _("the run has no target"));
	/* The SSH options the run recorded (never the password itself). */
	ssh.port = cw_flow_fact(run, "port") ? atoi(cw_flow_fact(run, "port")) : 0;
	ssh.identity = cw_flow_fact(run, "identity");
	ssh.password_file = cw_flow_fact(run, "password_file");
	ssh.known_hosts = cw_flow_fact(run, "known_hosts");
	if (cw_sc3_transport_for(target, cw_flow_cfg(run), &ssh, &u.tp, err) == -1 ||
	    cw_sc3_master_key(cw_flow_cfg(run), NULL, 0, &key, err) == -1)
		goto out;
	u.master_key = key;
	cw_flow_set_user(run, &u);
	rc = cw_flow_run(run, progress, ctx, err);
	cw_flow_set_user(run, NULL);
out:
	if (u.tp.free != NULL)
		u.tp.free(u.tp.ctx);
	cw_secret_free(key);
	(void)restore;
	return rc;
}

int
cw_sc3_backup_resume(struct cw_flow *run, cw_flow_progress_fn *progress, void *ctx,
    struct cw_error *err)
{
	return resume(run, progress, ctx, 0, err);
}

int
cw_sc3_restore_resume(struct cw_flow *run, cw_flow_progress_fn *progress, void *ctx,
    struct cw_error *err)
{
	return resume(run, progress, ctx, 1, err);
}

