/* screen-sc3.c - Back up SC3 and Restore SC3: the journaled flows of sc3.h
 * (seal, prove, upload, confirm / fetch, open, swap, restored, restart)
 * run under the gauge.  The screen asks for the destination or source and
 * the master key (masked, straight into a struct cw_secret, unless
 * [sc3] master_key_file names it), shows the vendor's restore checklist
 * before a restore, answers the flow's questions in yes/no boxes and shows
 * what the flow said ("SC3 Backup success", "Restored SC3 CA").  The same
 * inputs as `certwiz sc3 backup|restore`, so either resumes the other. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sc3/age.h"
#include "core/cfg.h"
#include "core/error.h"
#include "core/flow.h"
#include "core/i18n.h"
#include "core/lock.h"
#include "sc3/sc3.h"
#include "core/secret.h"
#include "screens.h"
#include "widgets.h"

#define TARGET_MAX 1024
#define KEY_CAP 1024

struct sc3_run {
	const struct cw_cfg *cfg;
	const struct cw_flow_def *def;
	const char *target;
	struct cw_sc3_user u;
	struct ui_text said;	/* the flow's lines, shown at the end */
};

static void
say(void *ctx, const char *line)
{
	struct sc3_run *r = ctx;

	ui_text_add(&r->said, "%s\n", line);
}

static int
confirm(void *ctx, const char *question, int *yes, struct cw_error *err)
{
	/* TRANSLATORS: title of a yes/no question the SC3 flow asks. */
	int rc = uw_yesno(_("Confirm"), question, 1);

	(void)ctx;
	if (rc == UW_QUIT || rc == UW_ERROR)
		return cw_error_set(err, CW_E_CANCELLED, _("the question was not answered"));
	*yes = rc == UW_OK;
	return 0;
}

static int
work(void *arg, cw_flow_progress_fn *progress, void *ctx, struct cw_error *err)
{
	struct sc3_run *r = arg;
	const struct cw_fact inputs[] = {
		{ "target", r->target },
		{ "sc3_dir", r->cfg->sc3_dir },
	};
	struct cw_lock *lock = NULL;
	struct cw_flow *run = NULL;
	int rc = -1;

	if (cw_lock_acquire(r->cfg->state_dir, &lock, err) == -1)
		return -1;
	if (cw_flow_open(r->cfg, r->def, inputs, sizeof(inputs) / sizeof(inputs[0]),
	    &r->u, &run, err) == -1)
		goto out;
	if (cw_flow_resumed(run))
		/* TRANSLATORS: %s is a run ID. */
		ui_text_add(&r->said, _("Resumed run %s.\n"), cw_flow_id(run));
	rc = cw_flow_run(run, progress, ctx, err);
out:
	cw_flow_free(run);
	cw_lock_release(lock);
	return rc;
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
run_sc3(const struct cw_cfg *cfg, int restore)
{
	const char *title = restore ? _("Restore SC3") : _("Back up SC3");
	char target[TARGET_MAX] = "";
	struct sc3_run r;
	struct cw_sc3_ssh ssh = { .batch = 1 };
	struct cw_secret *key = NULL, *again = NULL;
	struct cw_error err;
	int from_file = cfg->master_key_file != NULL && cfg->master_key_file[0] != '\0';
	int rc = 0;

	memset(&r, 0, sizeof(r));
	cw_error_clear(&err);
	/* [sc3] target prefills the form. */
	if (cfg->sc3_target != NULL)
		snprintf(target, sizeof(target), "%s", cfg->sc3_target);
	if (restore) {
		/* What certwiz checks itself once the bundle is decrypted (sc3.c),
		 * and what only the admin can confirm. */
		rc = uw_yesno(title, _("certwiz checks, after opening the bundle:\n"
		    "- this unit has the same IP address as the old unit;\n"
		    "- this unit has the same master key as the old unit.\n"
		    "You confirm:\n"
		    "- the old unit's configuration is imported, loaded and committed here;\n"
		    "- firewalls and log collectors are onboarded and disconnected.\n\n"
		    "Is what you confirm true?"), 1);
		if (rc != UW_OK)
			goto out;
	}
	if ((key = cw_secret_new(KEY_CAP)) == NULL || (again = cw_secret_new(KEY_CAP)) == NULL)
		goto out;
	for (;;) {
		struct uw_field f[3] = {
			/* TRANSLATORS: form fields: where the bundle is fetched from
			 * (restore) or copied to (backup), as USER@HOST:PATH. */
			{ .label = restore ? _("Source") : _("Destination"), .buf = target,
			  .cap = sizeof(target), .validate = valid_target },
			{ .label = _("Master key"), .secret = key, .flags = UW_FIELD_MASKED },
			{ .label = _("Master key (again)"), .secret = again, .flags = UW_FIELD_MASKED },
		};
		size_t n = from_file ? 1 : restore ? 2 : 3;

		rc = uw_form(title, restore ?
		    _("Where is the bundle? USER@HOST:PATH (SCP) or a local path. The master key decrypts it: it must be this unit's and the old unit's.") :
		    _("Where should the encrypted bundle go? USER@HOST:PATH (SCP) or a local path. In an HA pair, back up the active unit first. The master key encrypts the bundle."),
		    f, n);
		if (rc != UW_OK)
			goto out;
		if (n == 3 && !cw_secret_equal(key, again)) {
			cw_secret_clear(key);
			cw_secret_clear(again);
			if ((rc = uw_msgbox(title, _("The two master keys differ. Enter them again."))) == UW_QUIT)
				goto out;
			continue;
		}
		break;
	}
	cw_secret_free(again);
	again = NULL;
	if (from_file) {
		cw_secret_free(key);
		key = NULL;
		if (cw_sc3_master_key(cfg, NULL, 0, &key, &err) == -1) {
			rc = ui_error(title, &err);
			goto out;
		}
	}
	r.cfg = cfg;
	r.def = restore ? &cw_sc3_restore_flow : &cw_sc3_backup_flow;
	r.target = target;
	r.u.master_key = key;
	r.u.log2n = CW_AGE_LOG2N_DEFAULT;
	r.u.ask_origin = restore;
	r.u.say = say;
	r.u.confirm = confirm;
	r.u.ui_ctx = &r;
	/* Batch: the SCP transport must not prompt on the terminal under
	 * curses; an unknown host key or a password is refused with its
	 * message (the CLI's SSH options cover those). */
	if (cw_sc3_transport_for(target, cfg, &ssh, &r.u.tp, &err) == -1) {
		rc = ui_error(title, &err);
		goto out;
	}
	rc = ui_run_with_gauge(title, work, &r);
	if (rc == UW_OK && r.said.len > 0)
		rc = uw_textview(title, ui_text_str(&r.said));
out:
	if (r.u.tp.free != NULL)
		r.u.tp.free(r.u.tp.ctx);
	ui_text_release(&r.said);
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
