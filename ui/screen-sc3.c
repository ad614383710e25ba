/* screen-sc3.c - Back up SC3 and Restore SC3: the SC3 jobs (job.h) under
 * the gauge.  The screen asks for the destination or source, the SSH port
 * and user, how to log in (agent, identity file, password) and the master
 * key (masked, straight into a struct cw_secret, unless
 * [sc3] master_key_file names it); the job asks the rest through the
 * wizard's operations (ops.c): the restore checklist, an unknown host key
 * (trust once, trust and save, refuse), the SSH password or the key's
 * passphrase (masked), the restart.  At the end what the job said ("SC3
 * Backup success", "Restored SC3 CA").  The same inputs as `certwiz sc3
 * backup|restore`, so either resumes the other's run. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cfg.h"
#include "core/error.h"
#include "core/i18n.h"
#include "core/secret.h"
#include "job/job.h"
#include "job/record.h"
#include "sc3/sc3.h"
#include "screens.h"
#include "widgets.h"

#define TARGET_MAX 1024
#define KEY_CAP 1024

struct sc3_arg {
	const struct cw_cfg *cfg;
	const struct cw_job_sc3_in *in;
	int restore;
};

static int
work(void *arg, const struct cw_job_ops *ops, void *ctx, struct cw_error *err)
{
	struct sc3_arg *a = arg;

	return a->restore ? cw_job_sc3_restore(a->cfg, a->in, ops, ctx, err) :
	    cw_job_sc3_backup(a->cfg, a->in, ops, ctx, err);
}

static int
valid_target(const char *value, char *msg, size_t len, void *ctx)
{
	(void)ctx;
	if (cw_sc3_is_remote(value) || value[0] == '/')
		return 0;
	snprintf(msg, len, "%s", _("Enter USER@HOST:PATH or an absolute path."));
	return -1;
}

static int
valid_port(const char *value, char *msg, size_t len, void *ctx)
{
	char *end;
	long p;

	(void)ctx;
	if (value[0] == '\0')
		return 0;
	p = strtol(value, &end, 10);
	if (*end == '\0' && p >= 1 && p <= 65535)
		return 0;
	snprintf(msg, len, "%s", _("Enter a port from 1 to 65535, or leave it empty for 22."));
	return -1;
}

/* How to log in: agent, identity file (its passphrase is asked when the
 * key needs one), password (asked masked when the server wants it). */
static int
ask_auth(const char *title, struct cw_job_sc3_in *in, char *identity, size_t cap)
{
	struct uw_item items[] = {
		/* TRANSLATORS: "SSH login shortcut": the letters of the three
		 * SSH login methods; one ASCII letter each, all different. */
		{ cw_i18n_key(NC_("SSH login shortcut", "a")), _("SSH agent"),
		  _("The keys loaded into ssh-agent.") },
		{ cw_i18n_key(NC_("SSH login shortcut", "i")), _("Identity file"),
		  _("A private key file; its passphrase is asked if it has one.") },
		{ cw_i18n_key(NC_("SSH login shortcut", "p")), _("Password"),
		  _("The account's password, asked in a masked field.") },
	};
	size_t sel = identity[0] != '\0' ? 1 : 2;
	int rc;

	rc = uw_menu(title, _("How should certwiz log in to the SSH server?"), items, 3, &sel);
	if (rc != UW_OK)
		return rc;
	in->auth = sel == 0 ? CW_JOB_AUTH_AGENT : sel == 1 ? CW_JOB_AUTH_IDENTITY :
	    CW_JOB_AUTH_PASSWORD;
	if (sel != 1)
		return UW_OK;
	rc = uw_input(title, _("The private key file (OpenSSH or PEM):"), identity, cap, 0, NULL, NULL);
	if (rc == UW_OK)
		in->identity = identity;
	return rc;
}

static int
run_sc3(const struct cw_cfg *cfg, int restore)
{
	const char *title = restore ? _("Restore SC3") : _("Back up SC3");
	char target[TARGET_MAX] = "", port[16] = "", user[64] = "", identity[TARGET_MAX] = "";
	struct cw_job_sc3_in in;
	struct sc3_arg a = { cfg, &in, restore };
	struct ui_job j = { .title = title };
	struct cw_secret *key = NULL, *again = NULL;
	int from_file = cfg->master_key_file != NULL && cfg->master_key_file[0] != '\0';
	int rc = 0;

	memset(&in, 0, sizeof(in));
	/* [sc3] target, port and identity prefill the form. */
	if (cfg->sc3_target != NULL)
		snprintf(target, sizeof(target), "%s", cfg->sc3_target);
	if (cfg->sc3_port > 0 && cfg->sc3_port != 22)
		snprintf(port, sizeof(port), "%d", cfg->sc3_port);
	if (cfg->sc3_identity != NULL)
		snprintf(identity, sizeof(identity), "%s", cfg->sc3_identity);
	if ((key = cw_secret_new(KEY_CAP)) == NULL || (again = cw_secret_new(KEY_CAP)) == NULL)
		goto out;
	for (;;) {
		struct uw_field f[5] = {
			/* TRANSLATORS: form fields: where the bundle is fetched from
			 * (restore) or copied to (backup), as USER@HOST:PATH. */
			{ .label = restore ? _("Source") : _("Destination"), .buf = target,
			  .cap = sizeof(target), .validate = valid_target },
			{ .label = _("Master key"), .secret = key, .flags = UW_FIELD_MASKED },
			{ .label = _("Master key (again)"), .secret = again, .flags = UW_FIELD_MASKED },
			/* TRANSLATORS: form fields: the SSH port and user name. */
			{ .label = _("SSH port"), .buf = port, .cap = sizeof(port),
			  .flags = UW_FIELD_OPTIONAL, .validate = valid_port },
			{ .label = _("SSH user"), .buf = user, .cap = sizeof(user),
			  .flags = UW_FIELD_OPTIONAL },
		};
		/* The key fields only when no file holds the key; one for a
		 * restore (the bundle proves it). */
		struct uw_field *fp = f;
		size_t n = 5;

		if (from_file) {
			f[1] = f[3];
			f[2] = f[4];
			n = 3;
		} else if (restore) {
			f[2] = f[3];
			f[3] = f[4];
			n = 4;
		}

		rc = uw_form(title, restore ?
		    _("Where is the bundle? USER@HOST:PATH (SCP) or a local path. The master key decrypts it: it must be this unit's and the old unit's.") :
		    _("Where should the encrypted bundle go? USER@HOST:PATH (SCP) or a local path. In an HA pair, back up the active unit first. The master key encrypts the bundle."),
		    fp, n);
		if (rc != UW_OK)
			goto out;
		if (!from_file && !restore && !cw_secret_equal(key, again)) {
			cw_secret_clear(key);
			cw_secret_clear(again);
			if ((rc = uw_msgbox(title, _("The two master keys differ. Enter them again."))) == UW_QUIT)
				goto out;
			continue;
		}
		if (cw_sc3_is_remote(target) &&
		    (rc = ask_auth(title, &in, identity, sizeof(identity))) != UW_OK) {
			if (rc == UW_QUIT)
				goto out;
			continue;
		}
		break;
	}
	cw_secret_free(again);
	again = NULL;
	in.target = target;
	in.user = user[0] ? user : NULL;
	in.port = port[0] ? atoi(port) : 0;
	in.master_key = from_file ? NULL : key;
	/* A bundle from a unit with other addresses: ask, not stop. */
	in.ask_origin = restore;
	/* The restore checklist and the restart are asked by the job. */
	rc = ui_run_job(&j, work, &a);
	if (rc == UW_OK && restore) {
		struct cw_error err;

		in.accept_host_key = j.trusted_hostkey[0] ? j.trusted_hostkey : NULL;
		if (ui_recorded(title, cw_record_sc3_restore(ui_recorder(), &in, &err), &err) == UW_QUIT)
			rc = UW_QUIT;
	}
	if (rc == UW_OK && j.said.len > 0)
		rc = uw_textview(title, ui_text_str(&j.said));
out:
	ui_text_release(&j.said);
	cw_secret_free(again);
	cw_secret_free(key);
	return rc == UW_QUIT ? UW_QUIT : 0;
}

int
ui_sc3_backup_run(const struct cw_cfg *cfg)
{
	return run_sc3(cfg, 0);
}

int
ui_sc3_restore_run(const struct cw_cfg *cfg)
{
	return run_sc3(cfg, 1);
}
