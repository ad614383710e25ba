/* sc3.c - the SC3 backup and restore flows (drawn in sc3.h) and the
 * local-file transport.
 *
 * Invariants:
 *  1. The bundle is sealed into the run's staging dir; once "seal" is done
 *     a resumed run uses that file, it never seals again.
 *  2. Nothing is uploaded that was not opened again with the same key and
 *     found to carry the same manifest ("prove").
 *  3. The SC3 dir changes only in "swap", atomically; every earlier failure
 *     leaves it as it was (bundle.h).
 *  4. The restart command runs only after the admin said yes (or --yes). */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sc3/bundle.h"
#include "core/fileio.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/proc.h"
#include "sc3/sc3.h"


static struct cw_sc3_user *
user_of(struct cw_flow *run)
{
	return cw_flow_user(run);
}

static void
say(struct cw_flow *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
say(struct cw_flow *run, const char *fmt, ...)
{
	struct cw_sc3_user *u = user_of(run);
	char line[1024];
	va_list ap;

	if (u == NULL || u->say == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	u->say(u->ui_ctx, line);
}

static int
need_user(struct cw_flow *run, struct cw_error *err)
{
	struct cw_sc3_user *u = user_of(run);

	if (u == NULL || u->master_key == NULL)
		return cw_error_set(err, CW_E_STATE, _("the master key is needed to continue this run"));
	return 0;
}

static void
bundle_path(struct cw_flow *run, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", cw_flow_stage_dir(run), name);
}

/* ---- backup */

static int
remember(struct cw_flow *run, struct cw_error *err)
{
	struct cw_sc3_user *u = user_of(run);

	for (size_t i = 0; u != NULL && i < u->nremember; i++)
		if (u->remember[i].value != NULL && *u->remember[i].value != '\0' &&
		    cw_flow_set_fact(run, u->remember[i].key, u->remember[i].value, err) == -1)
			return -1;
	return 0;
}

static int
backup_seal(struct cw_flow *run, struct cw_error *err)
{
	struct cw_sc3_user *u = user_of(run);
	struct cw_bundle_info info;
	struct cw_bundle_origin self;
	char path[4096], n[32];

	if (need_user(run, err) == -1 || remember(run, err) == -1 ||
	    cw_sc3_origin_self(cw_flow_cfg(run), &self, err) == -1)
		return -1;
	bundle_path(run, CW_BUNDLE_NAME, path, sizeof(path));
	if (cw_bundle_seal(cw_flow_cfg(run)->sc3_dir, path, u->master_key, u->log2n,
	    &self, &info, err) == -1)
		return -1;
	snprintf(n, sizeof(n), "%zu", info.files);
	if (cw_flow_set_fact(run, "files", n, err) == -1 ||
	    cw_flow_set_fact(run, "manifest_sha256", info.manifest_sha256, err) == -1)
		return -1;
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO, "sealed %zu files from %s",
	    info.files, cw_flow_cfg(run)->sc3_dir);
	return 0;
}

static int
backup_prove(struct cw_flow *run, struct cw_error *err)
{
	struct cw_sc3_user *u = user_of(run);
	struct cw_bundle_info info;
	char path[4096];
	const char *want = cw_flow_fact(run, "manifest_sha256");

	if (need_user(run, err) == -1)
		return -1;
	bundle_path(run, CW_BUNDLE_NAME, path, sizeof(path));
	if (cw_bundle_open(path, NULL, u->master_key, UINT64_MAX, NULL, &info, NULL, err) == -1)
		return -1;
	if (want == NULL || strcmp(want, info.manifest_sha256) != 0) {
		cw_error_set(err, CW_E_CRYPTO, _("the sealed bundle does not carry the manifest it was sealed with"));
		return cw_error_hint(err, _("Abandon this run and back up again."));
	}
	/* The proof read the whole bundle in order: its SHA-256 and size come
	 * from that read, no pass of their own. */
	if (cw_flow_set_fact(run, "bundle_sha256", info.bundle_sha256, err) == -1)
		return -1;
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO, "bundle SHA-256 %s", info.bundle_sha256);
	say(run, _("Bundle SHA-256: %s"), info.bundle_sha256);
	return 0;
}

static int
backup_upload(struct cw_flow *run, struct cw_error *err)
{
	struct cw_sc3_user *u = user_of(run);
	char path[4096];

	if (need_user(run, err) == -1 ||
	    cw_flow_intent(run, "upload", err) == -1)
		return -1;
	bundle_path(run, CW_BUNDLE_NAME, path, sizeof(path));
	return u->tp.put(u->tp.ctx, run, path, err);
}

static int
backup_confirm(struct cw_flow *run, struct cw_error *err)
{
	struct cw_sc3_user *u = user_of(run);
	const char *sha = cw_flow_fact(run, "bundle_sha256");
	char path[4096];
	unsigned char dig[32];
	struct stat st;
	uint64_t local;

	if (need_user(run, err) == -1)
		return -1;
	bundle_path(run, CW_BUNDLE_NAME, path, sizeof(path));
	/* The digest the proof computed: the bundle is not hashed again. */
	if (sha == NULL || strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64)
		return cw_error_set(err, CW_E_STATE, _("the run has no bundle digest to confirm the copy with"));
	if (stat(path, &st) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot read '%s'"), path);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	local = (uint64_t)st.st_size;
	for (int i = 0; i < 32; i++)
		sscanf(sha + 2 * i, "%2hhx", &dig[i]);
	if (u->tp.verify(u->tp.ctx, run, local, u->no_verify ? NULL : dig, err) == -1) {
		cw_error_hint(err, _("Resume the backup to copy the bundle again."));
		return -1;
	}
	if (!u->no_verify)
		say(run, "%s", _("The copy was read back: same size, same SHA-256."));
	return 0;
}

static int
backup_done(struct cw_flow *run, struct cw_error *err)
{
	(void)err;
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO, "SC3 Backup success");
	say(run, _("Bundle SHA-256: %s"), cw_flow_fact(run, "bundle_sha256"));
	say(run, "%s", _("SC3 Backup success"));
	return 0;
}

static const struct cw_flow_step backup_steps[] = {
	{ "seal", N_("Seal the SC3 files into an encrypted bundle"), backup_seal, NULL },
	{ "prove", N_("Open the bundle again and compare its manifest"), backup_prove, NULL },
	{ "upload", N_("Copy the bundle"), backup_upload, NULL },
	{ "confirm", N_("Confirm the copy"), backup_confirm, NULL },
	{ "done", N_("Log the backup"), backup_done, NULL },
};

const struct cw_flow_def cw_sc3_backup_flow = {
	.name = "sc3-backup",
	.label = N_("Back up SC3"),
	.log_name = CW_SC3_LOG,
	.steps = backup_steps,
	.nsteps = sizeof(backup_steps) / sizeof(backup_steps[0]),
};

/* ---- restore */

/* Staging dirs of an "open" killed before it was recorded done: no swap can
 * be using them (the swap step comes after open, and runs are exclusive). */
static void
discard_stale(const char *sc3_dir)
{
	char pat[4096];
	const char *slash = strrchr(sc3_dir, '/');
	glob_t g;

	if (slash == NULL || slash[1] == '\0')
		return;
	snprintf(pat, sizeof(pat), "%.*s/.%s.stage.??????", (int)(slash - sc3_dir),
	    sc3_dir, slash + 1);
	if (glob(pat, GLOB_NOSORT, NULL, &g) == 0)
		for (size_t i = 0; i < g.gl_pathc; i++)
			cw_bundle_discard(g.gl_pathv[i], NULL);
	globfree(&g);
}

/* The bundle's origin against this unit (issue 14): the vendor requires
 * the same IP address on both appliances.  No management address in
 * common, or an old bundle that does not say where it comes from: stop,
 * unless --yes (then a logged warning). */
static int
check_origin(const struct cw_cfg *cfg, struct cw_sc3_user *u,
    const struct cw_bundle_origin *from, struct cw_log *log, struct cw_error *err)
{
	struct cw_bundle_origin self;
	char theirs[CW_BUNDLE_ORIGIN_ADDRS * CW_BUNDLE_ADDR_MAX], ours[sizeof(theirs)];
	int yes = u != NULL && u->assume_yes, match;

	if (cw_sc3_origin_self(cfg, &self, err) == -1)
		return -1;
	match = from->present && cw_sc3_origin_match(from, &self);
	cw_sc3_origin_addrs(from, theirs, sizeof(theirs));
	cw_sc3_origin_addrs(&self, ours, sizeof(ours));
	if (u != NULL && u->say != NULL && from->present) {
		char line[1024];

		/* TRANSLATORS: serial, host name, certwiz version, addresses. */
		snprintf(line, sizeof(line), _("Bundle made on: serial %s, host %s, certwiz %s, management addresses %s"),
		    from->serial[0] ? from->serial : "-", from->hostname[0] ? from->hostname : "-",
		    from->version[0] ? from->version : "-", theirs);
		u->say(u->ui_ctx, line);
		/* TRANSLATORS: serial, host name, addresses. */
		snprintf(line, sizeof(line), _("This unit: serial %s, host %s, management addresses %s"),
		    self.serial[0] ? self.serial : "-", self.hostname[0] ? self.hostname : "-", ours);
		u->say(u->ui_ctx, line);
	}
	if (!match && !yes && u != NULL && u->ask_origin && u->confirm != NULL) {
		char q[1024];

		/* TRANSLATORS: the wizard's question; %s are address lists. */
		snprintf(q, sizeof(q), _("The bundle's management addresses (%s) are not this unit's (%s): both appliances must have the same IP address. Restore anyway?"),
		    theirs, ours);
		if (u->confirm(u->ui_ctx, q, &yes, err) == -1)
			return -1;
	}
	if (!from->present) {
		if (yes) {
			cw_log_msg(log, CW_LOG_WARNING, "confirmed (--yes): restoring a bundle without origin (made by an older certwiz); this unit has %s", ours);
			if (u->say != NULL)
				u->say(u->ui_ctx, _("Warning: the bundle does not say which unit made it (an older certwiz); restoring as confirmed."));
			return 0;
		}
		cw_error_set(err, CW_E_STATE, _("the bundle does not say which unit made it (an older certwiz made it)"));
		cw_error_detail(err, _("this unit's management addresses: %s"), ours);
		cw_error_fix(err, "sc3.origin");
		return cw_error_hint(err, _("Make the bundle again with this certwiz on the old unit, or check that it is the old unit's and run again with --yes. Nothing was changed."));
	}
	if (match) {
		if (u != NULL && u->say != NULL) {
			char line[1024];

			/* TRANSLATORS: %s is the address both units have. */
			snprintf(line, sizeof(line), _("Checked: the master key opens the bundle, and this unit has the old unit's management address %s."),
			    cw_sc3_origin_common(from, &self));
			u->say(u->ui_ctx, line);
		}
		cw_log_msg(log, CW_LOG_INFO, "bundle from serial %s host %s certwiz %s, addresses %s; this unit %s: an address in common",
		    from->serial, from->hostname, from->version, theirs, ours);
		return 0;
	}
	if (yes) {
		cw_log_msg(log, CW_LOG_WARNING, "confirmed (--yes): restoring although no management address is in common: bundle %s, this unit %s",
		    theirs, ours);
		if (u->say != NULL)
			u->say(u->ui_ctx, _("Warning: no management address in common with the old unit; restoring as confirmed."));
		return 0;
	}
	cw_error_set(err, CW_E_STATE,
	    _("this unit has no management address of the old unit: the bundle's are %s, this unit's are %s"),
	    theirs, ours);
	cw_error_fix(err, "sc3.origin");
	return cw_error_hint(err, _("Both appliances must have the same IP address: give this unit the old unit's management address (or set [device] mgmt_addresses), or run again with --yes to restore anyway. Nothing was changed."));
}

/* ---- the bundle opened while it is copied (issue 17)
 *
 * The transport hands the bundle's bytes, as they arrive, through a socket
 * pair to a thread that decrypts, checks and extracts them into the
 * staging directory (cw_bundle_open_stream: manifest, caps, member checks,
 * authenticated end).  Nothing is swapped before all of it verified; a
 * refusal stops the copy; a broken copy leaves no staging directory. */
struct streamed {
	int fd[2];		/* [0] the open's end, [1] the transport's */
	const char *name, *sc3_dir;
	const struct cw_secret *key;
	uint64_t max_bytes;
	int extract;
	char *staging;
	struct cw_bundle_info info;
	enum cw_bundle_fail fail;
	struct cw_error err;
	int rc, gone;
	int refused;		/* the error is the open's, not the copy's */
};

static void *
stream_open_main(void *arg)
{
	struct streamed *so = arg;

	so->rc = cw_bundle_open_stream(cw_bundle_fd_read, &so->fd[0], so->name, so->sc3_dir, so->key,
	    so->max_bytes, so->extract ? &so->staging : NULL, &so->info, &so->fail, &so->err);
	/* Refused early: the transport's next write fails and stops it. */
	shutdown(so->fd[0], SHUT_RDWR);
	return NULL;
}

static int
stream_sink(void *ctx, const void *buf, size_t len, struct cw_error *err)
{
	struct streamed *so = ctx;
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = send(so->fd[1], p, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			so->gone = 1;
			return cw_error_set(err, CW_E_CRYPTO, _("the bundle was refused while it was being copied"));
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copies the bundle through the transport into cw_bundle_open_stream()
 * (extract: into a staging directory beside sc3_dir, returned in
 * so->staging).  Returns 0 or -1; so->fail says why the bundle was refused. */
static int
stream_open(struct cw_sc3_transport *tp, struct cw_flow *run, const char *sc3_dir,
    const struct cw_secret *key, uint64_t max_bytes, int extract, struct streamed *so,
    struct cw_error *err)
{
	struct cw_error terr;
	pthread_t th;
	int buf = 1 << 20, rc;

	memset(so, 0, sizeof(*so));
	cw_error_clear(&terr);
	cw_error_clear(&so->err);
	so->name = tp->name != NULL ? tp->name : CW_BUNDLE_NAME;
	so->sc3_dir = sc3_dir;
	so->key = key;
	so->max_bytes = max_bytes;
	so->extract = extract;
	so->fail = CW_BUNDLE_IO;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, so->fd) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot open the bundle while it is copied"));
		return cw_error_detail(err, "%s", strerror(errno));
	}
	(void)setsockopt(so->fd[1], SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	(void)setsockopt(so->fd[0], SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if ((errno = pthread_create(&th, NULL, stream_open_main, so)) != 0) {
		cw_error_set(err, CW_E_IO, _("cannot open the bundle while it is copied"));
		cw_error_detail(err, "%s", strerror(errno));
		close(so->fd[0]);
		close(so->fd[1]);
		return -1;
	}
	rc = tp->fetch(tp->ctx, run, stream_sink, so, &terr);
	/* End of input: the open reads it as the end, or as truncation when
	 * the copy broke off. */
	close(so->fd[1]);
	pthread_join(th, NULL);
	close(so->fd[0]);
	if (so->rc == -1 && (rc == 0 || so->gone)) {
		so->refused = 1;
		if (err != NULL)
			*err = so->err;	/* the bundle was refused */
		return -1;
	}
	if (rc == -1) {
		if (so->staging != NULL) {
			cw_bundle_discard(so->staging, NULL);
			free(so->staging);
			so->staging = NULL;
		}
		so->fail = CW_BUNDLE_IO;
		if (err != NULL)
			*err = terr;
		return -1;
	}
	return 0;
}

static int
restore_fetch(struct cw_flow *run, struct cw_error *err)
{
	struct cw_sc3_user *u = user_of(run);
	const struct cw_cfg *cfg = cw_flow_cfg(run);
	struct streamed so;
	char n[32];
	int rc;

	if (need_user(run, err) == -1 || remember(run, err) == -1)
		return -1;
	discard_stale(cfg->sc3_dir);
	if (stream_open(&u->tp, run, cfg->sc3_dir, u->master_key, cfg->max_restore_bytes, 1,
	    &so, err) == -1) {
		if (so.refused)
			cw_log_msg(cw_flow_log(run), CW_LOG_ERROR, "bundle refused (%s)",
			    cw_bundle_fail_name(so.fail));
		return -1;
	}
	say(run, _("Bundle SHA-256: %s"), so.info.bundle_sha256);
	if (check_origin(cfg, u, &so.info.origin, cw_flow_log(run), err) == -1) {
		cw_bundle_discard(so.staging, NULL);
		free(so.staging);
		return -1;
	}
	snprintf(n, sizeof(n), "%zu", so.info.files);
	rc = cw_flow_set_fact(run, "bundle_sha256", so.info.bundle_sha256, err);
	if (rc == 0)
		rc = cw_flow_set_fact(run, "staging", so.staging, err);
	if (rc == 0)
		rc = cw_flow_set_fact(run, "manifest_sha256", so.info.manifest_sha256, err);
	if (rc == 0)
		rc = cw_flow_set_fact(run, "files", n, err);
	if (rc == -1)
		cw_bundle_discard(so.staging, NULL);
	free(so.staging);
	return rc;
}

/* The bundle was decrypted, checked and staged while it was copied
 * (restore_fetch): this step only confirms the staging directory.  A run
 * journaled by an older certwiz (fetch copied the bundle into the run's
 * stage) opens that copy here. */
static int
restore_open(struct cw_flow *run, struct cw_error *err)
{
	struct cw_sc3_user *u = user_of(run);
	struct cw_bundle_info info;
	enum cw_bundle_fail fail;
	struct stat st;
	char path[4096], *staging = NULL, n[32];
	const char *old = cw_flow_fact(run, "staging");
	int rc;

	if (old != NULL && lstat(old, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	if (need_user(run, err) == -1)
		return -1;
	bundle_path(run, CW_BUNDLE_NAME, path, sizeof(path));
	if (access(path, F_OK) == -1) {
		cw_error_set(err, CW_E_STATE, _("the staging directory '%s' is gone"), old != NULL ? old : "-");
		return cw_error_hint(err, _("Abandon this run and restore again. '%s' was not changed."),
		    cw_flow_cfg(run)->sc3_dir);
	}
	discard_stale(cw_flow_cfg(run)->sc3_dir);
	if (cw_bundle_open(path, cw_flow_cfg(run)->sc3_dir, u->master_key,
	    cw_flow_cfg(run)->max_restore_bytes, &staging, &info, &fail, err) == -1) {
		cw_log_msg(cw_flow_log(run), CW_LOG_ERROR, "bundle refused (%s)",
		    cw_bundle_fail_name(fail));
		return -1;
	}
	if (check_origin(cw_flow_cfg(run), u, &info.origin, cw_flow_log(run), err) == -1) {
		cw_bundle_discard(staging, NULL);
		free(staging);
		return -1;
	}
	snprintf(n, sizeof(n), "%zu", info.files);
	rc = cw_flow_set_fact(run, "staging", staging, err);
	if (rc == 0)
		rc = cw_flow_set_fact(run, "manifest_sha256", info.manifest_sha256, err);
	if (rc == 0)
		rc = cw_flow_set_fact(run, "files", n, err);
	if (rc == -1)
		cw_bundle_discard(staging, NULL);
	free(staging);
	return rc;
}

static int
restore_swap(struct cw_flow *run, struct cw_error *err)
{
	if (cw_flow_intent(run, "swap", err) == -1)
		return -1;
	return cw_bundle_swap(cw_flow_fact(run, "staging"), cw_flow_cfg(run)->sc3_dir,
	    cw_flow_fact(run, "manifest_sha256"), err);
}

static int
restore_restored(struct cw_flow *run, struct cw_error *err)
{
	(void)err;
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO, "SC3 certs has been restored!");
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO, "Restored SC3 CA");
	say(run, "%s", _("SC3 certs has been restored!"));
	say(run, "%s", _("Restored SC3 CA"));
	return 0;
}

static int
restore_restart(struct cw_flow *run, struct cw_error *err)
{
	struct cw_sc3_user *u = user_of(run);
	const char *cmd = cw_flow_cfg(run)->restart_command;
	struct cw_proc_result res;
	int yes = u != NULL && u->assume_yes;

	if (cmd == NULL || *cmd == '\0') {
		say(run, "%s", _("No restart command is configured ([sc3] restart_command): restart the management service yourself."));
		cw_log_msg(cw_flow_log(run), CW_LOG_WARNING, "no restart_command configured");
		return 0;
	}
	if (!yes && u != NULL && u->confirm != NULL &&
	    u->confirm(u->ui_ctx, _("Restart the management service now?"), &yes, err) == -1)
		return -1;
	if (!yes) {
		say(run, "%s", _("The management service was not restarted: the restored SC3 files take effect after its restart."));
		cw_log_msg(cw_flow_log(run), CW_LOG_WARNING, "management service restart declined");
		return 0;
	}
	if (cw_flow_intent(run, "restart", err) == -1 ||
	    cw_proc_run(cmd, cw_flow_cfg(run)->commands_timeout_s * 1000, &res, err) == -1)
		return -1;
	cw_log_msg(cw_flow_log(run), res.exit_code == 0 ? CW_LOG_INFO : CW_LOG_ERROR,
	    "restart command exited %d: %s", res.exit_code, res.output);
	say(run, _("Restart command exited with %d."), res.exit_code);
	if (res.output_len > 0)
		say(run, "%s", res.output);
	if (res.exit_code != 0 || res.timed_out) {
		cw_error_set(err, CW_E_STATE, _("the management service restart failed (exit %d)"), res.exit_code);
		return cw_error_hint(err, _("The SC3 files are restored; restart the service by hand or resume this run."));
	}
	say(run, "%s", _("In an HA pair, repeat the restore on the passive unit."));
	return 0;
}

static const struct cw_flow_step restore_steps[] = {
	{ "fetch", N_("Copy, decrypt and check the bundle"), restore_fetch, NULL },
	{ "open", N_("Confirm the checked files are staged"), restore_open, NULL },
	{ "swap", N_("Put the restored SC3 files in place"), restore_swap, NULL },
	{ "restored", N_("Log the restore"), restore_restored, NULL },
	{ "restart", N_("Restart the management service"), restore_restart, NULL },
};

const struct cw_flow_def cw_sc3_restore_flow = {
	.name = "sc3-restore",
	.label = N_("Restore SC3"),
	.log_name = CW_SC3_LOG,
	.steps = restore_steps,
	.nsteps = sizeof(restore_steps) / sizeof(restore_steps[0]),
};

int
cw_sc3_restore_check(const struct cw_cfg *cfg, struct cw_sc3_user *u, struct cw_error *err)
{
	struct streamed so;

	/* Opened and verified to its authenticated end while it is copied,
	 * nothing extracted, nothing written; the sizes are checked against
	 * the cap as a restore would. */
	if (stream_open(&u->tp, NULL, cfg->sc3_dir, u->master_key, cfg->max_restore_bytes, 0,
	    &so, err) == -1)
		return -1;
	if (check_origin(cfg, u, &so.info.origin, NULL, err) == -1)
		return -1;
	if (u->say != NULL) {
		char line[512];

		snprintf(line, sizeof(line), ngettext("The bundle opens with this master key: %zu file, %llu bytes.",
		    "The bundle opens with this master key: %zu files, %llu bytes.", so.info.files),
		    so.info.files, (unsigned long long)so.info.bytes);
		u->say(u->ui_ctx, line);
	}
	return 0;
}

/* ---- the local-file transport */

static int
copy_file(const char *from, const char *to, struct cw_error *err)
{
	struct cw_file_stage *st = NULL;
	uint8_t buf[65536];
	ssize_t n;
	int fd, rc = -1;

	if ((fd = open(from, O_RDONLY | O_CLOEXEC)) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot read '%s'"), from);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	if (cw_file_stage_open(to, 0600, &st, err) == -1)
		goto out;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cw_error_set(err, CW_E_IO, _("cannot read '%s'"), from);
			cw_error_detail(err, "%s", strerror(errno));
			goto out;
		}
		if (cw_file_stage_write(st, buf, (size_t)n, err) == -1)
			goto out;
	}
	rc = cw_file_stage_commit(st, 0, err);
	st = NULL;	/* freed by the commit */
out:
	cw_file_stage_abort(st);
	close(fd);
	return rc;
}

static int
file_put(void *ctx, struct cw_flow *run, const char *local, struct cw_error *err)
{
	(void)run;
	return copy_file(local, ctx, err);
}

static int
file_fetch(void *ctx, struct cw_flow *run, cw_sc3_sink_fn *sink, void *sink_ctx,
    struct cw_error *err)
{
	uint8_t *buf;
	ssize_t n;
	int fd, rc = -1;

	(void)run;
	if ((fd = open(ctx, O_RDONLY | O_CLOEXEC)) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot read '%s'"), (const char *)ctx);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	if ((buf = malloc(256 * 1024)) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	while ((n = read(fd, buf, 256 * 1024)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cw_error_set(err, CW_E_IO, _("cannot read '%s'"), (const char *)ctx);
			cw_error_detail(err, "%s", strerror(errno));
			goto out;
		}
		if (sink(sink_ctx, buf, (size_t)n, err) == -1)
			goto out;
	}
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

static int
file_verify(void *ctx, struct cw_flow *run, uint64_t size, const unsigned char *sha256,
    struct cw_error *err)
{
	char hex[65], want[65];
	struct stat st;
	uint64_t got;

	(void)run;
	if (sha256 == NULL) {	/* --no-verify: the size only */
		if (stat(ctx, &st) == -1) {
			cw_error_set(err, CW_E_IO, _("cannot read '%s'"), (const char *)ctx);
			return cw_error_detail(err, "%s", strerror(errno));
		}
		got = (uint64_t)st.st_size;
	} else if (cw_bundle_hash_file(ctx, 0, &got, hex, err) == -1)
		return -1;
	if (got != size) {
		cw_error_set(err, CW_E_PROTO, _("the copy '%s' has %llu bytes, the bundle %llu"),
		    (const char *)ctx, (unsigned long long)got, (unsigned long long)size);
		return -1;
	}
	if (sha256 != NULL) {
		for (int i = 0; i < 32; i++)
			snprintf(want + 2 * i, 3, "%02x", sha256[i]);
		if (strcmp(hex, want) != 0)
			return cw_error_set(err, CW_E_PROTO, _("the copy '%s' differs from the bundle"),
			    (const char *)ctx);
	}
	return 0;
}

int
cw_sc3_transport_file(const char *path, struct cw_sc3_transport *tp,
    struct cw_error *err)
{
	memset(tp, 0, sizeof(*tp));
	if ((tp->ctx = strdup(path)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	tp->put = file_put;
	tp->fetch = file_fetch;
	tp->verify = file_verify;
	tp->free = free;
	tp->name = tp->ctx;
	return 0;
}
