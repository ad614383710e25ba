/* ui.h - the curses front end's entry point.  This header includes no
 * curses: the backend and main() only see this. */
#ifndef CW_UI_H
#define CW_UI_H

struct cw_cfg;
struct cw_record;

/* Runs the wizard on the terminal until the user quits; returns the
 * process exit code.  With rec (--record, job/record.h; the caller
 * frees it) each job the person completes is recorded. */
int ui_wizard_run(const struct cw_cfg *cfg, struct cw_record *rec);

/* Puts the terminal back to normal if the wizard has it (before a fatal
 * message on stderr).  Safe to call at any time. */
void ui_terminal_restore(void);

#endif
