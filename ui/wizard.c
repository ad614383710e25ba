/* wizard.c - the wizard shell: unfinished runs first, then the main menu;
 * each entry opens its screen (ui/screen-*.c).
 *
 * Quitting: SIGHUP (dropped SSH) and SIGTERM make every box return
 * UW_QUIT; the screens unwind (a flow stops between steps, its journal
 * consistent), the terminal is restored here and the exit code is 128 plus
 * the signal.  Ctrl-C does the same when idle and asks first while work is
 * in progress. */
#include "config.h"

#include <stdio.h>

#include "core/cfg.h"
#include "core/i18n.h"
#include "screens.h"
#include "ui.h"
#include "widgets.h"

struct entry {
	const char *key;	/* NC_(): a translatable one-letter shortcut */
	const char *label;
	const char *help;
	int (*run)(const struct cw_cfg *cfg);
};

static const struct entry entries[] = {
	/* TRANSLATORS: "main menu shortcut": the letter that opens each
	 * main-menu entry: one ASCII letter or digit, all eight different,
	 * best the first letter of a word of the translated entry. */
	{ NC_("main menu shortcut", "c"), N_("Check prerequisites"),
	  N_("Checks that the enrollment service and the other endpoints can be reached."), ui_check_run },
	{ NC_("main menu shortcut", "n"), N_("Configure NTP"),
	  N_("Sets the NTP servers and their keys, then proves the time."), ui_ntp_run },
	{ NC_("main menu shortcut", "i"), N_("Install device certificate (OTP)"),
	  N_("Enrolls for a device certificate with a one-time password from the support portal."), ui_cert_run },
	{ NC_("main menu shortcut", "s"), N_("Certificate status"),
	  N_("Shows the installed certificate, its lifetime and its renewal."), ui_status_run },
	{ NC_("main menu shortcut", "b"), N_("Back up SC3"),
	  N_("Seals the SC3 trust material into an encrypted bundle and copies it over SCP."), ui_sc3_backup_run },
	{ NC_("main menu shortcut", "r"), N_("Restore SC3"),
	  N_("Fetches an SC3 bundle over SCP, checks it and restores it."), ui_sc3_restore_run },
	{ NC_("main menu shortcut", "l"), N_("View logs"),
	  N_("Shows the logs the jobs wrote."), ui_logs_run },
	{ NC_("main menu shortcut", "q"), N_("Quit"), NULL, NULL },
};

#define NENTRIES (sizeof(entries) / sizeof(entries[0]))

static struct cw_record *recorder;

struct cw_record *
ui_recorder(void)
{
	return recorder;
}

static int
exit_code(void)
{
	int sig = uw_quit_signal();

	return sig ? 128 + sig : 0;
}

int
ui_wizard_run(const struct cw_cfg *cfg, struct cw_record *rec)
{
	struct uw_item items[NENTRIES];
	char title[256];
	size_t sel = 0;
	int rc;

	if (uw_begin() == -1) {
		fprintf(stderr, "%s\n", _("certwiz: cannot start the terminal interface"));
		return 1;
	}
	recorder = rec;
	for (size_t i = 0; i < NENTRIES; i++) {
		items[i].key = cw_i18n_key(entries[i].key);
		items[i].label = _(entries[i].label);
		items[i].help = entries[i].help != NULL ? _(entries[i].help) : NULL;
	}
	if (cfg->device_serial != NULL && *cfg->device_serial)
		/* TRANSLATORS: the top line; %s is the device serial number. */
		snprintf(title, sizeof(title), _("certwiz - appliance %s"), cfg->device_serial);
	else
		snprintf(title, sizeof(title), "%s", _("certwiz"));
	uw_backtitle(title);
	uw_status(_("Enter: select  Esc: back  F1: help"));
	uw_help(_("certwiz sets up this appliance step by step: NTP first (the "
	    "certificate needs the right time), then the device certificate "
	    "with a one-time password, and the SC3 migration.\n\n"
	    "Keys: arrows or the letter in front of an entry choose, Enter "
	    "confirms, Esc goes back, Tab moves between fields and buttons, "
	    "Ctrl-L redraws the screen, Ctrl-C quits (it asks first while work "
	    "is in progress).\n\n"
	    "Every job can also be run from the command line: see 'certwiz --help'."));

	rc = ui_resume_offer(cfg);
	while (rc != UW_QUIT) {
		int r = uw_menu(_("Main menu"), _("What do you want to do?"),
		    items, NENTRIES, &sel);

		if (r == UW_QUIT)
			break;
		if (r != UW_OK || entries[sel].run == NULL)
			break;
		rc = entries[sel].run(cfg);
	}
	uw_end();
	recorder = NULL;
	return exit_code();
}

void
ui_terminal_restore(void)
{
	uw_end();
}
