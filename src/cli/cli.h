/* cli.h - the command line: global options, the subcommand table, and the
 * start of the wizard when no subcommand is given. */
#ifndef CW_CLI_H
#define CW_CLI_H

#include "core/cfg.h"

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

/* Says honestly that what is not implemented yet; returns exit code 14. */
int cw_cli_not_implemented(const char *what);

/* The subcommands, one file each (cmd-NAME.c).  argv[0] is the name. */
int cw_cmd_check(const struct cw_cfg *cfg, int argc, char **argv);
int cw_cmd_ntp(const struct cw_cfg *cfg, int argc, char **argv);
int cw_cmd_cert(const struct cw_cfg *cfg, int argc, char **argv);
int cw_cmd_status(const struct cw_cfg *cfg, int argc, char **argv);
int cw_cmd_renew(const struct cw_cfg *cfg, int argc, char **argv);
int cw_cmd_sc3(const struct cw_cfg *cfg, int argc, char **argv);
int cw_cmd_journal(const struct cw_cfg *cfg, int argc, char **argv);

#endif
