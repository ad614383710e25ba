/* cli.h - the command line: global options, the subcommand table, and the
 * start of the wizard when no subcommand is given. */
#ifndef CW_CLI_H
#define CW_CLI_H

#include "core/cfg.h"
#include "job/job.h"

/* Runs certwiz with argv; returns the process exit code (certwiz.1).
 * Without a subcommand it starts wizard (the curses front end, ui.h). */
int cw_cli_main(int argc, char **argv, int (*wizard)(const struct cw_cfg *cfg));

/* The job operations of the command line (cli-ops.c), with their ctx. */
struct cw_cli_ctx {
	size_t last_step;	/* the step whose line was printed */
	int quiet;		/* only notices (--json) */
	/* Secrets answered from files (--master-key-file...), by question
	 * key ("sc3.master_key"; job.h), instead of asking. */
	struct { const char *key, *file; } answers[4];
	size_t nanswers;
};

/* Answers the secret question key from file. */
void cw_cli_answer_file(struct cw_cli_ctx *c, const char *key, const char *file);

extern const struct cw_job_ops cw_cli_ops;
void cw_cli_ctx_init(struct cw_cli_ctx *c);

/* 1 (and usage printed on stdout) when argv holds -h or --help before a
 * "--": every subcommand answers --help. */
int cw_cli_help(int argc, char **argv, const char *usage);

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
int cw_cmd_apply(const struct cw_cfg *cfg, int argc, char **argv);

#endif
