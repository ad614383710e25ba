/* cmd-journal.c - `certwiz journal`: not implemented yet (its issue has not landed). */
#include "config.h"

#include "cli.h"

int
cw_cmd_journal(const struct cw_cfg *cfg, int argc, char **argv)
{
	(void)cfg;
	(void)argc;
	return cw_cli_not_implemented(argv[0]);
}
