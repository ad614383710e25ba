/* main.c - process setup, then the command line. */
#include "config.h"

#include "cli/cli.h"
#include "core/i18n.h"
#include "core/proc.h"
#include "core/secret.h"

int
main(int argc, char **argv)
{
	/* Before anything is opened: 0-2 are taken, so no file becomes a
	 * stdout.  Before anything can hold a secret: no core dumps. */
	cw_proc_sanitise_stdfd();
	cw_secret_harden_process();
	cw_i18n_init();
	return cw_cli_main(argc, argv);
}
