/* screen-cert.c - Install device certificate (OTP): the seed's steps and
 * the OTP rules, then the enrollment flow (src/enroll.h) under a gauge;
 * the flow's questions (CA fingerprint, OTP in a masked field, the one
 * confirmation before sending) come up as dialogs; at the end the
 * certificate's summary. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pki/cert.h"
#include "pki/enroll.h"
#include "ntp/ntp.h"
#include "core/i18n.h"
#include "core/lock.h"
#include "core/secret.h"
#include "screens.h"
#include "widgets.h"

#define TITLE _("Install device certificate (OTP)")

static int
cancelled(struct cw_error *err)
{
	cw_error_set(err, CW_E_CANCELLED, _("enrollment cancelled"));
	return cw_error_hint(err, _("No OTP was sent by this step; the journal keeps the run."));
}

static int
tui_confirm_ca(void *ctx, const struct cw_est_cert *certs, size_t n,
    size_t *chosen, struct cw_error *err)
{
	char list[4096] = "", text[4608], one[1024];
	int rc;

	(void)ctx;
	*chosen = (size_t)-1;
	/* Every certificate the service sent, then one question per root. */
	for (size_t i = 0; i < n; i++) {
		snprintf(one, sizeof(one),
		    /* TRANSLATORS: one certificate from /cacerts; the last %s
		     * is " (root)" or "". */
		    _("[%zu] %s\n    issuer: %s\n    SHA-256: %.32s\n             %s%s\n"),
		    i + 1, certs[i].subject, certs[i].issuer, certs[i].fingerprint,
		    certs[i].fingerprint + (strlen(certs[i].fingerprint) > 32 ? 32 :
		    strlen(certs[i].fingerprint)), certs[i].self_signed ? _(" (root)") : "");
		if (strlen(list) + strlen(one) < sizeof(list))
			strcat(list, one);
	}
	for (size_t i = 0; i < n; i++) {
		if (!certs[i].self_signed)
			continue;
		snprintf(text, sizeof(text),
		    _("No trust anchor is installed. The enrollment service sent:\n\n%s\nTrust root [%zu]? Only if its fingerprint is the one your support portal shows."),
		    list, i + 1);
		rc = uw_yesno(_("Trust the enrollment CA?"), text, 1);
		if (rc == UW_QUIT)
			return cancelled(err);
		if (rc == UW_OK) {
			*chosen = i;
			return 0;
		}
	}
	return 0;
}

static int
tui_read_otp(void *ctx, int again, struct cw_secret **out, struct cw_error *err)
{
	struct cw_secret *s = cw_secret_new(CW_ENROLL_OTP_CAP);
	int rc;

	(void)ctx;
	if (s == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	rc = uw_password(_("One-time password"),
	    again ? _("That was not an OTP (8 to 64 letters and digits). Paste it again:") :
	    _("Paste the OTP from the support portal. It is valid 60 minutes and works once:"), s);
	if (rc != UW_OK) {
		cw_secret_free(s);
		return cancelled(err);
	}
	*out = s;
	return 0;
}

static int
tui_confirm_send(void *ctx, const struct cw_enroll_summary *s, int *yes,
    struct cw_error *err)
{
	char text[3072], reach[128] = "", extra[1280];
	int rc;

	(void)ctx;
	if (s->endpoint_ms >= 0)
		snprintf(reach, sizeof(reach), _("reachable, verified TLS in %ld ms"), s->endpoint_ms);
	/* TRANSLATORS: what the request carries for the server's /csrattrs,
	 * and the proof-of-possession linking, in the confirmation. */
	snprintf(extra, sizeof(extra), _("  Request: %s\n  Linking: %s\n\n%s"),
	    s->csr_attrs ? s->csr_attrs : "", s->pop ? s->pop : "",
	    s->resend ? _("The same request as in the interrupted attempt is sent again.\n") : "");
	snprintf(text, sizeof(text),
	    _("Checked:\n  Time: %s\n  Service: %s\n  %s\n  Trust anchor: %s\n  SHA-256 %.32s\n          %s\n  Key: %s, new, stays on this appliance\n  Install into: %s\n\n%sThe OTP works once: if this request fails, you need a new one. Send the request now?"),
	    s->time_status, s->url, reach, s->anchor_subject, s->anchor_fingerprint,
	    s->anchor_fingerprint + (strlen(s->anchor_fingerprint) > 32 ? 32 : strlen(s->anchor_fingerprint)),
	    s->key_type ? s->key_type : "?", s->cert_dir,
	    extra);
	rc = uw_yesno(_("Send the request?"), text, 1);
	if (rc == UW_QUIT)
		return cancelled(err);
	*yes = rc == UW_OK;
	return 0;
}

static void
tui_notice(void *ctx, const char *text)
{
	(void)ctx;
	(void)uw_msgbox(TITLE, text);
}

static const struct cw_enroll_ops tui_ops = {
	tui_confirm_ca, tui_read_otp, tui_confirm_send, tui_notice, NULL,
};

void
ui_cert_install_resume_ops(void)
{
	cw_enroll_set_resume_ops(&tui_ops);
}

static int
enroll_work(void *arg, cw_flow_progress_fn *progress, void *ctx,
    struct cw_error *err)
{
	const struct cw_cfg *cfg = arg;
	struct cw_enroll e = { .ops = &tui_ops };
	struct cw_lock *lock = NULL;
	int rc;

	if (cw_lock_acquire(cfg->state_dir, &lock, err) == -1)
		return -1;
	rc = cw_enroll_run(cfg, &e, progress, ctx, err);
	cw_lock_release(lock);
	return rc;
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
	rc = ui_run_with_gauge(TITLE, enroll_work, (void *)cfg);
	if (rc != UW_OK)
		return rc == UW_QUIT ? UW_QUIT : 0;
	cw_error_clear(&err);
	if (cw_cert_status_read(cfg, time(NULL), &st, &err) == -1 || !st.have_cert)
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
