/* screen-status.c - Certificate status: what cw_cert_status_read() found
 * (the same facts as `certwiz status`), the NTP settings, and what to do
 * when the certificate is missing, expired or broken.  Read only. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pki/cert.h"
#include "core/cfg.h"
#include "core/error.h"
#include "core/i18n.h"
#include "job/job.h"
#include "ntp/ntp.h"
#include "pki/renew.h"
#include "pki/timer.h"
#include "screens.h"
#include "widgets.h"

/* "Mo 23 Nov 2026 18:00:00 CET / 2026-11-23T17:00:00Z": the locale's
 * date and time, then UTC. */
static const char *
both_times(time_t t, char *buf, size_t len)
{
	char local[96], utc[32];

	/* TRANSLATORS: a time: local time, then the same in UTC. */
	snprintf(buf, len, _("%s / %s"), cw_i18n_local_time(t, local, sizeof(local)),
	    cw_cert_time_rfc3339(t, utc, sizeof(utc)));
	return buf;
}

/* What the time daemon says about server i, after its settings. */
static int
daemon_words(const struct cw_ntp_daemon_state *st, int i, char *buf,
    size_t len)
{
	const struct cw_ntp_peer *p = &st->peer[i];

	if (!st->answered)
		/* TRANSLATORS: the daemon (chrony, ntpsec) did not answer. */
		return snprintf(buf, len, _("; %s: no answer"), cw_ntp_daemon_name(st->daemon));
	if (!p->listed)
		return snprintf(buf, len, _("; %s: not in use"), cw_ntp_daemon_name(st->daemon));
	/* TRANSLATORS: daemon; selected or not; its reach register (octal);
	 * authenticated yes/no/unknown. */
	return snprintf(buf, len, _("; %s: %s, reach %03o, authenticated: %s"),
	    cw_ntp_daemon_name(st->daemon),
	    p->selected ? _("selected") : _("not selected"), p->reach,
	    p->authenticated > 0 ? _("yes") : p->authenticated == 0 ? _("no") :
	    _("unknown"));
}

/* One line about the time: the servers certwiz configured and what the
 * running daemon reports about each (no NTP query of certwiz's own: the
 * status opens at once; Configure NTP proves the time). */
static void
ntp_line(const struct cw_cfg *cfg, char *buf, size_t len)
{
	struct cw_ntp_config c;
	struct cw_ntp_files f;
	struct cw_ntp_daemon_state st;
	struct cw_error err;
	int configured = 0, asked = 0;
	size_t off = 0;

	cw_error_clear(&err);
	if (cw_ntp_files_resolve(cfg, &f, &err) == -1 ||
	    cw_ntp_conf_read(cfg, 0, &c, &configured, &err) == -1) {
		snprintf(buf, len, "%s", err.msg);
		return;
	}
	if (!configured) {
		snprintf(buf, len, "%s", _("not configured by certwiz (use Configure NTP)"));
		cw_ntp_config_release(&c);
		return;
	}
	if (f.daemon != CW_NTP_DAEMON_NONE &&
	    cw_ntp_daemon_query(cfg, &f, &c, &st, &err) == 0)
		asked = 1;
	buf[0] = '\0';
	for (int i = 0; i < CW_NTP_ROLE__MAX && off < len; i++) {
		const struct cw_ntp_server *s = &c.server[i];
		int n;

		if (s->host[0] == '\0')
			continue;
		if (s->auth == CW_NTP_AUTH_SYMKEY)
			/* TRANSLATORS: role, host, key ID, algorithm. */
			n = snprintf(buf + off, len - off, _("%s%s %s (key %u, %s)"),
			    off ? ", " : "", cw_ntp_role_label(i), s->host,
			    s->key_id, cw_ntp_alg_name(s->alg));
		else
			/* TRANSLATORS: role, host. */
			n = snprintf(buf + off, len - off, _("%s%s %s (no authentication)"),
			    off ? ", " : "", cw_ntp_role_label(i), s->host);
		if (n < 0)
			break;
		off += (size_t)n;
		if (asked && off < len && (n = daemon_words(&st, i, buf + off, len - off)) > 0)
			off += (size_t)n;
	}
	cw_ntp_config_release(&c);
}

/* A SHA-256 fingerprint as two halves of 32 hex digits: the row wraps at
 * the blank, so each half sits on a line of its own at 80 columns. */
static const char *
halves(const char fp[65], char buf[80])
{
	size_t n = strnlen(fp, 64);

	memcpy(buf, fp, n);
	buf[n] = '\0';
	if (n == 64) {
		memcpy(buf + 33, fp + 32, 32);
		buf[32] = ' ';
		buf[65] = '\0';
	}
	return buf;
}

struct row {
	const char *label;
	const char *value;
};

struct renew_arg {
	const struct cw_cfg *cfg;
	struct cw_job_renew_in in;
	struct cw_renew_result res;
};

static int
renew_work(void *arg, const struct cw_job_ops *ops, void *ctx,
    struct cw_error *err)
{
	struct renew_arg *a = arg;

	return cw_job_renew(a->cfg, &a->in, ops, ctx, &a->res, err);
}

/* "Renew now": the renewal job as a dry run first (nothing installed),
 * then, when the admin agrees, for real. */
static int
renew_now(const struct cw_cfg *cfg)
{
	const char *title = _("Renew now");
	struct renew_arg a = { cfg, { 1, 1 }, { 0 } };
	char text[512], when[160];
	int rc;

	rc = ui_run_with_gauge(title, renew_work, &a);
	if (rc != UW_OK)
		return rc == UW_QUIT ? UW_QUIT : 0;
	rc = uw_yesno(title, _("Dry run: the renewal works; nothing was installed.\n\nRenew the device certificate now? The current certificate is kept as device.crt.prev."), 0);
	if (rc != UW_OK)
		return rc == UW_QUIT ? UW_QUIT : 0;
	a.in.dry_run = 0;
	rc = ui_run_with_gauge(title, renew_work, &a);
	if (rc != UW_OK)
		return rc == UW_QUIT ? UW_QUIT : 0;
	/* TRANSLATORS: %s is a time (local / UTC). */
	snprintf(text, sizeof(text), _("The device certificate was renewed. The new one is valid until %s."),
	    both_times(a.res.not_after, when, sizeof(when)));
	return uw_msgbox(title, text) == UW_QUIT ? UW_QUIT : 0;
}

int
ui_status_run(const struct cw_cfg *cfg)
{
	struct cw_cert_status st;
	char nb[160], na[160], ra[160], days[96], state[128], ntp[600];
	char fp[80], afp[80], anchor[1200], last[CW_ERR_MSG_MAX + 64], next[160], t[32];
	char timer[CW_ERR_MSG_MAX + CW_ERR_DETAIL_MAX + 8];
	struct ui_text text = { 0 };
	struct cw_error err;
	struct row rows[20];
	size_t n = 0, w = 0;
	const char *advice = NULL;
	int rc;

	cw_error_clear(&err);
	if (cw_job_status(cfg, &st, &err) == -1)
		return ui_error(_("Certificate status"), &err);

	if (strcmp(cw_cert_state_words(st.state), cw_cert_state_name(st.state)) != 0)
		/* TRANSLATORS: state in words, then its name in `status --json`. */
		snprintf(state, sizeof(state), _("%s (%s)"), cw_cert_state_words(st.state),
		    cw_cert_state_name(st.state));
	else
		snprintf(state, sizeof(state), "%s", cw_cert_state_words(st.state));
	rows[n++] = (struct row){ _("State:"), state };
	if (st.have_cert) {
		if (st.days_left >= 0)
			/* TRANSLATORS: the value of "Days left:". */
			snprintf(days, sizeof(days), ngettext("%ld day",
			    "%ld days", (unsigned long)st.days_left), st.days_left);
		else
			snprintf(days, sizeof(days), ngettext("expired %ld day ago",
			    "expired %ld days ago", (unsigned long)-st.days_left),
			    -st.days_left);
		rows[n++] = (struct row){ _("Subject:"), st.subject };
		rows[n++] = (struct row){ _("Issuer:"), st.issuer };
		rows[n++] = (struct row){ _("Serial number:"), st.serial };
		rows[n++] = (struct row){ _("SHA-256 fingerprint:"), halves(st.fingerprint_sha256, fp) };
		rows[n++] = (struct row){ _("Not before:"), both_times(st.not_before, nb, sizeof(nb)) };
		rows[n++] = (struct row){ _("Not after:"), both_times(st.not_after, na, sizeof(na)) };
		rows[n++] = (struct row){ _("Days left:"), days };
		rows[n++] = (struct row){ _("Renewal date:"), both_times(st.renew_at, ra, sizeof(ra)) };
		if (st.key_type[0])
			rows[n++] = (struct row){ _("Key type:"), st.key_type };
	}
	if (st.anchor_subject[0])
		/* TRANSLATORS: trust anchor subject, then its file. */
		snprintf(anchor, sizeof(anchor), _("%s in %s"),
		    st.anchor_subject, cfg->trust_anchor);
	else
		snprintf(anchor, sizeof(anchor), _("%s (missing or unreadable)"),
		    cfg->trust_anchor);
	rows[n++] = (struct row){ _("Trust anchor:"), anchor };
	if (st.anchor_subject[0])
		rows[n++] = (struct row){ _("Anchor SHA-256:"),
		    halves(st.anchor_fingerprint_sha256, afp) };
	if (st.last_renewal_error[0]) {
		snprintf(last, sizeof(last), "%s: %s",
		    cw_cert_time_rfc3339(st.last_renewal_attempt, t, sizeof(t)),
		    st.last_renewal_error);
		rows[n++] = (struct row){ _("Last renewal error:"), last };
		if (st.next_renewal_attempt != 0)
			rows[n++] = (struct row){ _("Next renewal attempt:"),
			    both_times(st.next_renewal_attempt, next, sizeof(next)) };
	}
	if (cw_timer_describe(timer, sizeof(timer), both_times) != NULL)
		rows[n++] = (struct row){ _("Next timer run:"), timer };
	if (st.problem_text[0])
		rows[n++] = (struct row){ _("Problem:"), st.problem_text };
	ntp_line(cfg, ntp, sizeof(ntp));
	rows[n++] = (struct row){ _("NTP:"), ntp };

	for (size_t i = 0; i < n; i++)
		if (uw_text_width(rows[i].label) > w)
			w = uw_text_width(rows[i].label);
	for (size_t i = 0; i < n; i++)
		ui_text_row(&text, rows[i].label, w, rows[i].value);

	switch (st.state) {
	case CW_CERT_STATE_MISSING:
		advice = _("No device certificate is installed. Generate a one-time password in the support portal, then choose \"Install device certificate (OTP)\" in the main menu.");
		break;
	case CW_CERT_STATE_EXPIRED:
		advice = _("The certificate has expired and cannot renew itself. Generate a new one-time password in the support portal, then choose \"Install device certificate (OTP)\" in the main menu: it restores the certificate.");
		break;
	case CW_CERT_STATE_BROKEN:
		advice = _("The installed certificate cannot be used. \"Install device certificate (OTP)\" with a new one-time password restores it; the previous files are kept as .prev.");
		break;
	case CW_CERT_STATE_RENEWAL_FAILING:
		advice = _("Automatic renewal is failing; the timer retries it. \"Renew now\" below tries it at once.");
		break;
	case CW_CERT_STATE_RENEWAL_DUE:
		advice = _("The certificate renews itself with the next run of the renewal timer ('certwiz renew').");
		break;
	default:
		break;
	}
	if (advice != NULL)
		ui_text_add(&text, "\n%s\n", advice);
	if (st.state == CW_CERT_STATE_VALID || st.state == CW_CERT_STATE_RENEWAL_DUE ||
	    st.state == CW_CERT_STATE_RENEWAL_FAILING)
		/* TRANSLATORS: a button under the status: renew the certificate
		 * now (a dry run first). */
		rc = uw_textview_action(_("Certificate status"), ui_text_str(&text), _("Renew now"));
	else
		rc = uw_textview(_("Certificate status"), ui_text_str(&text));
	ui_text_release(&text);
	if (rc == UW_OK)
		rc = renew_now(cfg);
	return rc == UW_QUIT ? UW_QUIT : 0;
}
