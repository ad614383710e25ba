/* screen-cert.c - Install device certificate (OTP): the seed's steps and
 * the OTP rules, then the enrollment job (job.h) under a gauge; its
 * questions (CA fingerprint, OTP in a masked field, the one confirmation
 * before sending) come up as the wizard's dialogs (ops.c); at the end the
 * certificate's summary. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pki/cert.h"
#include "core/i18n.h"
#include "job/job.h"
#include "job/record.h"
#include "ntp/ntp.h"
#include "screens.h"
#include "widgets.h"

#define TITLE _("Install device certificate (OTP)")

static int
enroll_work(void *arg, const struct cw_job_ops *ops, void *ctx,
    struct cw_error *err)
{
	const struct cw_job_enroll_in in = { 0 };

	return cw_job_enroll(arg, &in, ops, ctx, err);
}

/* The enrollment stops on an unproven clock (enroll.c): say so before
 * it starts and offer the NTP screen.  UW_OK: go on (proven, or the lab
 * override is configured); UW_BACK: cancelled; UW_QUIT. */
static int
time_ready(const struct cw_cfg *cfg)
{
	struct uw_item items[] = {
		/* TRANSLATORS: "unproven time shortcut": the letters of the two
		 * entries; one ASCII letter each, different. */
		{ cw_i18n_key(NC_("unproven time shortcut", "n")), _("Configure NTP now"),
		  _("Set the NTP servers; the enrollment starts when the time is proven.") },
		{ cw_i18n_key(NC_("unproven time shortcut", "c")), _("Cancel"),
		  _("Back to the main menu; no OTP is needed yet.") },
	};
	struct cw_ntp_result res[CW_NTP_ROLE__MAX];
	struct cw_error err;
	char text[CW_ERR_MSG_MAX + 512];
	size_t sel = 0;
	int r;

	if (!cfg->enroll_require_proven_time)
		return UW_OK;
	for (;;) {
		cw_error_clear(&err);
		uw_busy(1);
		r = cw_ntp_check_time(cfg, res, &err);
		uw_busy(0);
		if (r == 0)
			return UW_OK;
		snprintf(text, sizeof(text),
		    _("An NTP server is required: the enrollment only starts on a proven clock, and %s."),
		    err.msg);
		if ((r = uw_menu(TITLE, text, items, 2, &sel)) != UW_OK || sel != 0)
			return r == UW_QUIT ? UW_QUIT : UW_BACK;
		if ((r = ui_ntp_run(cfg)) == UW_QUIT)
			return UW_QUIT;
	}
}

int
ui_cert_run(const struct cw_cfg *cfg)
{
	struct cw_cert_status st;
	struct cw_job_enroll_in in = { 0 };
	struct ui_job j = { .title = TITLE };
	struct cw_error err;
	char text[2048], na[32], days[64];
	int rc;

	rc = uw_yesno(TITLE,
	    _("1. Generate the one-time password (OTP) in the support portal for this device's serial number.\n"
	      "2. certwiz checks the time, the enrollment service, its CA and the install directory, and makes a new key and request.\n"
	      "3. Paste the OTP. It is valid for 60 minutes and works once: a failed fetch uses it up, so everything that can fail is checked before it is sent.\n"
	      "4. certwiz fetches, verifies and installs the certificate; the previous one is kept.\n\n"
	      "Start?"), 0);
	if (rc != UW_OK)
		return rc == UW_QUIT ? UW_QUIT : 0;
	if ((rc = time_ready(cfg)) != UW_OK)
		return rc == UW_QUIT ? UW_QUIT : 0;
	rc = ui_run_job(&j, enroll_work, (void *)cfg);
	ui_text_release(&j.said);
	if (rc != UW_OK)
		return rc == UW_QUIT ? UW_QUIT : 0;
	/* The OTP was typed: the recorder writes a placeholder. */
	in.accept_ca = j.trusted_ca[0] ? j.trusted_ca : NULL;
	if (ui_recorded(TITLE, cw_record_enroll(ui_recorder(), &in, &err), &err) == UW_QUIT)
		return UW_QUIT;
	cw_error_clear(&err);
	if (cw_job_status(cfg, &st, &err) == -1 || !st.have_cert)
		return uw_msgbox(TITLE, _("The device certificate is installed.")) == UW_QUIT ? UW_QUIT : 0;
	snprintf(days, sizeof(days), ngettext("%ld day", "%ld days",
	    (unsigned long)(st.days_left < 0 ? -st.days_left : st.days_left)), st.days_left);
	snprintf(text, sizeof(text),
	    /* TRANSLATORS: the last %s is a number of days ("90 days"). */
	    _("The device certificate is installed.\n\nSubject: %s\nIssuer: %s\nSHA-256: %.32s\n         %s\nValid until: %s (%s)\nKey: %s"),
	    st.subject, st.issuer, st.fingerprint_sha256, st.fingerprint_sha256 + 32,
	    cw_cert_time_rfc3339(st.not_after, na, sizeof(na)), days, st.key_type);
	return uw_msgbox(TITLE, text) == UW_QUIT ? UW_QUIT : 0;
}
