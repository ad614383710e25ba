/* cmd-sc3.c - `certwiz sc3`.  backup/restore (with SCP) land with their
 * flows; until then this file has the bundle's own, undocumented test
 * hooks, which the interop tests and `make bench` drive:
 *
 *   certwiz sc3 seal --to FILE [--master-key-file F] [--work-factor N]
 *   certwiz sc3 open --from FILE [--master-key-file F] [--verify-only]
 *
 * `open` without --verify-only restores into [paths] sc3_dir (staging,
 * then swap, previous directory kept as sc3_dir.prev). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "age.h"
#include "bundle.h"
#include "cli.h"
#include "i18n.h"
#include "prompt.h"
#include "secret.h"

#define MASTER_KEY_MAX 1024

static int
get_master_key(const struct cw_cfg *cfg, const char *file, int confirm,
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

static int
sc3_seal(const struct cw_cfg *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "master-key-file", required_argument, NULL, 'k' },
		{ "work-factor", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	struct cw_error err;
	struct cw_secret *key = NULL;
	struct cw_bundle_info info;
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
	if (get_master_key(cfg, keyfile, 1, &key, &err) == -1)
		return cw_cli_report(&err);
	rc = cw_bundle_seal(cfg->sc3_dir, to, key, log2n, &info, &err);
	cw_secret_free(key);
	if (rc == -1)
		return cw_cli_report(&err);
	printf(_("Sealed %zu files (%llu bytes) from '%s' into '%s'.\n"), info.files,
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
	if (get_master_key(cfg, keyfile, 0, &key, &err) == -1)
		return cw_cli_report(&err);
	rc = cw_bundle_open(from, cfg->sc3_dir, key, verify ? NULL : &staging,
	    &info, &fail, &err);
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
		printf(_("The bundle '%s' opens: %zu files, %llu bytes.\n"), from,
		    info.files, (unsigned long long)info.bytes);
	else
		printf(_("Restored %zu files (%llu bytes) from '%s' into '%s'.\n"),
		    info.files, (unsigned long long)info.bytes, from, cfg->sc3_dir);
	printf("manifest SHA-256 %s\n", info.manifest_sha256);
	return 0;
}

int
cw_cmd_sc3(const struct cw_cfg *cfg, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "seal") == 0)
		return sc3_seal(cfg, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "open") == 0)
		return sc3_open(cfg, argc - 1, argv + 1);
	return cw_cli_not_implemented(argv[0]);
}
