/* screens.h - one function per wizard screen (ui/screen-*.c).  Each draws
 * with widgets.h and asks the backend for everything else; each returns
 * UW_QUIT when the wizard must stop (a quit signal), else 0. */
#ifndef CW_UI_SCREENS_H
#define CW_UI_SCREENS_H

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

/* Shared by the screens whose backend is not in this build yet: says so,
 * names the subcommand, and that nothing was changed. */
int ui_not_available(const char *title, const char *subcommand);

/* Shows a backend error (message, detail, hint) in a message box. */
struct cw_error;
int ui_error(const char *title, const struct cw_error *err);

#endif
