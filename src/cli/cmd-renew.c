/* cmd-renew.c - `certwiz renew [--force] [--dry-run]`: run by the timer.
 * Quiet on success, one line on failure; exit codes in certwiz.1:
 * 0 renewed, not due, or waiting for the next attempt after a failure;
 * 22 expired, 23 broken, 24 missing (a new OTP is needed: `certwiz cert
 * fetch`); else the error's code (6 network/TLS/protocol, 7 refused...). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "pki/cert.h"
#include "cli/cli.h"
#include "core/i18n.h"
#include "pki/renew.h"

int
cw_cmd_renew(const struct cw_cfg *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct cw_renew_result res;
	struct cw_job_renew_in in = { 0, 0 };
	struct cw_cli_ctx ctx;
	struct cw_error err;
	char when[32];
	int c, force = 0, dry = 0, rc;

	while ((c = getopt_long(argc, argv, "fn", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = 1;
			break;
		case 'n':
			dry = 1;
			break;
		default:
			fprintf(stderr, _("Usage: certwiz renew [--force] [--dry-run]\n"));
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, _("Usage: certwiz renew [--force] [--dry-run]\n"));
		return 2;
	}
	cw_error_clear(&err);
	cw_cli_ctx_init(&ctx);
	in.force = force;
	in.dry_run = dry;
	rc = cw_job_renew(cfg, &in, &cw_cli_ops, &ctx, &res, &err);
	if (rc == -1 && err.code == CW_E_LOCKED) {
		fprintf(stderr, _("certwiz renew: %s\n"), err.msg);
		return cw_error_exit_code(err.code);
	}
	if (rc == 0) {
		if (dry && res.would_renew)
			printf(_("Dry run: the renewal works; a real run would install the new certificate now. Nothing was installed.\n"));
		else if (dry)
			printf(_("Dry run: the renewal works; nothing is due before %s, a real run would do nothing now. Nothing was installed.\n"),
			    cw_cert_time_rfc3339(res.renew_at, when, sizeof(when)));
		return 0;
	}
	if (res.outcome == CW_RENEW_REFUSED) {
		/* One line: what and what to do. */
		fprintf(stderr, _("certwiz renew: %s. %s\n"), err.msg, err.hint);
		return cw_cert_state_exit_code((enum cw_cert_state)res.state);
	}
	if (res.next_attempt > 0)
		fprintf(stderr, _("certwiz renew: renewal failed: %s%s%s; the current certificate is unchanged; next attempt after %s\n"),
		    err.msg, err.detail[0] ? ": " : "", err.detail,
		    cw_cert_time_rfc3339(res.next_attempt, when, sizeof(when)));
	else
		fprintf(stderr, _("certwiz renew: renewal failed: %s%s%s\n"), err.msg,
		    err.detail[0] ? ": " : "", err.detail);
	return cw_error_exit_code(err.code);
}
