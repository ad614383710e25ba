/* cmd-cert.c - `certwiz cert show [--json]` (the status) and
 * `certwiz cert fetch` (enrollment: its flow has not landed yet). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"

int
cw_cmd_cert(const struct cw_cfg *cfg, int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, _("Usage: certwiz cert fetch [--otp-file FILE|-] | show [--json]\n"));
		return 2;
	}
	if (strcmp(argv[1], "show") == 0)
		return cw_cmd_status(cfg, argc - 1, argv + 1);
	if (strcmp(argv[1], "fetch") == 0)
		return cw_cli_not_implemented("cert fetch");
	fprintf(stderr, _("certwiz: unknown cert command '%s'\n"), argv[1]);
	fprintf(stderr, _("Usage: certwiz cert fetch [--otp-file FILE|-] | show [--json]\n"));
	return 2;
}
