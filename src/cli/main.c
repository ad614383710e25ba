/* main.c - process setup, then the command line. */
#include "config.h"

#include "cli/cli.h"
#include "core/i18n.h"
#include "core/secret.h"
#include "ui/ui.h"

int
main(int argc, char **argv)
{
	/* Before anything can hold a secret: no core dumps. */
	cw_secret_harden_process();
	cw_i18n_init();
	return cw_cli_main(argc, argv, ui_wizard_run);
}
