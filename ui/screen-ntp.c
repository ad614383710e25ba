/* screen-ntp.c - Configure NTP, the vendor procedure's form: primary and
 * optional secondary server, per server authentication None or Symmetric
 * Key (key ID, algorithm, key masked).  OK validates (inline, then as a
 * whole), applies through the "ntp" flow with a gauge, and shows the
 * probe: offset, delay, stratum per server and whether enrollment may
 * proceed.  Every check and all work is the backend's (ntp.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/cfg.h"
#include "core/error.h"
#include "core/i18n.h"
#include "job/job.h"
#include "job/record.h"
#include "ntp/ntp-flow.h"
#include "ntp/ntp.h"
#include "core/secret.h"
#include "screens.h"
#include "widgets.h"

struct key_ctx {
	int have_current;	/* an empty key keeps the current one */
};

static int
v_host(const char *value, char *msg, size_t len, void *ctx)
{
	struct cw_error err;

	(void)ctx;
	if (value[0] == '\0')
		return 0;	/* required-ness is the form's job */
	if (cw_ntp_host_check(value, &err) == 0)
		return 0;
	snprintf(msg, len, "%s", err.msg);
	return -1;
}

static int
v_key_id(const char *value, char *msg, size_t len, void *ctx)
{
	struct cw_error err;
	unsigned id;

	(void)ctx;
	if (cw_ntp_key_id_parse(value, &id, &err) == 0)
		return 0;
	snprintf(msg, len, "%s", err.msg);
	return -1;
}

static int
v_key(const char *value, char *msg, size_t len, void *ctx)
{
	struct key_ctx *k = ctx;
	struct cw_secret *s = NULL;
	struct cw_error err;

	if (value[0] == '\0' && k->have_current)
		return 0;
	if (cw_ntp_key_parse(value, strlen(value), &s, &err) == 0) {
		cw_secret_free(s);
		return 0;
	}
	/* The parser's messages name no key byte. */
	snprintf(msg, len, "%s", err.msg);
	return -1;
}

/* Asks authentication, algorithm, key ID and key for one server.  The
 * key read into s->key; with cur (the current settings of this server,
 * same host) an empty key keeps the current key. */
static int
ask_auth(enum cw_ntp_role role, struct cw_ntp_server *s,
    const struct cw_ntp_server *cur)
{
	struct uw_item auth_items[] = {
		/* TRANSLATORS: "NTP authentication shortcut": the letters of
		 * None and Symmetric Key; one ASCII letter each, different. */
		{ cw_i18n_key(NC_("NTP authentication shortcut", "n")),
		  /* TRANSLATORS: NTP authentication type, as in the vendor UI. */
		  _("None"), _("The server's answers are not authenticated.") },
		{ cw_i18n_key(NC_("NTP authentication shortcut", "s")),
		  _("Symmetric Key"), _("A key shared with the server authenticates its answers.") },
	};
	struct uw_item alg_items[] = {
		{ 'm', "MD5", NULL },
		{ 's', "SHA1", NULL },
	};
	size_t auth_sel, alg_sel;
	int r;
	char title[256], text[512], key_id[16] = "";
	struct key_ctx kctx = { .have_current = cur != NULL && cur->key != NULL };
	struct cw_secret *key = NULL;

	/* TRANSLATORS: %s is "primary" or "secondary", then the host. */
	snprintf(title, sizeof(title), _("Authentication: %s server"), cw_ntp_role_label(role));
	snprintf(text, sizeof(text), _("How should certwiz and the time daemon authenticate '%s'?"), s->host);
	/* A menu, not a radio list: Enter takes the preselected entry. */
	auth_sel = s->auth == CW_NTP_AUTH_SYMKEY ? 1 : 0;
	if ((r = uw_menu(title, text, auth_items, 2, &auth_sel)) != UW_OK)
		return r;
	if (auth_sel == 0) {
		s->auth = CW_NTP_AUTH_NONE;
		cw_secret_free(s->key);
		s->key = NULL;
		return UW_OK;
	}
	alg_sel = s->alg == CW_NTP_ALG_SHA1 ? 1 : 0;
	/* TRANSLATORS: the question above the MD5/SHA1 choice. */
	if ((r = uw_menu(title, _("Algorithm"), alg_items, 2, &alg_sel)) != UW_OK)
		return r;
	if (s->key_id != 0)
		snprintf(key_id, sizeof(key_id), "%u", s->key_id);
	if ((key = cw_secret_new(CW_NTP_KEY_TEXT_MAX)) == NULL)
		return UW_ERROR;
	{
		struct uw_field f[] = {
			{ _("Key ID (1-65534)"), key_id, sizeof(key_id), NULL, 0, v_key_id, NULL },
			/* TRANSLATORS: form field: the NTP symmetric key itself. */
			{ _("Key"), NULL, 0, key,
			  UW_FIELD_MASKED | (kctx.have_current ? UW_FIELD_OPTIONAL : 0), v_key, &kctx },
		};

		snprintf(text, sizeof(text), "%s%s",
		    _("The key as the server has it: up to 20 characters, or HEX: and up to 40 hex digits; a SHA1 key may also be its 40 hex digits alone."),
		    kctx.have_current ? _(" Leave it empty to keep the current key.") : "");
		r = uw_form(title, text, f, 2);
	}
	if (r == UW_OK) {
		struct cw_error err;

		s->auth = CW_NTP_AUTH_SYMKEY;
		s->alg = alg_sel == 1 ? CW_NTP_ALG_SHA1 : CW_NTP_ALG_MD5;
		cw_ntp_key_id_parse(key_id, &s->key_id, &err);
		if (cw_secret_len(key) > 0) {
			cw_secret_free(s->key);
			s->key = NULL;
			if (cw_ntp_key_parse(cw_secret_data(key), cw_secret_len(key), &s->key, &err) == -1)
				r = UW_ERROR;	/* validated above: cannot happen */
		}
	}
	cw_secret_free(key);
	return r;
}

/* One block per server, its facts in rows aligned by display width. */
static int
show_results(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    const struct cw_ntp_result *res, int proven, const struct cw_error *err)
{
	const char *lab[] = { _("Address:"), _("Offset:"), _("Delay:"),
	    _("Stratum:"), _("Reference ID:"), _("Authenticated:"), _("Problem:") };
	struct ui_text t = { 0 };
	size_t w = 0;
	char v[64];
	int rc;

	for (size_t i = 0; i < sizeof(lab) / sizeof(lab[0]); i++)
		if (uw_text_width(lab[i]) > w)
			w = uw_text_width(lab[i]);
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		const struct cw_ntp_result *r = &res[i];
		int sample = r->status == CW_NTP_OK || r->status == CW_NTP_OFFSET;

		if (c->server[i].host[0] == '\0')
			continue;
		/* TRANSLATORS: %s is the server's name or address. */
		ui_text_add(&t, i == CW_NTP_PRIMARY ? _("Primary NTP server %s\n") :
		    _("Secondary NTP server %s\n"), c->server[i].host);
		if (r->sample.address[0])
			ui_text_row(&t, lab[0], w, r->sample.address);
		if (sample) {
			/* TRANSLATORS: milliseconds. */
			snprintf(v, sizeof(v), _("%+.3f ms"), r->sample.offset_ms);
			ui_text_row(&t, lab[1], w, v);
			snprintf(v, sizeof(v), _("%.3f ms"), r->sample.delay_ms);
			ui_text_row(&t, lab[2], w, v);
		}
		if (sample || r->answered) {
			snprintf(v, sizeof(v), "%d", r->sample.stratum);
			ui_text_row(&t, lab[3], w, v);
			ui_text_row(&t, lab[4], w, r->sample.refid);
			/* TRANSLATORS: the value of "Authenticated:". */
			ui_text_row(&t, lab[5], w, r->sample.authenticated ?
			    _("yes") : _("no"));
		}
		if (r->status != CW_NTP_OK)
			ui_text_row(&t, lab[6], w, r->err.msg);
		ui_text_add(&t, "\n");
	}
	if (proven)
		ui_text_add(&t, _("The time is proven: enrollment may proceed (clock offset within %d ms)."),
		    cfg->ntp_max_offset_ms);
	else
		ui_text_add(&t, _("The time is NOT proven, so enrollment cannot proceed yet: %s\n%s"),
		    err->msg, err->hint);
	rc = uw_textview(_("NTP result"), ui_text_str(&t));
	ui_text_release(&t);
	return rc == UW_QUIT ? UW_QUIT : 0;
}

static int
apply(const struct cw_cfg *cfg, struct cw_ntp_config *c)
{
	struct cw_job_ntp_out out;
	struct cw_error err;
	struct ui_job j = { .title = _("Applying the NTP settings") };
	int rc;

	cw_error_clear(&err);
	if ((j.gauge = uw_gauge_open(j.title)) == NULL)
		return UW_ERROR;
	uw_busy(1);
	rc = cw_job_ntp_set(cfg, c, &ui_job_ops, &j, &out, &err);
	uw_busy(0);
	uw_gauge_close(j.gauge);
	ui_text_release(&j.said);
	if (uw_quit_signal())
		return UW_QUIT;
	if (!out.applied)
		return ui_error(_("Configure NTP"), &err);
	if (rc == 0) {
		struct cw_error rerr;

		if (ui_recorded(_("Configure NTP"), cw_record_ntp(ui_recorder(), c, 1, &rerr), &rerr) == UW_QUIT)
			return UW_QUIT;
	}
	return show_results(cfg, c, out.res, rc == 0, &err);
}

int
ui_ntp_run(const struct cw_cfg *cfg)
{
	struct cw_ntp_config cur, c;
	struct cw_error err;
	char primary[CW_NTP_HOST_MAX + 1], secondary[CW_NTP_HOST_MAX + 1];
	int configured = 0, r = 0;

	cw_error_clear(&err);
	/* The current settings prefill the form; their keys (root only) let
	 * an unchanged key stay unchanged. */
	if (cw_ntp_conf_read(cfg, 1, &cur, &configured, &err) == -1 &&
	    cw_ntp_conf_read(cfg, 0, &cur, &configured, &err) == -1)
		cw_ntp_config_init(&cur);
	cw_ntp_config_init(&c);
	snprintf(primary, sizeof(primary), "%s", cur.server[CW_NTP_PRIMARY].host);
	snprintf(secondary, sizeof(secondary), "%s", cur.server[CW_NTP_SECONDARY].host);
	uw_help(_("An NTP server is required to validate the device certificate's dates: "
	    "enter the hostname or IP address of the primary NTP server and, optionally, "
	    "of a secondary one.  With Symmetric Key authentication, the key ID (1-65534), "
	    "the algorithm (MD5 or SHA1) and the key must match the server's.\n\n"
	    "OK writes the time daemon's configuration, reloads it and then asks the "
	    "servers for the time; a clock off by more than the allowed offset blocks "
	    "enrollment."));
	for (;;) {
		struct uw_field f[] = {
			{ _("Primary NTP server"), primary, sizeof(primary), NULL, 0, v_host, NULL },
			{ _("Secondary NTP server"), secondary, sizeof(secondary), NULL,
			  UW_FIELD_OPTIONAL, v_host, NULL },
		};

		r = uw_form(_("Configure NTP"), _("Enter the hostname or IP address of each NTP server."), f, 2);
		if (r != UW_OK)
			break;
		cw_ntp_config_release(&c);
		snprintf(c.server[CW_NTP_PRIMARY].host, sizeof(c.server[0].host), "%s", primary);
		snprintf(c.server[CW_NTP_SECONDARY].host, sizeof(c.server[1].host), "%s", secondary);
		for (int i = 0; i < CW_NTP_ROLE__MAX && r == UW_OK; i++) {
			const struct cw_ntp_server *old = &cur.server[i];
			struct cw_ntp_server *s = &c.server[i];

			if (s->host[0] == '\0')
				continue;
			/* Same role as before: start from its settings. */
			if (old->host[0] != '\0') {
				s->auth = old->auth;
				s->key_id = old->key_id;
				s->alg = old->alg;
			}
			/* An empty key keeps the current one: the job finds
			 * it by its key ID, also for a new server address. */
			r = ask_auth(i, s, old->auth == CW_NTP_AUTH_SYMKEY ? old : NULL);
		}
		if (r == UW_QUIT || r == UW_ERROR)
			break;
		if (r != UW_OK)
			continue;	/* back: the server form again */
		/* The job validates (and finds kept keys). */
		r = apply(cfg, &c);
		break;
	}
	cw_ntp_config_release(&c);
	cw_ntp_config_release(&cur);
	uw_help(NULL);
	return r == UW_QUIT ? UW_QUIT : 0;
}
