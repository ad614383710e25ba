/* enroll.h - the enrollment flow: a device certificate for a one-time
 * password (OTP), over EST /simpleenroll.
 *
 *   preflight ─► key ─► csr ─► otp ─► simpleenroll ─► verify ─► install ─► post-install
 *
 * Everything that can fail locally (time, endpoint, trust anchor, install
 * dir, key, CSR, OTP format) happens before the OTP is sent; after it only
 * the answer's check and the install remain.  The key and the request
 * live in the run's stage dir, so a resumed run sends the same CSR: a
 * service that replays the certificate issued for the same OTP and key
 * gives it back after a connection broke.
 *
 * The OTP only lives in a struct cw_secret held by the caller's
 * struct cw_enroll (the user pointer): never in the journal, a log, a
 * fact or a file.  The flow asks for it through the ops, which the job
 * (job/job-pki.c) builds on the front end's operations.
 *
 * Who owns what: struct cw_enroll belongs to the caller; the flow keeps
 * borrowed pointers only while cw_flow_run runs. */
#ifndef CW_ENROLL_H
#define CW_ENROLL_H

#include <stddef.h>

#include "core/cfg.h"
#include "core/error.h"
#include "core/flow.h"
#include "core/log.h"
#include "core/secret.h"
#include "pki/est.h"

#define CW_ENROLL_OTP_MIN 8
#define CW_ENROLL_OTP_MAX 64	/* characters after trimming */
#define CW_ENROLL_OTP_CAP 1024	/* bytes read, pasted blanks included */

/* What the admin is shown before the OTP is spent. */
struct cw_enroll_summary {
	const char *url;
	const char *serial;
	const char *time_status;	/* translated: offset, or "time unproven" */
	int time_proven;
	long endpoint_ms;		/* /cacerts round trip over verified TLS */
	const char *anchor_subject;
	const char *anchor_fingerprint;	/* SHA-256, lower-case hex */
	const char *key_type;
	const char *cert_dir;
	int resend;			/* an earlier attempt may have spent the OTP */
	/* What the request carries for the server's /csrattrs: a one-line
	 * list ("serialNumber, macAddress=..., sha384"), "" for none. */
	const char *csr_attrs;
	const char *pop;		/* translated: tls-unique linking, or why not */
};

/* How the flow talks to the admin.  Every callback returns 0 or -1 with
 * err set (CW_E_CANCELLED when the admin said no). */
struct cw_enroll_ops {
	/* No trust anchor yet: every certificate /cacerts returned (show
	 * each: subject, issuer, SHA-256, whether it is a root).  The admin
	 * confirms ONE root by its SHA-256 fingerprint: *chosen = its index,
	 * or (size_t)-1 for none.  Only that root and the CA certificates
	 * that chain to it are installed. */
	int (*confirm_ca)(void *ctx, const struct cw_est_cert *certs, size_t n,
	    size_t *chosen, struct cw_error *err);
	/* The OTP as entered (the flow trims and checks it).  again is 1
	 * after a badly formatted entry (an interactive source asks again,
	 * a file fails). */
	int (*read_otp)(void *ctx, int again, struct cw_secret **out,
	    struct cw_error *err);
	/* The one confirmation before sending. */
	int (*confirm_send)(void *ctx, const struct cw_enroll_summary *s,
	    int *yes, struct cw_error *err);
	/* A message for the admin (translated), e.g. the OTP may be spent. */
	void (*notice)(void *ctx, const char *text);
	void *ctx;
};

/* The flow's user pointer. */
struct cw_enroll {
	const struct cw_enroll_ops *ops;
	struct cw_secret *otp;		/* owned: read once per process */
	int confirmed;			/* confirm_send said yes in this process */
	int allow_unproven_time;	/* --allow-unproven-time: enroll on an
					 * unproven clock (logged) */
	struct cw_est *est;		/* owned: the preflight's connection,
					 * verified against the installed
					 * anchor, kept for the request */
};

extern const struct cw_flow_def cw_enroll_flow;

/* Opens (or resumes) the enrollment run and runs it to the end.  The
 * caller holds the state lock.  e->otp is wiped and freed before return. */
int cw_enroll_run(const struct cw_cfg *cfg, struct cw_enroll *e,
    cw_flow_progress_fn *progress, void *ctx, struct cw_error *err);

/* Trims blanks (anywhere: a pasted OTP may be wrapped or spaced) and checks
 * the format: CW_ENROLL_OTP_MIN..MAX letters and digits.  On success *out
 * is a new secret with the clean OTP; the input is left alone. */
int cw_enroll_otp_clean(const struct cw_secret *in, struct cw_secret **out,
    struct cw_error *err);

/* Compares a fingerprint the admin typed (hex, colons and case ignored)
 * with a lower-case hex SHA-256.  1 if equal. */
int cw_enroll_fingerprint_equal(const char *typed, const char *hex);

/* Runs [enroll] post_install_command (if set) after a certificate was
 * installed; its output goes to log.  A failure (start, exit code, timeout)
 * is -1 with CW_E_STATE, the certificate stays installed. */
int cw_enroll_post_install(const struct cw_cfg *cfg, struct cw_log *log,
    struct cw_error *err);

#endif
