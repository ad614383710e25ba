/* record.h - the wizard's --record: the inputs of each job the person
 * completed, written as an answer file (certwiz-answers(5), the format
 * `certwiz apply` reads), so one hand-made setup becomes the template for
 * the rest of a fleet.
 *
 * After each completed job the front end hands the job's inputs to the
 * recorder, which keeps one section per job (a later answer of the same
 * section replaces the earlier one) and rewrites the whole file
 * atomically, mode 0600, in the order apply runs them: [ntp], [check],
 * [enroll], [sc3].
 *
 * Never a secret: an NTP key, the OTP, an SSH password or the SC3 master
 * key typed in the wizard becomes a placeholder the person replaces with
 * the path of a file holding it ("<FILL IN: file holding ...>", apply
 * refuses a file that still has one); a path the person gave for a file
 * is written as given (a relative one made absolute: apply reads relative
 * paths from the answer file's directory).  Values are written so
 * iniparser reads them back as they were (quoted where `;`, `#`, quotes or
 * blanks at either end need it); a value no INI line can carry (a control
 * character, both kinds of quote) is refused with CW_E_USAGE.
 *
 * Ownership: cw_record_new() allocates, cw_record_free() frees (NULL is a
 * no-op).  Every cw_record_<job>() on a NULL recorder does nothing and
 * returns 0, so a front end calls them whether --record was given or not. */
#ifndef CW_RECORD_H
#define CW_RECORD_H

#include "core/error.h"
#include "job/job.h"
#include "ntp/ntp.h"

struct cw_record;

/* A recorder writing to path (nothing is written yet).  Fails with
 * CW_E_USAGE when path's directory does not exist or is not writable, or
 * path is something other than a regular file. */
int cw_record_new(const char *path, struct cw_record **out,
    struct cw_error *err);
void cw_record_free(struct cw_record *r);

/* The answer file's path (absolute). */
const char *cw_record_path(const struct cw_record *r);

/* NTP set with c (its keys are never read): [ntp]; require_proven = yes
 * when the job proved the time. */
int cw_record_ntp(struct cw_record *r, const struct cw_ntp_config *c,
    int proven, struct cw_error *err);

/* The connectivity check ran: [check] run = yes. */
int cw_record_check(struct cw_record *r, struct cw_error *err);

/* An enrollment with in: [enroll]; in->accept_ca is the CA fingerprint
 * the person confirmed (NULL: a trust anchor was configured). */
int cw_record_enroll(struct cw_record *r, const struct cw_job_enroll_in *in,
    struct cw_error *err);

/* An SC3 restore with in: [sc3]; in->accept_host_key is the host key the
 * person accepted (NULL: it was known). */
int cw_record_sc3_restore(struct cw_record *r, const struct cw_job_sc3_in *in,
    struct cw_error *err);

#endif
