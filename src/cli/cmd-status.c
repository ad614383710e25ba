/* cmd-status.c - `certwiz status [--json]` (also `certwiz cert show`): the
 * installed certificate's facts and state.  The exit code is the state
 * (certwiz.1): 0 valid, 20 renewal_due, 21 renewal_failing, 22 expired,
 * 23 broken, 24 missing. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "pki/cert.h"
#include "cli/cli.h"
#include "core/i18n.h"
#include "core/textwidth.h"
#include "pki/timer.h"

/* The human words for each state. */
static json_t *
time_or_null(int have, time_t t)
{
	char buf[32];

	return have ? json_string(cw_cert_time_rfc3339(t, buf, sizeof(buf))) : json_null();
}

static json_t *
str_or_null(int have, const char *s)
{
	return have && s[0] != '\0' ? json_string(s) : json_null();
}

static int
print_json(const struct cw_cert_status *st)
{
	int h = st->have_cert;
	json_t *o = json_object();
	int rc = -1;

	if (o == NULL ||
	    json_object_set_new(o, "state", json_string(cw_cert_state_name(st->state))) == -1 ||
	    json_object_set_new(o, "subject", str_or_null(h, st->subject)) == -1 ||
	    json_object_set_new(o, "issuer", str_or_null(h, st->issuer)) == -1 ||
	    json_object_set_new(o, "serial", str_or_null(h, st->serial)) == -1 ||
	    json_object_set_new(o, "fingerprint_sha256", str_or_null(h, st->fingerprint_sha256)) == -1 ||
	    json_object_set_new(o, "not_before", time_or_null(h, st->not_before)) == -1 ||
	    json_object_set_new(o, "not_after", time_or_null(h, st->not_after)) == -1 ||
	    json_object_set_new(o, "days_left", h ? json_integer(st->days_left) : json_null()) == -1 ||
	    json_object_set_new(o, "renew_at", time_or_null(h, st->renew_at)) == -1 ||
	    json_object_set_new(o, "key_type", str_or_null(h, st->key_type)) == -1 ||
	    json_object_set_new(o, "last_renewal_error", str_or_null(1, st->last_renewal_error)) == -1)
		goto out;
	if (json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == -1)
		goto out;
	fputc('\n', stdout);
	rc = 0;
out:
	json_decref(o);
	return rc;
}

/* "Mo 23 Nov 2026 18:00:00 CET (2026-11-23T17:00:00Z)": the locale's date
 * and time, then UTC. */
static const char *
both_times(time_t t, char *buf, size_t len)
{
	char local[96], utc[32];

	snprintf(buf, len, "%s (%s)", cw_i18n_local_time(t, local, sizeof(local)),
	    cw_cert_time_rfc3339(t, utc, sizeof(utc)));
	return buf;
}

struct row {
	const char *label;
	const char *value;
};

static void
print_human(const struct cw_cfg *cfg, const struct cw_cert_status *st)
{
	char nb[160], na[160], ra[160], days[96], last[CW_ERR_MSG_MAX + 160], next[160];
	char anchor[1200], timer[CW_ERR_MSG_MAX + CW_ERR_DETAIL_MAX + 8];
	struct row rows[16];
	size_t n = 0;
	int w = 0;

	/* TRANSLATORS: %s is a state such as "valid" or "renewal due". */
	printf(_("Device certificate: %s\n"), cw_cert_state_words(st->state));
	if (st->have_cert) {
		if (st->days_left >= 0)
			snprintf(days, sizeof(days), ngettext("%ld day left", "%ld days left",
			    (unsigned long)st->days_left), st->days_left);
		else
			snprintf(days, sizeof(days), ngettext("expired %ld day ago",
			    "expired %ld days ago", (unsigned long)-st->days_left), -st->days_left);
		rows[n++] = (struct row){ _("Subject:"), st->subject };
		rows[n++] = (struct row){ _("Issuer:"), st->issuer };
		rows[n++] = (struct row){ _("Serial number:"), st->serial };
		rows[n++] = (struct row){ _("SHA-256 fingerprint:"), st->fingerprint_sha256 };
		rows[n++] = (struct row){ _("Not before:"), both_times(st->not_before, nb, sizeof(nb)) };
		rows[n++] = (struct row){ _("Not after:"), both_times(st->not_after, na, sizeof(na)) };
		rows[n++] = (struct row){ _("Validity:"), days };
		rows[n++] = (struct row){ _("Renewal date:"), both_times(st->renew_at, ra, sizeof(ra)) };
		if (st->key_type[0])
			rows[n++] = (struct row){ _("Key type:"), st->key_type };
	}
	if (st->anchor_subject[0])
		/* TRANSLATORS: trust anchor subject, SHA-256 fingerprint, file. */
		snprintf(anchor, sizeof(anchor), _("%s (SHA-256 %s) in %s"),
		    st->anchor_subject, st->anchor_fingerprint_sha256, cfg->trust_anchor);
	else
		snprintf(anchor, sizeof(anchor), _("%s (missing or unreadable)"), cfg->trust_anchor);
	rows[n++] = (struct row){ _("Trust anchor:"), anchor };
	if (st->last_renewal_error[0]) {
		char t[32];
		snprintf(last, sizeof(last), "%s: %s",
		    cw_cert_time_rfc3339(st->last_renewal_attempt, t, sizeof(t)),
		    st->last_renewal_error);
		rows[n++] = (struct row){ _("Last renewal attempt:"), last };
		if (st->next_renewal_attempt != 0)
			rows[n++] = (struct row){ _("Next renewal attempt:"),
			    both_times(st->next_renewal_attempt, next, sizeof(next)) };
	}
	if (cw_timer_describe(timer, sizeof(timer), both_times) != NULL)
		rows[n++] = (struct row){ _("Next timer run:"), timer };
	if (st->problem_text[0])
		rows[n++] = (struct row){ _("Problem:"), st->problem_text };
	for (size_t i = 0; i < n; i++)
		if (cw_textwidth(rows[i].label) > w)
			w = cw_textwidth(rows[i].label);
	for (size_t i = 0; i < n; i++) {
		fputs("  ", stdout);
		cw_textwidth_pad(stdout, rows[i].label, w + 1);
		printf("%s\n", rows[i].value);
	}

	switch (st->state) {
	case CW_CERT_STATE_MISSING:
		printf("%s\n", _("No device certificate is installed. Generate a one-time password in the support portal and run 'certwiz cert fetch'."));
		break;
	case CW_CERT_STATE_EXPIRED:
		printf("%s\n", _("The certificate has expired and cannot renew itself. Generate a new one-time password in the support portal and run 'certwiz cert fetch'."));
		break;
	case CW_CERT_STATE_BROKEN:
		printf("%s\n", _("The installed certificate cannot be used. Enroll again with a new one-time password ('certwiz cert fetch'); the previous files are kept as .prev."));
		break;
	case CW_CERT_STATE_RENEWAL_FAILING:
		printf("%s\n", _("Automatic renewal is failing; it is retried by the timer. Run 'certwiz renew' to try now."));
		break;
	default:
		break;
	}
}

int
cw_cmd_status(const struct cw_cfg *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct cw_cert_status st;
	struct cw_error err;
	int c, json = 0;

	cw_error_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j') {
			fprintf(stderr, _("Usage: certwiz %s [--json]\n"), argv[0]);
			return 2;
		}
		json = 1;
	}
	if (optind < argc) {
		fprintf(stderr, _("Usage: certwiz %s [--json]\n"), argv[0]);
		return 2;
	}
	if (cw_cert_status_read(cfg, time(NULL), &st, &err) == -1)
		return cw_cli_report(&err);
	if (json) {
		if (print_json(&st) == -1) {
			cw_error_set(&err, CW_E_NOMEM, _("cannot write the JSON output"));
			return cw_cli_report(&err);
		}
	} else
		print_human(cfg, &st);
	return cw_cert_state_exit_code(st.state);
}
