/* screen-ntp.c - Configure NTP, the seed's step 3: primary server,
 * optional secondary, per server the authentication type (None or Symmetric
 * Key) and for a key its ID (1-65534), algorithm (MD5/SHA1) and the key
 * itself (masked, straight into a struct cw_secret).  Every field is checked
 * inline with the backend's validators (ntp.h); OK runs the journaled
 * `ntp set` flow (validate, write, reload, probe) under the gauge and shows
 * what each server answered and whether enrollment may proceed.
 *
 *   servers form -> [per server: auth type -> key form] -> apply -> results
 *
 * The form is pre-filled from what certwiz configured (the key is never
 * read back: it must be entered again). */
#include "config.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "../src/cfg.h"
#include "../src/error.h"
#include "../src/i18n.h"
#include "../src/lock.h"
#include "../src/ntp-flow.h"
#include "../src/ntp.h"
#include "../src/secret.h"
#include "screens.h"
#include "widgets.h"

/* ---- inline validators: the backend decides, the message is its own */

static int
msg_of(const struct cw_error *err, char *msg, size_t len)
{
	snprintf(msg, len, "%s", err->msg);
	return -1;
}

static int
valid_host(const char *value, char *msg, size_t len, void *ctx)
{
	struct cw_error err;

	(void)ctx;
	cw_error_clear(&err);
	return cw_ntp_host_check(value, &err) == 0 ? 0 : msg_of(&err, msg, len);
}

static int
valid_key_id(const char *value, char *msg, size_t len, void *ctx)
{
	struct cw_error err;
	unsigned id;

	(void)ctx;
	cw_error_clear(&err);
	return cw_ntp_key_id_parse(value, &id, &err) == 0 ? 0 :
	    msg_of(&err, msg, len);
}

static int
valid_alg(const char *value, char *msg, size_t len, void *ctx)
{
	struct cw_error err;
	enum cw_ntp_alg alg;

	(void)ctx;
	cw_error_clear(&err);
	return cw_ntp_alg_parse(value, &alg, &err) == 0 ? 0 :
	    msg_of(&err, msg, len);
}

/* The key's messages name lengths and positions, never key bytes. */
static int
valid_key(const char *value, char *msg, size_t len, void *ctx)
{
	struct cw_secret *key = NULL;
	struct cw_error err;
	int rc;

	(void)ctx;
	cw_error_clear(&err);
	rc = cw_ntp_key_parse(value, strlen(value), &key, &err);
	cw_secret_free(key);
	return rc == 0 ? 0 : msg_of(&err, msg, len);
}

/* ---- what the admin typed, kept across a retry */

struct srv_in {
	char host[CW_NTP_HOST_MAX + 1];
	int symkey;
	char key_id[16];
	char alg[16];
};

static void
prefill(const struct cw_cfg *cfg, struct srv_in in[CW_NTP_ROLE__MAX])
{
	struct cw_ntp_config cur;
	struct cw_error err;
	int configured = 0;

	memset(in, 0, sizeof(*in) * CW_NTP_ROLE__MAX);
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++)
		snprintf(in[i].alg, sizeof(in[i].alg), "%s", cw_ntp_alg_name(CW_NTP_ALG_MD5));
	cw_error_clear(&err);
	/* Without keys: only host, key ID and algorithm come back. */
	if (cw_ntp_conf_read(cfg, 0, &cur, &configured, &err) == -1 || !configured) {
		cw_ntp_config_release(&cur);
		return;
	}
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		const struct cw_ntp_server *s = &cur.server[i];

		snprintf(in[i].host, sizeof(in[i].host), "%s", s->host);
		in[i].symkey = s->auth == CW_NTP_AUTH_SYMKEY;
		if (in[i].symkey) {
			snprintf(in[i].key_id, sizeof(in[i].key_id), "%u", s->key_id);
			snprintf(in[i].alg, sizeof(in[i].alg), "%s", cw_ntp_alg_name(s->alg));
		}
	}
	cw_ntp_config_release(&cur);
}

static int
ask_servers(struct srv_in in[CW_NTP_ROLE__MAX])
{
	struct uw_field f[2] = {
		{ .label = _("Primary NTP server"), .buf = in[CW_NTP_PRIMARY].host,
		  .cap = sizeof(in[0].host), .validate = valid_host },
		{ .label = _("Secondary NTP server"), .buf = in[CW_NTP_SECONDARY].host,
		  .cap = sizeof(in[0].host), .flags = UW_FIELD_OPTIONAL,
		  .validate = valid_host },
	};

	return uw_form(_("Configure NTP"),
	    _("The certificate is only as good as the clock that checks it. Enter the hostname or IP address of the primary NTP server and, optionally, of a secondary one."),
	    f, 2);
}

static int
ask_auth(int role, struct srv_in *in)
{
	const struct uw_item items[2] = {
		{ 'n', _("None"), _("No authentication of the time updates (default).") },
		{ 's', _("Symmetric Key"), _("The server and this appliance share a key (key ID, MD5 or SHA1).") },
	};
	int on[2] = { !in->symkey, in->symkey };
	char text[512];
	int rc;

	/* TRANSLATORS: role ("primary"/"secondary"), then the server. */
	snprintf(text, sizeof(text), _("Authentication type for the %s NTP server %s:"),
	    cw_ntp_role_label(role), in->host);
	rc = uw_checklist(_("Authentication type"), text, items, 2, on, 1);
	if (rc == UW_OK)
		in->symkey = on[1];
	return rc;
}

static int
ask_key(int role, struct srv_in *in, struct cw_secret *key)
{
	struct uw_field f[3] = {
		/* TRANSLATORS: form labels; keep them short. */
		{ .label = _("Key ID"), .buf = in->key_id, .cap = sizeof(in->key_id),
		  .validate = valid_key_id },
		{ .label = _("Algorithm"), .buf = in->alg, .cap = sizeof(in->alg),
		  .validate = valid_alg },
		{ .label = _("Key"), .secret = key, .flags = UW_FIELD_MASKED,
		  .validate = valid_key },
	};
	char text[768];

	/* TRANSLATORS: role, server. */
	snprintf(text, sizeof(text), _("Symmetric key for the %s NTP server %s. Key ID: 1-65534. Algorithm: MD5 or SHA1. Key: up to 20 characters, or HEX: and up to 40 hex digits; it is written only to the keys file (mode 0600)."),
	    cw_ntp_role_label(role), in->host);
	return uw_form(_("Symmetric Key"), text, f, 3);
}

/* Everything typed into c (keys parsed into new secrets owned by c). */
static int
build(const struct srv_in in[CW_NTP_ROLE__MAX],
    struct cw_secret *const keys[CW_NTP_ROLE__MAX], struct cw_ntp_config *c,
    struct cw_error *err)
{
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		struct cw_ntp_server *s = &c->server[i];

		memcpy(s->host, in[i].host, sizeof(s->host));
		if (in[i].host[0] == '\0' || !in[i].symkey)
			continue;
		s->auth = CW_NTP_AUTH_SYMKEY;
		if (cw_ntp_key_id_parse(in[i].key_id, &s->key_id, err) == -1 ||
		    cw_ntp_alg_parse(in[i].alg, &s->alg, err) == -1 ||
		    cw_ntp_key_parse(cw_secret_data(keys[i]), cw_secret_len(keys[i]),
		    &s->key, err) == -1)
			return -1;
	}
	return cw_ntp_config_validate(c, err);
}

/* ---- apply under the gauge */

struct apply {
	const struct cw_cfg *cfg;
	const struct cw_ntp_config *c;
	struct cw_ntp_result res[CW_NTP_ROLE__MAX];
	int applied;
	int proven;
	struct cw_error err;	/* why the time is not proven */
};

static int
apply_work(void *arg, cw_flow_progress_fn *progress, void *ctx,
    struct cw_error *err)
{
	struct apply *a = arg;
	struct cw_lock *lock = NULL;
	int rc;

	if (cw_lock_acquire(a->cfg->state_dir, &lock, err) == -1)
		return -1;
	rc = cw_ntp_set_run(a->cfg, a->c, progress, ctx, a->res, &a->applied, err);
	cw_lock_release(lock);
	a->proven = rc == 0;
	if (rc == -1)
		a->err = *err;
	return rc;
}

static void
report(const struct apply *a, struct ui_text *t)
{
	const char *lab[] = { _("Address:"), _("Offset:"), _("Delay:"),
	    _("Stratum:"), _("Reference ID:"), _("Authenticated:"), _("Problem:") };
	size_t w = 0;
	char v[64];

	for (size_t i = 0; i < sizeof(lab) / sizeof(lab[0]); i++)
		if (uw_text_width(lab[i]) > w)
			w = uw_text_width(lab[i]);
	ui_text_add(t, _("Wrote '%s' and '%s' and reloaded the time daemon.\n"),
	    a->cfg->ntp_conf_file, a->cfg->ntp_keys_file);
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		const struct cw_ntp_server *s = &a->c->server[i];
		const struct cw_ntp_result *r = &a->res[i];

		if (s->host[0] == '\0')
			continue;
		/* TRANSLATORS: %s is the server's name or address. */
		ui_text_add(t, i == CW_NTP_PRIMARY ? _("\nPrimary NTP server %s\n") :
		    _("\nSecondary NTP server %s\n"), s->host);
		if (r->sample.address[0])
			ui_text_row(t, lab[0], w, r->sample.address);
		if (r->status == CW_NTP_OK || r->status == CW_NTP_OFFSET) {
			/* TRANSLATORS: milliseconds. */
			snprintf(v, sizeof(v), _("%+.3f ms"), r->sample.offset_ms);
			ui_text_row(t, lab[1], w, v);
			snprintf(v, sizeof(v), _("%.3f ms"), r->sample.delay_ms);
			ui_text_row(t, lab[2], w, v);
		}
		if (r->answered || r->status == CW_NTP_OK || r->status == CW_NTP_OFFSET) {
			snprintf(v, sizeof(v), "%d", r->sample.stratum);
			ui_text_row(t, lab[3], w, v);
			ui_text_row(t, lab[4], w, r->sample.refid);
			ui_text_row(t, lab[5], w, r->sample.authenticated ?
			    _("yes") : _("no"));
		}
		if (r->status != CW_NTP_OK)
			ui_text_row(t, lab[6], w, r->err.msg);
	}
	ui_text_add(t, "\n");
	if (a->proven)
		ui_text_add(t, _("The time is proven (offset within %d ms): enrollment may proceed.\n"),
		    a->cfg->ntp_max_offset_ms);
	else {
		char e[CW_ERR_MSG_MAX + CW_ERR_DETAIL_MAX + CW_ERR_HINT_MAX + 8];

		ui_text_add(t, _("The time is NOT proven: enrollment cannot proceed until it is.\n%s\n"),
		    cw_error_format(&a->err, e, sizeof(e)));
	}
}

int
ui_ntp_run(const struct cw_cfg *cfg)
{
	const char *title = _("Configure NTP");
	struct srv_in in[CW_NTP_ROLE__MAX];
	struct cw_secret *keys[CW_NTP_ROLE__MAX] = { NULL, NULL };
	struct cw_ntp_config c;
	struct apply *a = NULL;
	struct ui_text text = { 0 };
	struct cw_error err;
	int rc = 0;

	cw_ntp_config_init(&c);
	prefill(cfg, in);
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++)
		if ((keys[i] = cw_secret_new(CW_NTP_KEY_TEXT_MAX * 4)) == NULL)
			goto out;
	for (;;) {
		cw_error_clear(&err);
		cw_ntp_config_release(&c);
		if ((rc = ask_servers(in)) != UW_OK)
			goto out;
		for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
			cw_secret_clear(keys[i]);
			if (in[i].host[0] == '\0')
				continue;
			if ((rc = ask_auth(i, &in[i])) != UW_OK)
				break;
			if (in[i].symkey && (rc = ask_key(i, &in[i], keys[i])) != UW_OK)
				break;
		}
		if (rc == UW_QUIT)
			goto out;
		if (rc != UW_OK)
			continue;	/* Back: to the servers again */
		if (build(in, keys, &c, &err) == 0)
			break;
		/* Settings valid one by one but not together (same server
		 * twice, one key ID with two keys): say so, ask again. */
		if ((rc = ui_error(title, &err)) == UW_QUIT)
			goto out;
	}
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++)
		cw_secret_clear(keys[i]);

	if ((a = calloc(1, sizeof(*a))) == NULL)
		goto out;
	a->cfg = cfg;
	a->c = &c;
	cw_error_clear(&a->err);
	rc = ui_run_with_gauge(title, apply_work, a);
	if (rc == UW_QUIT || !a->applied)
		goto out;
	report(a, &text);
	rc = uw_textview(title, ui_text_str(&text));
out:
	ui_text_release(&text);
	free(a);
	cw_ntp_config_release(&c);
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++)
		cw_secret_free(keys[i]);
	return rc == UW_QUIT ? UW_QUIT : 0;
}
