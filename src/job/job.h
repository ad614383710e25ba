/* job.h - one entry point per job, for every front end.
 *
 * A job is what a person asks certwiz to do: set or test NTP, check the
 * prerequisites, enroll, renew, read the status, back up or restore SC3,
 * resume or abandon a journaled run.  Each entry point takes
 *
 *   the configuration + a plain inputs struct + the front end's operations
 *   (struct cw_job_ops, with its ctx) + an error
 *
 * and does the whole job: takes the state lock, validates the inputs,
 * asks what it needs through the operations, opens (or resumes) the flow
 * and runs it.  The front ends only collect inputs and implement the
 * operations once each:
 *
 *   src/cli/cli-ops.c   lines on stdout, questions on /dev/tty, the
 *                       --*-file / --yes / --replace options answer them
 *   ui/ops.c            the gauge, dialogs, masked fields
 *   src/job/job-apply.c the answer file (`certwiz apply`): answers
 *                       looked up by the question's key
 *
 * so no front end takes a lock, opens a flow or builds a transport
 * itself (tests/integration/boundaries.sh checks it).  Resuming a run
 * (`certwiz journal resume`, the wizard's "Unfinished work") uses the same
 * operations as the job that started it: there is no global callback.
 *
 * Every question carries a stable key ("sc3.master_key", "ssh.password",
 * "ssh.hostkey"...) and the command-line option that answers it without
 * asking, so a front end that cannot ask (a script, an answer file) can
 * name what is missing.  Secrets only ever travel in struct cw_secret. */
#ifndef CW_JOB_H
#define CW_JOB_H

#include <stddef.h>

#include "core/cfg.h"
#include "core/error.h"
#include "core/secret.h"
#include "ntp/ntp.h"

struct cw_netcheck_report;
struct cw_cert_status;
struct cw_renew_result;

/* ---- the operations a front end implements */

enum cw_job_say {
	CW_JOB_INFO = 0,	/* a line while the job runs */
	CW_JOB_RESULT,		/* a line of the job's result */
	CW_JOB_NOTICE,		/* something the person must read now */
};

/* One question.  Strings are translated; key and option are not. */
struct cw_job_q {
	const char *key;	/* stable id, e.g. "sc3.master_key" */
	const char *title;	/* short: a dialog title */
	const char *text;	/* the question or prompt */
	const char *option;	/* the CLI option that answers it, or NULL */
	int twice;		/* ask_secret: ask again and compare */
	size_t cap;		/* ask_secret / ask_text: at most cap bytes */
};

struct cw_job_ops {
	/* Progress: step (0-based) of nsteps, fraction of the step, label.
	 * step == nsteps means finished.  Nonzero asks to cancel.  The
	 * same type as cw_flow_progress_fn (flow.h). */
	int (*progress)(void *ctx, size_t step, size_t nsteps, double fraction,
	    const char *label);
	void (*say)(void *ctx, enum cw_job_say kind, const char *text);
	/* Each returns 0 or -1 with err set (CW_E_CANCELLED: no answer,
	 * CW_E_USAGE: no one to ask, naming q->option). */
	int (*confirm)(void *ctx, const struct cw_job_q *q, int *yes,
	    struct cw_error *err);
	int (*ask_secret)(void *ctx, const struct cw_job_q *q,
	    struct cw_secret **out, struct cw_error *err);
	int (*ask_text)(void *ctx, const struct cw_job_q *q, char *buf,
	    size_t cap, struct cw_error *err);
	/* One of n choices (translated labels); *sel holds the default on
	 * entry and the answer on return. */
	int (*choose)(void *ctx, const struct cw_job_q *q,
	    const char *const *choices, size_t n, size_t *sel,
	    struct cw_error *err);
	/* Words err's hint as this front end fixes it: key names what would
	 * have avoided the failure ("ssh.hostkey" with the fingerprint as
	 * value, "job.resume" with the run id, "job.other_run" with the
	 * other run's id, or err->fix: "ssh.port", "ssh.auth", whose
	 * backend hint names the CLI's option).  NULL: the backend's hint
	 * stays. */
	void (*hint)(void *ctx, const char *key, const char *value,
	    struct cw_error *err);
};

/* What to do about an unfinished run of the same job with other inputs. */
enum cw_job_other {
	CW_JOB_OTHER_ASK = 0,	/* ask through ops->choose ("job.other_run") */
	CW_JOB_OTHER_REPLACE,	/* --replace: abandon it, start the new one */
	CW_JOB_OTHER_RESUME,	/* resume it instead */
};

/* ---- NTP */

struct cw_job_ntp_out {
	struct cw_ntp_result res[CW_NTP_ROLE__MAX];
	int applied;		/* the files were written and reloaded */
	int proven;		/* the time is proven */
};

/* Applies c (validated here).  A server with Symmetric Key and no key
 * keeps the key certwiz has for that key ID (the same role first): a new
 * server address keeps its key.  Returns 0 when applied and proven. */
int cw_job_ntp_set(const struct cw_cfg *cfg, struct cw_ntp_config *c,
    const struct cw_job_ops *ops, void *ctx, struct cw_job_ntp_out *out,
    struct cw_error *err);

/* Probes the configured servers; *c receives the settings (release with
 * cw_ntp_config_release).  Returns 0 when the time is proven. */
int cw_job_ntp_test(const struct cw_cfg *cfg, struct cw_ntp_config *c,
    const struct cw_job_ops *ops, void *ctx, struct cw_job_ntp_out *out,
    struct cw_error *err);

/* ---- check */

/* Runs the connectivity check; *rep (free with cw_netcheck_report_free)
 * and *table (free()), the one table both front ends show.  Returns 0
 * when the check ran (endpoints may have failed: rep->failed). */
int cw_job_check(const struct cw_cfg *cfg, const struct cw_job_ops *ops,
    void *ctx, struct cw_netcheck_report **rep, char **table,
    struct cw_error *err);

/* The error of a check whose endpoints failed (rep->failed > 0):
 * CW_E_NET, how many, and what to do.  Returns -1. */
int cw_job_check_failed(const struct cw_netcheck_report *rep,
    struct cw_error *err);

/* ---- certificate */

struct cw_job_enroll_in {
	const char *otp_file;	/* NULL: ask ("enroll.otp") */
	const char *accept_ca;	/* hex SHA-256 to accept, or NULL: ask */
	int yes;		/* no confirmation before sending */
	int allow_unproven_time;	/* the lab override: enroll on an
					 * unproven clock */
};

int cw_job_enroll(const struct cw_cfg *cfg, const struct cw_job_enroll_in *in,
    const struct cw_job_ops *ops, void *ctx, struct cw_error *err);

struct cw_job_renew_in {
	int force;
	int dry_run;
};

/* Returns as cw_renew_run (renew.h); res is always filled. */
int cw_job_renew(const struct cw_cfg *cfg, const struct cw_job_renew_in *in,
    const struct cw_job_ops *ops, void *ctx, struct cw_renew_result *res,
    struct cw_error *err);

/* The status (read only, no lock). */
int cw_job_status(const struct cw_cfg *cfg, struct cw_cert_status *st,
    struct cw_error *err);

/* ---- SC3 */

enum cw_job_ssh_auth {
	CW_JOB_AUTH_AUTO = 0,	/* agent, identity file, then password */
	CW_JOB_AUTH_AGENT,
	CW_JOB_AUTH_IDENTITY,
	CW_JOB_AUTH_PASSWORD,
};

struct cw_job_sc3_in {
	const char *target;		/* [USER@]HOST:PATH or an absolute path */
	const char *user;		/* when target has no USER@ */
	int port;			/* 0: 22 */
	enum cw_job_ssh_auth auth;
	const char *identity;		/* private key file */
	const char *password_file;	/* else asked ("ssh.password") */
	const char *known_hosts;	/* NULL: [sc3] known_hosts */
	const char *accept_host_key;	/* "SHA256:...": accepted and saved */
	const char *master_key_file;	/* NULL: [sc3] master_key_file, else asked */
	const struct cw_secret *master_key;	/* given by the front end, or NULL */
	int log2n;			/* 0: the default work factor */
	int no_verify;			/* backup: do not read the copy back */
	int dry_run;			/* everything but the transfer */
	int yes;			/* restore: checklist and restart agreed,
					 * and a bundle from a unit with other
					 * addresses restored anyway */
	int ask_origin;			/* restore: ask (ops->confirm) about a
					 * bundle from a unit with other
					 * addresses instead of stopping */
	enum cw_job_other other;
};

int cw_job_sc3_backup(const struct cw_cfg *cfg, const struct cw_job_sc3_in *in,
    const struct cw_job_ops *ops, void *ctx, struct cw_error *err);
int cw_job_sc3_restore(const struct cw_cfg *cfg, const struct cw_job_sc3_in *in,
    const struct cw_job_ops *ops, void *ctx, struct cw_error *err);

/* ---- the answer file (answers.h, certwiz-answers(5))
 *
 * The third front end of the jobs above: the file's sections run through
 * cw_job_ntp_set / cw_job_ntp_test, cw_job_check, cw_job_enroll or
 * cw_job_renew, and cw_job_sc3_restore, in the order ntp, check, enroll,
 * sc3, with operations that answer each question from the file by its key
 * (a question the file cannot answer is CW_E_USAGE naming the key that
 * would) and pass progress and lines on to the caller's ops.  A section
 * already in the state the file asks for is "unchanged" (the OTP is then
 * not read); a failed section stops the later ones ("skipped"). */

enum cw_apply_result {
	CW_APPLY_CHANGED = 0,
	CW_APPLY_UNCHANGED,
	CW_APPLY_FAILED,
	CW_APPLY_SKIPPED,
	CW_APPLY__MAX
};

/* "changed", "unchanged", "failed", "skipped" (JSON), and in words. */
const char *cw_apply_result_name(enum cw_apply_result r);
const char *cw_apply_result_words(enum cw_apply_result r);

#define CW_APPLY_SECTIONS 4

struct cw_job_apply_section {
	const char *name;		/* "ntp", "check", "enroll", "sc3" */
	enum cw_apply_result result;
	char message[1024];		/* translated; not for FAILED */
	struct cw_error err;		/* FAILED: what went wrong */
	int code;			/* FAILED: the exit code (certwiz.1) */
};

struct cw_job_apply_in {
	const char *file;		/* the answer file */
	int check;			/* say what would change, change nothing */
};

struct cw_job_apply_out {
	struct cw_job_apply_section sec[CW_APPLY_SECTIONS];	/* run order */
	size_t n;			/* the sections in the file */
	int changed, failed;
	int exit_code;			/* the first failed section's, else 0 */
};

/* Returns -1 with err when the file cannot be used at all (nothing was
 * changed), else 0 with out filled (out->failed tells the outcome). */
int cw_job_apply(const struct cw_cfg *cfg, const struct cw_job_apply_in *in,
    const struct cw_job_ops *ops, void *ctx, struct cw_job_apply_out *out,
    struct cw_error *err);

/* ---- journaled runs */

/* Resumes run_id at its first step not done, asking what it needs
 * (master key, OTP...) through ops. */
int cw_job_resume(const struct cw_cfg *cfg, const char *run_id,
    const struct cw_job_ops *ops, void *ctx, struct cw_error *err);

/* Records the unfinished run run_id abandoned and removes its staged
 * files (a run of a flow this certwiz does not know, too). */
int cw_job_abandon(const struct cw_cfg *cfg, const char *run_id,
    struct cw_error *err);

#endif
