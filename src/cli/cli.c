/* cli.c - global options and the subcommand table (GNU style). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cfg.h"
#include "cli/cli.h"
#include "core/error.h"
#include "core/i18n.h"

/* The subcommand table.  Entries whose issue has not landed say so. */
static const struct cw_cli_cmd commands[] = {
	{ "check", N_("check connectivity prerequisites"), "check [--json]", cw_cmd_check },
	{ "ntp", N_("show, set or test the NTP configuration"),
	  "ntp show [--json]\n"
	  "       certwiz ntp set --primary HOST [--primary-key ID:ALG:KEYFILE] [--secondary HOST]\n"
	  "                       [--secondary-key ID:ALG:KEYFILE] [--keep-keys] [--json]\n"
	  "       certwiz ntp test [--json]", cw_cmd_ntp },
	{ "cert", N_("enroll for a device certificate with a one-time password"),
	  "cert fetch [--otp-file FILE|-] [--yes] [--accept-ca SHA256]\n"
	  "       certwiz cert show [--json]", cw_cmd_cert },
	{ "status", N_("show the certificate status"), "status [--json]", cw_cmd_status },
	{ "renew", N_("renew the device certificate if it is due"),
	  "renew [--force] [--dry-run]", cw_cmd_renew },
	{ "sc3", N_("back up or restore the SC3 trust material over SCP"),
	  "sc3 backup --to [USER@]HOST:PATH|FILE [SSH options] [--master-key-file FILE]\n"
	  "                  [--no-verify] [--dry-run] [--work-factor N] [--replace]\n"
	  "       certwiz sc3 restore --from [USER@]HOST:PATH|FILE [SSH options] [--master-key-file FILE]\n"
	  "                  [--yes] [--dry-run] [--replace]\n"
	  "SSH options: [--user USER] [--port N] [--auth agent|identity|password]\n"
	  "             [--identity FILE] [--password-file FILE]\n"
	  "             [--known-hosts FILE] [--accept-host-key SHA256:...] [--batch]", cw_cmd_sc3 },
	{ "journal", N_("list, show, resume or abandon journaled runs"),
	  "journal [list [--json] | show RUN | abandon RUN]\n"
	  "       certwiz journal resume RUN [--master-key-file FILE] [--password-file FILE] [--otp-file FILE|-]",
	  cw_cmd_journal },
	{ "apply", N_("run an answer file: NTP, check, enrollment, SC3 restore"),
	  "apply FILE [--check] [--json]", cw_cmd_apply },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

int
cw_cli_report(const struct cw_error *err)
{
	fprintf(stderr, "certwiz: %s%s%s\n", err->msg,
	    err->detail[0] ? ": " : "", err->detail);
	if (err->hint[0])
		fprintf(stderr, "%s\n", err->hint);
	return cw_error_exit_code(err->code);
}

int
cw_cli_not_implemented(const char *what)
{
	struct cw_error err;

	cw_error_set(&err, CW_E_NOTIMPL,
	    _("'%s' is not implemented yet in this version of certwiz"), what);
	cw_error_hint(&err, _("Nothing was changed."));
	return cw_cli_report(&err);
}

static void
usage(FILE *out)
{
	fprintf(out, _("Usage: certwiz [--config FILE] [COMMAND [ARGS]]\n"));
	fprintf(out, "%s\n\n", _("Set up NTP, the device certificate and the SC3 trust material of this appliance."));
	fprintf(out, "%s\n", _("Without a command, certwiz starts the wizard on the terminal."));
	fprintf(out, "\n%s\n", _("Commands:"));
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
	fprintf(out, "\n%s\n", _("Options:"));
	fprintf(out, "  -c, --config FILE  %s\n", _("read this configuration file"));
	fprintf(out, "  -h, --help         %s\n", _("show this help and exit"));
	fprintf(out, "  -V, --version      %s\n", _("show the version and exit"));
	fprintf(out, "\n%s\n", _("See certwiz(1) and certwiz.conf(5)."));
}

static void
warn_cb(void *ctx, const char *message)
{
	(void)ctx;
	fprintf(stderr, _("certwiz: warning: %s\n"), message);
}

int
cw_cli_help(int argc, char **argv, const char *usage)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf(_("Usage: certwiz %s\n"), usage);
			printf("%s\n", _("See certwiz(1) for every option."));
			return 1;
		}
	return 0;
}

int
cw_cli_main(int argc, char **argv, int (*wizard)(const struct cw_cfg *cfg))
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cw_cfg cfg;
	struct cw_error err;
	const char *config = NULL;
	int c, rc;

	cw_error_clear(&err);
	/* '+': stop at the subcommand, it parses its own options. */
	while ((c = getopt_long(argc, argv, "+c:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("certwiz %s\n", PACKAGE_VERSION);
			return 0;
		default:
			fprintf(stderr, _("Try 'certwiz --help' for more information.\n"));
			return 2;
		}
	}
	argc -= optind;
	argv += optind;

	const struct cw_cli_cmd *cmd = NULL;
	if (argc > 0) {
		for (size_t i = 0; i < NCOMMANDS; i++)
			if (strcmp(argv[0], commands[i].name) == 0)
				cmd = &commands[i];
		if (cmd == NULL) {
			fprintf(stderr, _("certwiz: unknown command '%s'\n"), argv[0]);
			fprintf(stderr, _("Try 'certwiz --help' for more information.\n"));
			return 2;
		}
	} else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cw_error_set(&err, CW_E_USAGE,
		    _("the wizard needs a terminal, and standard input or output is not one"));
		cw_error_hint(&err, _("Run it from a terminal, or use a command such as 'certwiz status' (see 'certwiz --help')."));
		return cw_cli_report(&err);
	}

	if (cw_cfg_load(&cfg, config, warn_cb, NULL, &err) == -1)
		return cw_cli_report(&err);
	if (cmd != NULL) {
		optind = 0;	/* reset getopt for the subcommand */
		if (cw_cli_help(argc, argv, cmd->usage))
			rc = 0;
		else
			rc = cmd->run(&cfg, argc, argv);
	} else
		rc = wizard(&cfg);
	cw_cfg_release(&cfg);
	return rc;
}
