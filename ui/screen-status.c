/* screen-status.c - Certificate status: what `certwiz status` shows, read
 * by the backend (cert.h) and laid out here as a scrollable text. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../src/cert.h"
#include "../src/cfg.h"
#include "../src/error.h"
#include "../src/i18n.h"
#include "screens.h"
#include "widgets.h"

static const char *const state_words[CW_CERT_STATE__MAX] = {
	/* TRANSLATORS: certificate states in `certwiz status`. */
	[CW_CERT_STATE_MISSING] = N_("not installed"),
	[CW_CERT_STATE_VALID] = N_("valid"),
	[CW_CERT_STATE_RENEWAL_DUE] = N_("renewal due"),
	[CW_CERT_STATE_RENEWAL_FAILING] = N_("renewal failing"),
	[CW_CERT_STATE_EXPIRED] = N_("expired"),
	[CW_CERT_STATE_BROKEN] = N_("broken"),
};

/* Appends "label value\n" with the values aligned at column col. */
static void
row(char *buf, size_t len, const char *label, const char *value, size_t col)
{
	size_t used = strlen(buf), w = uw_text_width(label);

	snprintf(buf + used, len - used, "%s%*s%s\n", label,
	    (int)(col > w ? col - w : 1), "", value);
}

static const char *
utc(time_t t, char *buf, size_t len)
{
	return cw_cert_time_rfc3339(t, buf, len);
}

int
ui_status_run(const struct cw_cfg *cfg)
{
	struct cw_cert_status st;
	struct cw_error err;
	char text[8192], t1[32], t2[32], t3[32], days[96], line[1400];
	const char *advice = NULL;
	size_t col = 0;
	const char *labels[] = { _("Subject:"), _("Issuer:"), _("Serial number:"),
	    _("SHA-256 fingerprint:"), _("Not before:"), _("Not after:"),
	    _("Validity:"), _("Renewal date:"), _("Key type:"), _("Trust anchor:"),
	    _("Last renewal attempt:"), _("Problem:") };

	cw_error_clear(&err);
	if (cw_cert_status_read(cfg, time(NULL), &st, &err) == -1)
		return ui_error(_("Certificate status"), &err);
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (uw_text_width(labels[i]) + 1 > col)
			col = uw_text_width(labels[i]) + 1;
	/* TRANSLATORS: %s is a state such as "valid" or "renewal due". */
	snprintf(text, sizeof(text), _("Device certificate: %s\n"), _(state_words[st.state]));
	strncat(text, "\n", sizeof(text) - strlen(text) - 1);
	if (st.have_cert) {
		if (st.days_left >= 0)
			snprintf(days, sizeof(days), ngettext("%ld day left", "%ld days left",
			    (unsigned long)st.days_left), st.days_left);
		else
			snprintf(days, sizeof(days), ngettext("expired %ld day ago",
			    "expired %ld days ago", (unsigned long)-st.days_left), -st.days_left);
		row(text, sizeof(text), labels[0], st.subject, col);
		row(text, sizeof(text), labels[1], st.issuer, col);
		row(text, sizeof(text), labels[2], st.serial, col);
		row(text, sizeof(text), labels[3], st.fingerprint_sha256, col);
		row(text, sizeof(text), labels[4], utc(st.not_before, t1, sizeof(t1)), col);
		row(text, sizeof(text), labels[5], utc(st.not_after, t2, sizeof(t2)), col);
		row(text, sizeof(text), labels[6], days, col);
		row(text, sizeof(text), labels[7], utc(st.renew_at, t3, sizeof(t3)), col);
		if (st.key_type[0])
			row(text, sizeof(text), labels[8], st.key_type, col);
	}
	if (st.anchor_subject[0])
		/* TRANSLATORS: trust anchor subject, SHA-256 fingerprint, file. */
		snprintf(line, sizeof(line), _("%s (SHA-256 %s) in %s"),
		    st.anchor_subject, st.anchor_fingerprint_sha256, cfg->trust_anchor);
	else
		snprintf(line, sizeof(line), _("%s (missing or unreadable)"), cfg->trust_anchor);
	row(text, sizeof(text), labels[9], line, col);
	if (st.last_renewal_error[0]) {
		snprintf(line, sizeof(line), "%s: %s",
		    utc(st.last_renewal_attempt, t1, sizeof(t1)), st.last_renewal_error);
		row(text, sizeof(text), labels[10], line, col);
	}
	if (st.problem_text[0])
		row(text, sizeof(text), labels[11], st.problem_text, col);
	switch (st.state) {
	case CW_CERT_STATE_MISSING:
		advice = _("No device certificate is installed. Generate a one-time password in the support portal and run 'certwiz cert fetch'.");
		break;
	case CW_CERT_STATE_EXPIRED:
		advice = _("The certificate has expired and cannot renew itself. Generate a new one-time password in the support portal and run 'certwiz cert fetch'.");
		break;
	case CW_CERT_STATE_BROKEN:
		advice = _("The installed certificate cannot be used. Enroll again with a new one-time password ('certwiz cert fetch'); the previous files are kept as .prev.");
		break;
	case CW_CERT_STATE_RENEWAL_FAILING:
		advice = _("Automatic renewal is failing; it is retried by the timer. Run 'certwiz renew' to try now.");
		break;
	default:
		break;
	}
	if (advice != NULL) {
		strncat(text, "\n", sizeof(text) - strlen(text) - 1);
		strncat(text, advice, sizeof(text) - strlen(text) - 1);
	}
	return uw_textview(_("Certificate status"), text) == UW_QUIT ? UW_QUIT : 0;
}
