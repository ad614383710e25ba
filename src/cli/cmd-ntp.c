/* cmd-ntp.c - `certwiz ntp show [--json] | set ... | test [--json]`.
 * Keys come from files (ID:ALG:KEYFILE), never from argv, and are never
 * printed. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/i18n.h"
#include "core/log.h"
#include "ntp/ntp.h"
#include "core/textwidth.h"
#include "ntp/ntp-flow.h"

static int
usage_error(const char *fmt, const char *arg)
{
	struct cw_error err;

	cw_error_set(&err, CW_E_USAGE, fmt, arg);
	cw_error_hint(&err, _("Usage: certwiz ntp show [--json] | set --primary HOST [--primary-key ID:ALG:KEYFILE] [--secondary HOST] [--secondary-key ID:ALG:KEYFILE] | test [--json]"));
	return cw_cli_report(&err);
}

static int
print_json(json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);

	json_decref(j);
	if (text == NULL)
		return -1;
	printf("%s\n", text);
	free(text);
	return 0;
}

static const char *
auth_name(const struct cw_ntp_server *s)
{
	return s->auth == CW_NTP_AUTH_SYMKEY ? "symmetric_key" : "none";
}

/* ---- show */

/* The column the role labels take: the widest, by display width. */
static int
role_width(void)
{
	int w = 0;

	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		int n = cw_textwidth(cw_ntp_role_label(i));

		if (n > w)
			w = n;
	}
	return w + 2;	/* two blanks after the widest, as before */
}

/* What the daemon says about server i, as JSON. */
static json_t *
peer_json(const struct cw_ntp_daemon_state *st, int i)
{
	const struct cw_ntp_peer *p = &st->peer[i];
	json_t *o = json_object();

	json_object_set_new(o, "listed", json_boolean(p->listed));
	if (p->listed) {
		json_object_set_new(o, "address", json_string(p->address));
		json_object_set_new(o, "state", json_string(p->state));
		json_object_set_new(o, "selected", json_boolean(p->selected));
		json_object_set_new(o, "reach", json_integer(p->reach));
		if (p->key_id != 0)
			json_object_set_new(o, "key_id", json_integer(p->key_id));
		if (p->key_type[0] != '\0')
			json_object_set_new(o, "key_type", json_string(p->key_type));
		json_object_set_new(o, "authenticated", p->authenticated < 0 ?
		    json_null() : json_boolean(p->authenticated));
	}
	return o;
}

/* What the daemon says about server i, in words. */
static void
peer_text(const struct cw_ntp_daemon_state *st, int i, int role_w)
{
	const struct cw_ntp_peer *p = &st->peer[i];

	fputs("  ", stdout);
	cw_textwidth_pad(stdout, "", role_w);
	if (!p->listed) {
		/* TRANSLATORS: daemon name (chrony, ntpsec). */
		printf(_("%s: not in use by the daemon\n"), cw_ntp_daemon_name(st->daemon));
		return;
	}
	/* TRANSLATORS: daemon, its address, whether it syncs to it, reach
	 * register (octal), yes/no/unknown authenticated. */
	printf(_("%s: %s, %s, reach %03o, authenticated: %s\n"),
	    cw_ntp_daemon_name(st->daemon), p->address,
	    p->selected ? _("selected") : _("not selected"), p->reach,
	    p->authenticated > 0 ? _("yes") : p->authenticated == 0 ? _("no") :
	    _("unknown"));
}

static int
cmd_show(const struct cw_cfg *cfg, int json)
{
	struct cw_ntp_config c;
	struct cw_ntp_files f;
	struct cw_ntp_daemon_state st;
	struct cw_error err;
	int configured, rc = 0, role_w = role_width(), asked = 0;

	cw_error_clear(&err);
	if (cw_ntp_files_resolve(cfg, &f, &err) == -1 ||
	    cw_ntp_conf_read(cfg, 0, &c, &configured, &err) == -1)
		return cw_cli_report(&err);
	/* What the running daemon reports, not only what certwiz wrote. */
	if (configured && f.daemon != CW_NTP_DAEMON_NONE &&
	    cw_ntp_daemon_query(cfg, &f, &c, &st, &err) == 0)
		asked = 1;
	if (json) {
		json_t *j = json_object(), *servers = json_array();

		json_object_set_new(j, "configured", json_boolean(configured));
		json_object_set_new(j, "daemon", json_string(cw_ntp_daemon_name(f.daemon)));
		json_object_set_new(j, "daemon_conf", json_string(f.main_conf));
		json_object_set_new(j, "conf_file", json_string(f.conf_file));
		json_object_set_new(j, "keys_file", json_string(f.keys_file));
		json_object_set_new(j, "port", json_integer(cfg->ntp_port));
		if (asked)
			json_object_set_new(j, "daemon_answered", json_boolean(st.answered));
		for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
			const struct cw_ntp_server *s = &c.server[i];
			json_t *o;

			if (s->host[0] == '\0')
				continue;
			o = json_object();
			json_object_set_new(o, "role", json_string(cw_ntp_role_name(i)));
			json_object_set_new(o, "host", json_string(s->host));
			json_object_set_new(o, "auth", json_string(auth_name(s)));
			if (s->auth == CW_NTP_AUTH_SYMKEY) {
				json_object_set_new(o, "key_id", json_integer(s->key_id));
				json_object_set_new(o, "algorithm",
				    json_string(cw_ntp_alg_name(s->alg)));
			}
			if (asked && st.answered)
				json_object_set_new(o, "daemon", peer_json(&st, i));
			json_array_append_new(servers, o);
		}
		json_object_set_new(j, "servers", servers);
		rc = print_json(j) == 0 ? 0 : cw_error_exit_code(CW_E_NOMEM);
	} else if (!configured) {
		printf(_("certwiz has not configured NTP yet ('%s' does not exist).\n"),
		    f.conf_file);
		printf("%s\n", _("Set it with: certwiz ntp set --primary HOST"));
	} else {
		printf(_("NTP servers in '%s':\n"), f.conf_file);
		for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
			const struct cw_ntp_server *s = &c.server[i];

			if (s->host[0] == '\0')
				continue;
			fputs("  ", stdout);
			cw_textwidth_pad(stdout, cw_ntp_role_label(i), role_w);
			if (s->auth == CW_NTP_AUTH_SYMKEY)
				/* TRANSLATORS: after the role (primary/secondary):
				 * host, key ID, algorithm. */
				printf(_("%s  symmetric key, key ID %u, %s\n"),
				    s->host, s->key_id, cw_ntp_alg_name(s->alg));
			else
				/* TRANSLATORS: after the role (primary/secondary): host. */
				printf(_("%s  no authentication\n"), s->host);
			if (asked && st.answered)
				peer_text(&st, i, role_w);
		}
		if (cfg->ntp_port != 123)
			printf(_("  port %d\n"), cfg->ntp_port);
		if (asked && !st.answered)
			/* TRANSLATORS: daemon name, then what its tool said. */
			printf(_("The time daemon (%s) did not answer: %s\n"),
			    cw_ntp_daemon_name(f.daemon), st.said);
	}
	cw_ntp_config_release(&c);
	return rc;
}

/* ---- test and the probe report shared with set */

static json_t *
result_json(const struct cw_ntp_server *s, int role,
    const struct cw_ntp_result *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "role", json_string(cw_ntp_role_name(role)));
	json_object_set_new(o, "host", json_string(s->host));
	json_object_set_new(o, "auth", json_string(auth_name(s)));
	if (s->auth == CW_NTP_AUTH_SYMKEY) {
		json_object_set_new(o, "key_id", json_integer(s->key_id));
		json_object_set_new(o, "algorithm", json_string(cw_ntp_alg_name(s->alg)));
	}
	json_object_set_new(o, "status", json_string(cw_ntp_status_name(r->status)));
	if (r->sample.address[0] != '\0')
		json_object_set_new(o, "address", json_string(r->sample.address));
	if (r->answered || r->status == CW_NTP_OK || r->status == CW_NTP_OFFSET) {
		json_object_set_new(o, "stratum", json_integer(r->sample.stratum));
		json_object_set_new(o, "leap", json_integer(r->sample.leap));
		json_object_set_new(o, "refid", json_string(r->sample.refid));
		json_object_set_new(o, "authenticated", json_boolean(r->sample.authenticated));
	}
	if (r->status == CW_NTP_OK || r->status == CW_NTP_OFFSET) {
		json_object_set_new(o, "offset_ms", json_real(r->sample.offset_ms));
		json_object_set_new(o, "delay_ms", json_real(r->sample.delay_ms));
	}
	if (r->status != CW_NTP_OK) {
		json_t *e = json_object();

		json_object_set_new(e, "code", json_string(cw_error_code_name(r->err.code)));
		json_object_set_new(e, "message", json_string(r->err.msg));
		json_object_set_new(e, "detail", json_string(r->err.detail));
		json_object_set_new(e, "hint", json_string(r->err.hint));
		json_object_set_new(o, "error", e);
	}
	return o;
}

static void
report_results(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    const struct cw_ntp_result *res, int proven, int json)
{
	int role_w = role_width();

	if (json) {
		json_t *j = json_object(), *servers = json_array();

		json_object_set_new(j, "proven", json_boolean(proven));
		json_object_set_new(j, "max_offset_ms", json_integer(cfg->ntp_max_offset_ms));
		for (int i = 0; i < CW_NTP_ROLE__MAX; i++)
			if (c->server[i].host[0] != '\0')
				json_array_append_new(servers,
				    result_json(&c->server[i], i, &res[i]));
		json_object_set_new(j, "servers", servers);
		print_json(j);
		return;
	}
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		const struct cw_ntp_result *r = &res[i];

		if (c->server[i].host[0] == '\0')
			continue;
		if (r->status == CW_NTP_OK || r->status == CW_NTP_OFFSET) {
			cw_textwidth_pad(stdout, cw_ntp_role_label(i), role_w);
			/* TRANSLATORS: after the role (primary/secondary): host,
			 * address, offset ms, delay ms, stratum, reference ID. */
			printf(_("%s (%s): offset %+.3f ms, delay %.3f ms, stratum %d, reference %s"),
			    c->server[i].host,
			    r->sample.address, r->sample.offset_ms,
			    r->sample.delay_ms, r->sample.stratum, r->sample.refid);
			printf("%s\n", r->sample.authenticated ?
			    _(", authenticated") : _(", not authenticated"));
		}
		if (r->status != CW_NTP_OK) {
			cw_textwidth_pad(stdout, cw_ntp_role_label(i), role_w);
			printf("%s\n", r->err.msg);
		}
	}
	if (proven)
		printf("%s\n", _("The time is proven: enrollment may proceed."));
}

static int
cmd_test(const struct cw_cfg *cfg, int json)
{
	struct cw_ntp_config c;
	struct cw_job_ntp_out out;
	struct cw_cli_ctx ctx;
	struct cw_error err;
	int rc;

	cw_error_clear(&err);
	cw_cli_ctx_init(&ctx);
	rc = cw_job_ntp_test(cfg, &c, &cw_cli_ops, &ctx, &out, &err);
	if (out.applied)
		report_results(cfg, &c, out.res, rc == 0, json);
	cw_ntp_config_release(&c);
	return rc == 0 ? 0 : cw_cli_report(&err);
}

/* ---- set */

/* "ID:ALG:KEYFILE" into s; the key is read from KEYFILE ('-' = stdin). */
static int
parse_key_spec(const char *spec, struct cw_ntp_server *s, struct cw_error *err)
{
	const char *file;

	if (cw_ntp_key_spec_split(spec, &s->key_id, &s->alg, &file, err) == -1 ||
	    cw_ntp_key_read_file(file, &s->key, err) == -1)
		return -1;
	s->auth = CW_NTP_AUTH_SYMKEY;
	return 0;
}

/* The authentication (not the key: the job keeps it) of the current
 * settings for each role given without a key option. */
static int
keep_current(const struct cw_cfg *cfg, struct cw_ntp_config *c,
    const char *pkey, const char *skey, unsigned keep_id[], struct cw_error *err)
{
	struct cw_ntp_config cur;
	int configured = 0;

	if (cw_ntp_conf_read(cfg, 0, &cur, &configured, err) == -1)
		return -1;
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		struct cw_ntp_server *s = &c->server[i];

		if ((i == CW_NTP_PRIMARY ? pkey : skey) != NULL || s->host[0] == '\0' ||
		    cur.server[i].auth != CW_NTP_AUTH_SYMKEY)
			continue;
		s->auth = CW_NTP_AUTH_SYMKEY;
		s->key_id = keep_id[i] = cur.server[i].key_id;
		s->alg = cur.server[i].alg;
	}
	cw_ntp_config_release(&cur);
	return 0;
}

static int
cmd_set(const struct cw_cfg *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "primary", required_argument, NULL, 'p' },
		{ "primary-key", required_argument, NULL, 'P' },
		{ "secondary", required_argument, NULL, 's' },
		{ "secondary-key", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "keep-keys", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct cw_ntp_config c;
	struct cw_job_ntp_out out;
	struct cw_cli_ctx ctx;
	struct cw_error err;
	const char *pkey = NULL, *skey = NULL;
	unsigned keep_id[CW_NTP_ROLE__MAX] = { 0, 0 };
	int opt, json = 0, keep = 0, rc;

	cw_error_clear(&err);
	cw_ntp_config_init(&c);
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int role = (opt == 'p' || opt == 'P') ? CW_NTP_PRIMARY : CW_NTP_SECONDARY;

		switch (opt) {
		case 'p':
		case 's':
			if (strlen(optarg) > CW_NTP_HOST_MAX) {
				cw_ntp_host_check(optarg, &err);
				rc = cw_cli_report(&err);
				goto out;
			}
			snprintf(c.server[role].host, sizeof(c.server[role].host), "%s", optarg);
			break;
		case 'P':
			pkey = optarg;
			break;
		case 'S':
			skey = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'k':
			keep = 1;
			break;
		default:
			rc = usage_error(_("bad option for 'ntp set'"), NULL);
			goto out;
		}
	}
	if (optind < argc) {
		rc = usage_error(_("unexpected argument '%s'"), argv[optind]);
		goto out;
	}
	if (c.server[CW_NTP_PRIMARY].host[0] == '\0') {
		rc = usage_error(_("'ntp set' needs --primary HOST%s"), "");
		goto out;
	}
	if (skey != NULL && c.server[CW_NTP_SECONDARY].host[0] == '\0') {
		rc = usage_error(_("--secondary-key needs --secondary HOST%s"), "");
		goto out;
	}
	if ((pkey != NULL && parse_key_spec(pkey, &c.server[CW_NTP_PRIMARY], &err) == -1) ||
	    (skey != NULL && parse_key_spec(skey, &c.server[CW_NTP_SECONDARY], &err) == -1)) {
		rc = cw_cli_report(&err);
		goto out;
	}
	/* --keep-keys: a server given without a key keeps the authentication
	 * certwiz has for that role (the job finds the key by its ID). */
	if (keep && keep_current(cfg, &c, pkey, skey, keep_id, &err) == -1) {
		rc = cw_cli_report(&err);
		goto out;
	}
	cw_cli_ctx_init(&ctx);
	ctx.quiet = json;
	/* The journaled flow: validate, write, reload, probe (ntp-flow.c). */
	rc = cw_job_ntp_set(cfg, &c, &cw_cli_ops, &ctx, &out, &err);
	if (out.applied) {
		struct cw_ntp_files f;
		struct cw_error ferr;

		if (!json && cw_ntp_files_resolve(cfg, &f, &ferr) == 0) {
			if (f.daemon == CW_NTP_DAEMON_NONE)
				printf(_("Wrote '%s' and '%s', reloaded the time daemon.\n"),
				    f.conf_file, f.keys_file);
			else
				/* TRANSLATORS: snippet, keys file, daemon name. */
				printf(_("Wrote '%s' and '%s'; the time daemon (%s) uses the servers.\n"),
				    f.conf_file, f.keys_file, cw_ntp_daemon_name(f.daemon));
		}
		report_results(cfg, &c, out.res, rc == 0, json);
	}
	rc = rc == 0 ? 0 : cw_cli_report(&err);
out:
	cw_ntp_config_release(&c);
	return rc;
}

int
cw_cmd_ntp(const struct cw_cfg *cfg, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "show";
	int json = 0;

	if (strcmp(sub, "set") == 0)
		return cmd_set(cfg, argc - 1, argv + 1);
	if (strcmp(sub, "show") != 0 && strcmp(sub, "test") != 0)
		return usage_error(_("unknown 'ntp' command '%s'"), sub);
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else
			return usage_error(_("unexpected argument '%s'"), argv[i]);
	}
	return strcmp(sub, "show") == 0 ? cmd_show(cfg, json) : cmd_test(cfg, json);
}
