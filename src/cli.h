/* cli.h - the command line: global options, the subcommand table, and the
 * start of the wizard when no subcommand is given. */
#ifndef CW_CLI_H
#define CW_CLI_H

#include "cfg.h"

/* Runs certwiz with argv; returns the process exit code (certwiz.1). */
int cw_cli_main(int argc, char **argv);

/* One subcommand: argc/argv start at the subcommand's name. */
struct cw_cli_cmd {
	const char *name;
	const char *summary;	/* N_() */
	const char *usage;	/* not translated: syntax */
	int (*run)(const struct cw_cfg *cfg, int argc, char **argv);
};

/* Prints an error value on stderr as "certwiz: message: detail" + hint
 * and returns its exit code. */
int cw_cli_report(const struct cw_error *err);

#endif
