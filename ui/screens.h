/* screens.h - one function per wizard screen (ui/screen-*.c).  Each draws
 * with widgets.h and asks the backend for everything else; each returns
 * UW_QUIT when the wizard must stop (a quit signal), else 0.
 *
 * A screen typically: collects input with uw_form() (secrets in masked
 * fields that fill a struct cw_secret), runs the backend flow with
 * ui_run_with_gauge(), then shows the result with uw_msgbox() or the error
 * with ui_error().  It never includes curses and never touches a file. */
#ifndef CW_UI_SCREENS_H
#define CW_UI_SCREENS_H

#include <stddef.h>

struct cw_cfg;

int ui_check_run(const struct cw_cfg *cfg);
int ui_ntp_run(const struct cw_cfg *cfg);
int ui_cert_run(const struct cw_cfg *cfg);
int ui_status_run(const struct cw_cfg *cfg);
int ui_sc3_backup_run(const struct cw_cfg *cfg);
int ui_sc3_restore_run(const struct cw_cfg *cfg);
int ui_logs_run(const struct cw_cfg *cfg);

/* At start: offers the unfinished journaled runs (Resume, Abandon, Show
 * journal).  Returns UW_QUIT or 0. */
int ui_resume_offer(const struct cw_cfg *cfg);

/* Shared by the screens not written yet: says so, that nothing was
 * changed, and names the subcommand that does the job (NULL: none does
 * yet). */
int ui_not_available(const char *title, const char *subcommand);

/* Shows a backend error (message, detail, hint) in a message box. */
struct cw_error;
int ui_error(const char *title, const struct cw_error *err);

/* --record (wizard.c): the recorder of the answer file (job/record.h),
 * NULL without --record.  After each job the person completed, a screen
 * hands it the job's inputs (cw_record_*(), a no-op on NULL) and passes
 * the result to ui_recorded(), which shows a failure to write.  Returns
 * UW_QUIT or 0. */
struct cw_record;
struct cw_record *ui_recorder(void);
int ui_recorded(const char *title, int rc, const struct cw_error *err);

/* Backend work, a job (job.h): called with the wizard's job operations
 * (ops.c) and their ctx, a struct ui_job. */
struct cw_job_ops;
typedef int ui_work_fn(void *arg, const struct cw_job_ops *ops, void *ctx,
    struct cw_error *err);

/* Runs work under a progress gauge titled title (Cancel and Ctrl-C ask,
 * then stop it between steps); a failure other than a cancel is shown.
 * Returns UW_OK, UW_BACK (failed or cancelled) or UW_QUIT (a quit signal
 * came: unwind). */
int ui_run_with_gauge(const char *title, ui_work_fn *work, void *arg);

/* Text for the result screens (screen-text.c): a growing string; on out of
 * memory it stops growing and ui_text_str() gives "".  Start zeroed. */
struct ui_text {
	char *buf;
	size_t len, cap;
	int failed;
};

void ui_text_add(struct ui_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* s, then blanks up to width display columns. */
void ui_text_pad(struct ui_text *t, const char *s, size_t width);
/* The text viewer's width at the design size (80 columns). */
#define UI_TEXT_COLS 74
/* "  LABEL  VALUE\n", LABEL padded to width columns, VALUE wrapped to
 * UI_TEXT_COLS with its continuation lines under it. */
void ui_text_row(struct ui_text *t, const char *label, size_t width,
    const char *value);
const char *ui_text_str(const struct ui_text *t);
void ui_text_release(struct ui_text *t);

/* One job run by the wizard (ops.c): its title, the gauge while it runs
 * and what it said (shown by the screen at the end; release said). */
struct uw_gauge;
struct ui_job {
	const char *title;
	struct uw_gauge *gauge;
	struct ui_text said;
	/* The last progress, to draw the gauge again after a question. */
	size_t step, nsteps;
	double fraction;
	char label[256];
	/* What the person trusted (ops.c), for --record: the fingerprints
	 * of "enroll.ca" and "ssh.hostkey" (struct cw_job_q's value). */
	char trusted_ca[80];
	char trusted_hostkey[128];
};

/* The wizard's job operations; ctx is a struct ui_job. */
extern const struct cw_job_ops ui_job_ops;

/* ui_run_with_gauge with the job's lines kept in j->said. */
int ui_run_job(struct ui_job *j, ui_work_fn *work, void *arg);

#endif
