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
#include "screens.h"
#include "widgets.h"

#define TITLE _("Install device certificate (OTP)")

static int
enroll_work(void *arg, const struct cw_job_ops *ops, void *ctx,
    struct cw_error *err)
{
	const struct cw_job_enroll_in in = { NULL, NULL, 0 };

	return cw_job_enroll(arg, &in, ops, ctx, err);
}

int
ui_cert_run(const struct cw_cfg *cfg)
{
	struct cw_cert_status st;
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
	rc = ui_run_with_gauge(TITLE, enroll_work, (void *)cfg);
	if (rc != UW_OK)
		return rc == UW_QUIT ? UW_QUIT : 0;
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
