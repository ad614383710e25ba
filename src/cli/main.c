/* main.c - process setup, then the command line. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "core/i18n.h"
#include "core/lazylib.h"
#include "core/proc.h"
#include "core/secret.h"
#include "ui/ui.h"

/* A library of a broken installation: the terminal back to normal, then
 * the message (the process ends after it, lazylib.h). */
static void
lazy_fatal(const char *what, const char *detail)
{
	ui_terminal_restore();
	fprintf(stderr, _("certwiz: cannot load %s: %s (reinstall certwiz and its dependencies)\n"),
	    what, detail);
}

int
main(int argc, char **argv)
{
	/* Before anything is opened: 0-2 are taken, so no file becomes a
	 * stdout.  Before anything can hold a secret: no core dumps. */
	cw_proc_sanitise_stdfd();
	cw_secret_harden_process();
	cw_i18n_init();
	cw_lazy_on_fatal(lazy_fatal);
	return cw_cli_main(argc, argv, ui_wizard_run);
}
