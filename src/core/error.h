/* error.h - the error value every backend call returns through its last
 * parameter.  A message says what happened (translated), the detail holds
 * library text (curl's error buffer, OpenSSL's error queue...), the hint says
 * what to do next.  Callers own the struct; it holds no heap memory. */
#ifndef CW_ERROR_H
#define CW_ERROR_H

#include <stddef.h>

enum cw_errcode {
	CW_E_OK = 0,
	CW_E_USAGE,	/* bad command line or bad input value */
	CW_E_CONFIG,	/* bad configuration file */
	CW_E_IO,	/* file system */
	CW_E_LOCKED,	/* another certwiz holds the lock */
	CW_E_NOMEM,
	CW_E_NET,	/* DNS, TCP, timeouts */
	CW_E_TLS,
	CW_E_AUTH,	/* refused credentials (OTP, SSH, NTP key) */
	CW_E_PROTO,	/* the peer answered something we cannot use */
	CW_E_CRYPTO,	/* key, CSR, certificate, bundle */
	CW_E_TIME,	/* clock wrong or unproven */
	CW_E_JOURNAL,	/* journal unreadable or corrupt */
	CW_E_STATE,	/* operation not valid in the current state */
	CW_E_CANCELLED,	/* the user cancelled */
	CW_E_HOSTKEY,	/* SSH host key unknown or changed */
	CW_E_NOTIMPL,	/* not implemented yet */
	CW_E_POP,	/* EST: proof-of-possession linking refused or impossible */
	CW_E_CSRATTRS,	/* EST: CSR attributes the server wants are missing */
	CW_E_POLICY,	/* EST: the server's policy refused the request */
	CW_E_PENDING,	/* EST: waiting for manual approval (202) */
	CW_E__MAX
};

#define CW_ERR_MSG_MAX 512
#define CW_ERR_DETAIL_MAX 512
#define CW_ERR_HINT_MAX 384

struct cw_error {
	enum cw_errcode code;
	char msg[CW_ERR_MSG_MAX];	/* translated: what happened */
	char detail[CW_ERR_DETAIL_MAX];	/* library text, may be empty */
	char hint[CW_ERR_HINT_MAX];	/* translated: what to do next, may be empty */
	/* What fixes it, as a question key of the job API ("ssh.port",
	 * "ssh.auth"; job.h), so that each front end can word the hint
	 * with its own option or field.  "" when the hint says it all. */
	char fix[32];
};

/* Clears err (code CW_E_OK, empty strings).  err may be NULL. */
void cw_error_clear(struct cw_error *err);

/* Sets code and message (printf format, already translated by the caller),
 * clears detail and hint.  Returns -1 so that callers can
 * `return cw_error_set(err, CW_E_IO, _("cannot write '%s'"), path);`.
 * err may be NULL. */
int cw_error_set(struct cw_error *err, enum cw_errcode code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sets the detail (library text).  Returns -1. */
int cw_error_detail(struct cw_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Sets the hint: what to do next (translated).  Returns -1. */
int cw_error_hint(struct cw_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Sets err->fix (see struct cw_error).  Returns -1. */
int cw_error_fix(struct cw_error *err, const char *key);

/* Appends the OpenSSL error queue to the detail and clears the queue.
 * Returns -1. */
int cw_error_openssl(struct cw_error *err);

/* Writes "message: detail\nhint" into buf (always NUL-terminated).
 * Returns buf. */
char *cw_error_format(const struct cw_error *err, char *buf, size_t len);

/* A stable lower-case name for code ("io", "config"...), for JSON. */
const char *cw_error_code_name(enum cw_errcode code);

/* The process exit code for an error code (documented in certwiz.1). */
int cw_error_exit_code(enum cw_errcode code);

#endif
