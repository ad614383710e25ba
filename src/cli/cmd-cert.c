/* cmd-cert.c - `certwiz cert show [--json]` (the status) and
 * `certwiz cert fetch [--otp-file FILE|-] [--yes] [--accept-ca HEX]
 *  [--allow-unproven-time]`
 * (enrollment with a one-time password, enroll.h). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "pki/cert.h"
#include "cli/cli.h"
#include "core/i18n.h"

#define USAGE N_("Usage: certwiz cert fetch [--otp-file FILE|-] [--yes] [--accept-ca SHA256] [--allow-unproven-time] | show [--json]\n")

static int
cmd_fetch(const struct cw_cfg *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "otp-file", required_argument, NULL, 'o' },
		{ "yes", no_argument, NULL, 'y' },
		{ "accept-ca", required_argument, NULL, 'a' },
		{ "allow-unproven-time", no_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	struct cw_job_enroll_in in = { 0 };
	struct cw_cli_ctx ctx;
	struct cw_cert_status st;
	struct cw_error err;
	char when[32];
	int c;

	while ((c = getopt_long(argc, argv, "o:ya:", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			in.otp_file = optarg;
			break;
		case 'y':
			in.yes = 1;
			break;
		case 'a':
			in.accept_ca = optarg;
			break;
		case 'T':
			in.allow_unproven_time = 1;
			break;
		default:
			fputs(_(USAGE), stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fputs(_(USAGE), stderr);
		return 2;
	}
	cw_error_clear(&err);
	cw_cli_ctx_init(&ctx);
	if (cw_job_enroll(cfg, &in, &cw_cli_ops, &ctx, &err) == -1)
		return cw_cli_report(&err);
	if (cw_job_status(cfg, &st, &err) == 0 && st.have_cert) {
		printf(_("Device certificate installed: %s\n"), st.subject);
		printf(_("  SHA-256 %s, valid until %s\n"), st.fingerprint_sha256,
		    cw_cert_time_rfc3339(st.not_after, when, sizeof(when)));
	}
	return 0;
}

int
cw_cmd_cert(const struct cw_cfg *cfg, int argc, char **argv)
{
	if (argc < 2) {
		fputs(_(USAGE), stderr);
		return 2;
	}
	if (strcmp(argv[1], "show") == 0)
		return cw_cmd_status(cfg, argc - 1, argv + 1);
	if (strcmp(argv[1], "fetch") == 0)
		return cmd_fetch(cfg, argc - 1, argv + 1);
	fprintf(stderr, _("certwiz: unknown cert command '%s'\n"), argv[1]);
	fputs(_(USAGE), stderr);
	return 2;
}
