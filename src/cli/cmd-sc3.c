/* cmd-sc3.c - `certwiz sc3 backup|restore` (the flows of sc3.h) and the
 * bundle's own undocumented test hooks, which the interop tests and
 * `make bench` drive:
 *
 *   certwiz sc3 seal --to FILE [--master-key-file F] [--work-factor N]
 *
 * --work-factor (seal, backup) exists only in a build configured with
 * --enable-test-hooks: a release build never seals below 18.
 *   certwiz sc3 open --from FILE [--master-key-file F] [--verify-only]
 *
 * `open` without --verify-only restores into [paths] sc3_dir (staging,
 * then swap, previous directory kept as sc3_dir.prev). */
#include "config.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc3/age.h"
#include "sc3/bundle.h"
#include "cli/cli.h"
#include "core/flow.h"
#include "core/lock.h"
#include "sc3/sc3.h"
#include "core/i18n.h"
#include "core/fileio.h"
#include "cli/prompt.h"
#include "core/secret.h"

static int
sc3_seal(const struct cw_cfg *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "master-key-file", required_argument, NULL, 'k' },
#ifdef CW_TEST_HOOKS
		{ "work-factor", required_argument, NULL, 'w' },
#endif
		{ NULL, 0, NULL, 0 },
	};
	struct cw_error err;
	struct cw_secret *key = NULL;
	struct cw_bundle_info info;
	struct cw_bundle_origin self;
	const char *to = NULL, *keyfile = NULL;
	int c, log2n = CW_AGE_LOG2N_DEFAULT, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't': to = optarg; break;
		case 'k': keyfile = optarg; break;
		case 'w': log2n = atoi(optarg); break;
		default:
			cw_error_set(&err, CW_E_USAGE, _("usage: certwiz sc3 seal --to FILE"));
			return cw_cli_report(&err);
		}
	}
	if (to == NULL || optind != argc) {
		cw_error_set(&err, CW_E_USAGE, _("usage: certwiz sc3 seal --to FILE"));
		return cw_cli_report(&err);
	}
	if (cw_sc3_origin_self(cfg, &self, &err) == -1 ||
	    cw_sc3_master_key(cfg, keyfile, 1, &key, &err) == -1)
		return cw_cli_report(&err);
	rc = cw_bundle_seal(cfg->sc3_dir, to, key, log2n, &self, &info, &err);
	cw_secret_free(key);
	if (rc == -1)
		return cw_cli_report(&err);
	printf(ngettext("Sealed %zu file (%llu bytes) from '%s' into '%s'.\n",
	    "Sealed %zu files (%llu bytes) from '%s' into '%s'.\n", info.files), info.files,
	    (unsigned long long)info.bytes, cfg->sc3_dir, to);
	printf("SHA-256 %s\n", info.bundle_sha256);
	return 0;
}

static int
sc3_open(const struct cw_cfg *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "master-key-file", required_argument, NULL, 'k' },
		{ "verify-only", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct cw_error err;
	struct cw_secret *key = NULL;
	struct cw_bundle_info info;
	enum cw_bundle_fail fail = CW_BUNDLE_OK;
	const char *from = NULL, *keyfile = NULL;
	char *staging = NULL;
	int c, verify = 0, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 'k': keyfile = optarg; break;
		case 'v': verify = 1; break;
		default:
			cw_error_set(&err, CW_E_USAGE, _("usage: certwiz sc3 open --from FILE"));
			return cw_cli_report(&err);
		}
	}
	if (from == NULL || optind != argc) {
		cw_error_set(&err, CW_E_USAGE, _("usage: certwiz sc3 open --from FILE"));
		return cw_cli_report(&err);
	}
	if (cw_sc3_master_key(cfg, keyfile, 0, &key, &err) == -1)
		return cw_cli_report(&err);
	rc = cw_bundle_open(from, cfg->sc3_dir, key, cfg->max_restore_bytes,
	    verify ? NULL : &staging, &info, &fail, &err);
	cw_secret_free(key);
	if (rc == -1) {
		/* TRANSLATORS: the reason is a fixed keyword, e.g. "truncated". */
		fprintf(stderr, _("certwiz: bundle refused (reason: %s)\n"), cw_bundle_fail_name(fail));
		return cw_cli_report(&err);
	}
	if (!verify && cw_bundle_swap(staging, cfg->sc3_dir, info.manifest_sha256, &err) == -1) {
		cw_bundle_discard(staging, NULL);
		free(staging);
		return cw_cli_report(&err);
	}
	free(staging);
	if (verify)
		printf(ngettext("The bundle '%s' opens: %zu file, %llu bytes.\n",
		    "The bundle '%s' opens: %zu files, %llu bytes.\n", info.files), from,
		    info.files, (unsigned long long)info.bytes);
	else
		printf(ngettext("Restored %zu file (%llu bytes) from '%s' into '%s'.\n",
		    "Restored %zu files (%llu bytes) from '%s' into '%s'.\n", info.files),
		    info.files, (unsigned long long)info.bytes, from, cfg->sc3_dir);
	printf("manifest SHA-256 %s\n", info.manifest_sha256);
	return 0;
}

/* ---- backup and restore */

static int
progress_cb(void *ctx, size_t step, size_t nsteps, double fraction, const char *label)
{
	static size_t last = (size_t)-1;

	(void)ctx;
	(void)fraction;
	if (step != last)
		printf("[%zu/%zu] %s\n", step + 1, nsteps, label);
	last = step;
	fflush(stdout);
	return 0;
}

static int
run_flow(const struct cw_cfg *cfg, const struct cw_flow_def *def,
    const struct cw_fact *inputs, size_t ninputs, struct cw_sc3_user *u,
    struct cw_error *err)
{
	struct cw_lock *lock = NULL;
	struct cw_flow *run = NULL;
	int rc = -1;

	if (cw_lock_acquire(cfg->state_dir, &lock, err) == -1)
		return -1;
	if (cw_flow_open(cfg, def, inputs, ninputs, u, &run, err) == -1)
		goto out;
	if (cw_flow_resumed(run))
		printf(_("Resuming run %s.\n"), cw_flow_id(run));
	rc = cw_flow_run(run, progress_cb, NULL, err);
	if (rc == -1)
		cw_error_hint(err, _("Run the same command again, or 'certwiz journal resume %s', to continue."),
		    cw_flow_id(run));
out:
	cw_flow_free(run);
	cw_lock_release(lock);
	return rc;
}

/* The vendor's prerequisites: those certwiz checks itself once the bundle
 * is open, and those only the admin can confirm. */
static void
restore_checklist(void)
{
	printf("%s\n", _("Before restoring, make sure that:"));
	printf("%s\n", _("certwiz checks, after opening the bundle:"));
	printf("  - %s\n", _("this unit has the same IP address as the old unit;"));
	printf("  - %s\n", _("this unit has the same master key as the old unit;"));
	printf("%s\n", _("you confirm:"));
	printf("  - %s\n", _("the old unit's configuration is imported, loaded and committed here;"));
	printf("  - %s\n", _("firewalls and log collectors are onboarded and disconnected."));
}

static int
sc3_flow_cmd(const struct cw_cfg *cfg, int argc, char **argv, int restore)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "from", required_argument, NULL, 'f' },
		{ "master-key-file", required_argument, NULL, 'k' },
		{ "no-verify", no_argument, NULL, 'n' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ "yes", no_argument, NULL, 'y' },
#ifdef CW_TEST_HOOKS
		/* Test builds only: a release build seals at 18, always. */
		{ "work-factor", required_argument, NULL, 'w' },
#endif
		{ "identity", required_argument, NULL, 'i' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "port", required_argument, NULL, 'P' },
		{ "known-hosts", required_argument, NULL, 'K' },
		{ "accept-host-key", required_argument, NULL, 'A' },
		{ "batch", no_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	struct cw_sc3_ssh ssh = { 0 };
	char portbuf[16];
	struct cw_sc3_user u = { .log2n = CW_AGE_LOG2N_DEFAULT, .say = cw_sc3_say_tty, .confirm = cw_sc3_confirm_tty };
	struct cw_secret *key = NULL;
	struct cw_error err;
	const char *target = NULL, *keyfile = NULL;
	char digest[65];
	int c, dry = 0, rc = -1, yes = 0;

	cw_error_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't': if (!restore) target = optarg; else goto usage; break;
		case 'f': if (restore) target = optarg; else goto usage; break;
		case 'k': keyfile = optarg; break;
		case 'n': u.no_verify = 1; break;
		case 'd': dry = 1; break;
		case 'y': u.assume_yes = 1; break;
		case 'w': u.log2n = atoi(optarg); break;
		case 'i': ssh.identity = optarg; break;
		case 'p': ssh.password_file = optarg; break;
		case 'P': ssh.port = atoi(optarg); break;
		case 'K': ssh.known_hosts = optarg; break;
		case 'A': ssh.accept_host_key = optarg; break;
		case 'b': ssh.batch = 1; break;
		default: goto usage;
		}
	}
	if (target == NULL || optind != argc)
		goto usage;
	ssh.no_save = dry;
	if (cw_sc3_transport_for(target, cfg, &ssh, &u.tp, &err) == -1)
		goto out;
	if (restore) {
		restore_checklist();
		if (!u.assume_yes && !dry) {
			if (cw_prompt_yesno(_("Is all of this true?"), &yes, &err) == -1) {
				cw_error_hint(&err, _("Give --yes once the prerequisites are met."));
				goto out;
			}
			if (!yes) {
				cw_error_set(&err, CW_E_CANCELLED, _("restore cancelled"));
				cw_error_hint(&err, _("Nothing was changed."));
				goto out;
			}
		}
	} else
		printf("%s\n", _("In an HA pair, back up the active unit first."));
	if (!restore && cw_bundle_dir_digest(cfg->sc3_dir, digest, &err) == -1)
		goto out;
	if (cw_sc3_master_key(cfg, keyfile, !restore, &key, &err) == -1)
		goto out;
	u.master_key = key;
	if (dry && restore) {
		/* Fetch, open, verify, compare; no swap, nothing kept. */
		if (cw_sc3_restore_check(cfg, &u, &err) == -1)
			goto out;
		printf("%s\n", _("Dry run: the bundle opens with this master key and fits this unit; nothing was changed."));
		rc = 0;
		goto out;
	}
	if (dry) {
		/* Everything but the transfer: a probe at the destination. */
		struct cw_file_stage *probe = NULL;

		if (cw_sc3_is_remote(target)) {
			if (cw_sc3_scp_probe(&u.tp, &err) == -1)
				goto out;
		} else if (!restore) {
			if (cw_file_stage_open(target, 0600, &probe, &err) == -1)
				goto out;
			cw_file_stage_abort(probe);
		}
		printf("%s\n", _("Dry run: the SC3 directory, the master key and the destination are usable."));
		rc = 0;
		goto out;
	}
	snprintf(portbuf, sizeof(portbuf), "%d", ssh.port);
	{
		const struct cw_fact inputs[] = {
			{ "target", target },
			{ "sc3_dir", cfg->sc3_dir },
		};
		const struct cw_fact remember[] = {
			{ "port", ssh.port ? portbuf : NULL },
			{ "identity", ssh.identity },
			{ "password_file", ssh.password_file },
			{ "known_hosts", ssh.known_hosts },
		};

		u.remember = remember;
		u.nremember = sizeof(remember) / sizeof(remember[0]);
		rc = run_flow(cfg, restore ? &cw_sc3_restore_flow : &cw_sc3_backup_flow,
		    inputs, sizeof(inputs) / sizeof(inputs[0]), &u, &err);
	}
out:
	if (u.tp.free != NULL)
		u.tp.free(u.tp.ctx);
	cw_secret_free(key);
	return rc == 0 ? 0 : cw_cli_report(&err);
usage:
	cw_error_set(&err, CW_E_USAGE, restore ?
	    _("usage: certwiz sc3 restore --from USER@HOST:PATH|FILE [SSH options] [--master-key-file FILE] [--yes] [--dry-run]") :
	    _("usage: certwiz sc3 backup --to USER@HOST:PATH|FILE [SSH options] [--master-key-file FILE] [--no-verify] [--dry-run]"));
	return cw_cli_report(&err);
}

int
cw_cmd_sc3(const struct cw_cfg *cfg, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "backup") == 0)
		return sc3_flow_cmd(cfg, argc - 1, argv + 1, 0);
	if (argc >= 2 && strcmp(argv[1], "restore") == 0)
		return sc3_flow_cmd(cfg, argc - 1, argv + 1, 1);
	if (argc >= 2 && strcmp(argv[1], "seal") == 0)
		return sc3_seal(cfg, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "open") == 0)
		return sc3_open(cfg, argc - 1, argv + 1);
	fprintf(stderr, "%s\n", _("Usage: certwiz sc3 backup --to USER@HOST:PATH|FILE | restore --from USER@HOST:PATH|FILE"));
	return 2;
}
