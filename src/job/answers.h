/* answers.h - the answer file of `certwiz apply` (certwiz-answers(5)):
 * an INI file, read with iniparser as certwiz.conf is, whose sections
 * [ntp], [check], [enroll] and [sc3] each answer one job.
 *
 * Validation is strict, because a typo must never silently skip a step:
 * an unknown section or key, a value that still holds a placeholder
 * written by the wizard's --record ("<FILL IN: ...>"), a bad key spec
 * (ID:ALG:KEYFILE with the NTP validators), [enroll] without exactly one
 * of otp_file / otp_env, are CW_E_USAGE naming the file and the key.
 * Secrets are never in the file: only the paths of files holding them
 * (relative paths are relative to the answer file's directory), "-" for
 * standard input, or the NAME of an environment variable.  Nothing is
 * read but the answer file itself. */
#ifndef CW_ANSWERS_H
#define CW_ANSWERS_H

#include "core/error.h"
#include "job/job.h"
#include "ntp/ntp.h"

/* One NTP key: ID:ALG:KEYFILE, KEYFILE resolved. */
struct cw_answers_key {
	int set;
	unsigned id;
	enum cw_ntp_alg alg;
	char *file;
};

struct cw_answers {
	char *path;		/* the file read */
	int has_ntp, has_check, has_enroll, has_sc3;
	struct {
		char *host[CW_NTP_ROLE__MAX];	/* primary, secondary (NULL) */
		struct cw_answers_key key[CW_NTP_ROLE__MAX];
		int require_proven;		/* default yes */
	} ntp;
	struct {
		int run;			/* default yes */
	} check;
	struct {
		char *otp_file;			/* a path or "-", or NULL */
		char *otp_env;			/* a variable's NAME, or NULL */
		char *accept_ca;		/* hex SHA-256, or NULL */
		int allow_unproven_time;
	} enroll;
	struct {
		char *restore_from;		/* [USER@]HOST:PATH or /path */
		char *user;
		int port;			/* 0: 22 */
		enum cw_job_ssh_auth auth;
		char *identity, *password_file, *known_hosts;
		char *accept_host_key;
		char *master_key_file;
	} sc3;
};

/* Reads and validates path into *a (caller releases).  The file must be
 * a regular file that only root (or its owner) can change, like
 * certwiz.conf.  Returns 0 or -1 with err (CW_E_USAGE naming FILE and
 * section:key; CW_E_CONFIG when the file cannot be read or trusted). */
int cw_answers_load(const char *path, struct cw_answers *a,
    struct cw_error *err);

/* Frees what *a holds and zeroes it.  Safe on a zeroed *a. */
void cw_answers_release(struct cw_answers *a);

#endif
