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
#include "sc3/sc3.h"
#include "core/i18n.h"
#include "core/fileio.h"
#include "cli/prompt.h"
#include "core/secret.h"

/* The test hooks' master key: from a file, else asked on the terminal. */
static int
hook_key(const struct cw_cfg *cfg, const char *file, int twice,
    struct cw_secret **key, struct cw_error *err)
{
	if (file == NULL)
		file = cfg->master_key_file;
	if (file != NULL && *file != '\0')
		return cw_secret_read_file(file, 1024, 0, key, err);
	return cw_prompt_secret(_("Master key: "), twice ? _("Master key (again): ") : NULL,
	    1024, "--master-key-file", key, err);
}

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
	    hook_key(cfg, keyfile, 1, &key, &err) == -1)
		return cw_cli_report(&err);
	rc = cw_bundle_seal(cfg->sc3_dir, to, key, log2n, &self, &info, &err);
	cw_secret_free(key);
	if (rc == -1)
		return cw_cli_report(&err);
	printf(ngettext("Sealed %zu file (%llu bytes) from '%s' into '%s'.\n",
	    "Sealed %zu files (%llu bytes) from '%s' into '%s'.\n", info.files), info.files,
	    (unsigned long long)info.bytes, cfg->sc3_dir, to);
	/* The seal does not hash its output (the flow's proof does). */
	if (cw_bundle_hash_file(to, 0, &info.bytes, info.bundle_sha256, &err) == -1)
		return cw_cli_report(&err);
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
	if (hook_key(cfg, keyfile, 0, &key, &err) == -1)
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

/* ---- backup and restore: the jobs (job.h) */

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
		{ "user", required_argument, NULL, 'u' },
		{ "known-hosts", required_argument, NULL, 'K' },
		{ "accept-host-key", required_argument, NULL, 'A' },
		{ "batch", no_argument, NULL, 'b' },
		{ "replace", no_argument, NULL, 'R' },
		{ "auth", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct cw_job_sc3_in in;
	struct cw_job_ops ops = cw_cli_ops;
	struct cw_cli_ctx ctx;
	struct cw_error err;
	int c, rc;

	memset(&in, 0, sizeof(in));
	cw_cli_ctx_init(&ctx);
	cw_error_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't': if (!restore) in.target = optarg; else goto usage; break;
		case 'f': if (restore) in.target = optarg; else goto usage; break;
		case 'k': in.master_key_file = optarg; break;
		case 'n': in.no_verify = 1; break;
		case 'd': in.dry_run = 1; break;
		case 'y': in.yes = 1; break;
		case 'w': in.log2n = atoi(optarg); break;
		case 'i': in.identity = optarg; break;
		case 'p': in.password_file = optarg; break;
		case 'P': in.port = atoi(optarg); break;
		case 'u': in.user = optarg; break;
		case 'K': in.known_hosts = optarg; break;
		case 'A': in.accept_host_key = optarg; break;
		case 'b': ops.confirm = NULL; ops.ask_secret = NULL; ops.ask_text = NULL; ops.choose = NULL; break;
		case 'R': in.other = CW_JOB_OTHER_REPLACE; break;
		case 'a':
			if (strcmp(optarg, "agent") == 0)
				in.auth = CW_JOB_AUTH_AGENT;
			else if (strcmp(optarg, "identity") == 0)
				in.auth = CW_JOB_AUTH_IDENTITY;
			else if (strcmp(optarg, "password") == 0)
				in.auth = CW_JOB_AUTH_PASSWORD;
			else
				goto usage;
			break;
		default: goto usage;
		}
	}
	if (in.target == NULL || optind != argc)
		goto usage;
	rc = restore ? cw_job_sc3_restore(cfg, &in, &ops, &ctx, &err) :
	    cw_job_sc3_backup(cfg, &in, &ops, &ctx, &err);
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
