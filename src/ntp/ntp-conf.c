/* ntp-conf.c - the chrony files certwiz owns: the conf.d snippet with the
 * server lines, the keys file (0600) in chrony's keyfile syntax
 * ("ID TYPE HEX:KEY"), reading them back, installing them atomically and
 * the reload that puts the previous files back when the daemon refuses. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "core/fileio.h"
#include "core/i18n.h"
#include "ntp/ntp.h"
#include "core/proc.h"

#define SNIPPET_MAX	8192
#define KEYS_FILE_MAX	4096

static const char snippet_header[] =
    "# Written by certwiz ('certwiz ntp set'); edits are overwritten.\n";

static int
ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

int
cw_ntp_conf_render(const struct cw_ntp_config *c, int port,
    const char *conf_file, const char *keys_file, char **out,
    struct cw_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int any_key = 0;

	*out = NULL;
	if ((f = open_memstream(&buf, &len)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	fputs(snippet_header, f);
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++)
		if (c->server[i].host[0] != '\0' &&
		    c->server[i].auth == CW_NTP_AUTH_SYMKEY)
			any_key = 1;
	/* A chrony .sources file may hold source lines only: there the
	 * admin points chrony's own keyfile directive at keys_file. */
	if (any_key && !ends_with(conf_file, ".sources"))
		fprintf(f, "keyfile %s\n", keys_file);
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		const struct cw_ntp_server *s = &c->server[i];

		if (s->host[0] == '\0')
			continue;
		fprintf(f, "server %s", s->host);
		if (port != 123)
			fprintf(f, " port %d", port);
		if (s->auth == CW_NTP_AUTH_SYMKEY)
			fprintf(f, " key %u", s->key_id);
		fputs(" iburst\n", f);
	}
	if (fclose(f) != 0) {
		free(buf);
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	*out = buf;
	return 0;
}

static int
secret_puts(struct cw_secret *s, const char *str, struct cw_error *err)
{
	return cw_secret_append(s, str, strlen(str), err);
}

int
cw_ntp_keys_render(const struct cw_ntp_config *c, struct cw_secret **out,
    struct cw_error *err)
{
	static const char hex[] = "0123456789abcdef";
	struct cw_secret *s = NULL;
	char line[64];
	int rc = -1;

	*out = NULL;
	if ((s = cw_secret_new(KEYS_FILE_MAX)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	if (secret_puts(s, "# Written by certwiz ('certwiz ntp set'); edits are overwritten.\n", err) == -1)
		goto out;
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		const struct cw_ntp_server *v = &c->server[i];
		const unsigned char *k;
		char pair[2];

		if (v->host[0] == '\0' || v->auth != CW_NTP_AUTH_SYMKEY)
			continue;
		/* A key shared by both servers (validated equal) once. */
		if (i == CW_NTP_SECONDARY &&
		    c->server[CW_NTP_PRIMARY].auth == CW_NTP_AUTH_SYMKEY &&
		    c->server[CW_NTP_PRIMARY].key_id == v->key_id)
			continue;
		/* HEX always: any key byte survives chrony's tokenizer. */
		snprintf(line, sizeof(line), "%u %s HEX:", v->key_id,
		    cw_ntp_alg_name(v->alg));
		if (secret_puts(s, line, err) == -1)
			goto out;
		k = (const unsigned char *)cw_secret_data(v->key);
		for (size_t j = 0; j < cw_secret_len(v->key); j++) {
			pair[0] = hex[k[j] >> 4];
			pair[1] = hex[k[j] & 15];
			if (cw_secret_append(s, pair, 2, err) == -1)
				goto out;
		}
		OPENSSL_cleanse(pair, sizeof(pair));
		if (secret_puts(s, "\n", err) == -1)
			goto out;
	}
	*out = s;
	s = NULL;
	rc = 0;
out:
	cw_secret_free(s);
	return rc;
}

int
cw_ntp_conf_write(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    struct cw_error *err)
{
	struct cw_secret *keys = NULL;
	char *snippet = NULL, dir[4096];
	const char *paths[2] = { cfg->ntp_keys_file, cfg->ntp_conf_file };
	int rc = -1;

	if (cw_ntp_conf_render(c, cfg->ntp_port, cfg->ntp_conf_file,
	    cfg->ntp_keys_file, &snippet, err) == -1 ||
	    cw_ntp_keys_render(c, &keys, err) == -1)
		goto out;
	for (int i = 0; i < 2; i++) {
		const char *slash = strrchr(paths[i], '/');

		if (slash == NULL || slash == paths[i])
			continue;
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - paths[i]), paths[i]);
		if (cw_file_mkdirs(dir, 0755, err) == -1)
			goto out;
	}
	/* Keys first: the snippet must never name a key the daemon lacks. */
	if (cw_file_install(cfg->ntp_keys_file, cw_secret_data(keys),
	    cw_secret_len(keys), 0600, CW_FILE_KEEP_PREV, err) == -1)
		goto out;
	if (cw_file_install(cfg->ntp_conf_file, snippet, strlen(snippet), 0644,
	    CW_FILE_KEEP_PREV, err) == -1) {
		struct cw_error ignored;

		cw_file_restore_prev(cfg->ntp_keys_file, &ignored);
		cw_error_hint(err, _("The NTP configuration was not changed."));
		goto out;
	}
	rc = 0;
out:
	cw_secret_free(keys);
	free(snippet);
	return rc;
}

int
cw_ntp_conf_restore(const struct cw_cfg *cfg, struct cw_error *err)
{
	int rc = 0;

	if (cw_file_restore_prev(cfg->ntp_conf_file, err) == -1)
		rc = -1;
	if (cw_file_restore_prev(cfg->ntp_keys_file, rc == 0 ? err : NULL) == -1)
		rc = -1;
	return rc;
}

int
cw_ntp_reload(const struct cw_cfg *cfg, struct cw_log *log,
    struct cw_error *err)
{
	struct cw_proc_result res;
	struct cw_error rerr;
	const char *cmd = cfg->ntp_reload_command;

	if (cmd == NULL || cmd[0] == '\0') {
		cw_log_msg(log, CW_LOG_INFO, "no reload_command configured: time daemon not reloaded");
		return 0;
	}
	cw_error_clear(&rerr);
	if (cw_proc_run(cmd, cfg->commands_timeout_s * 1000, &res, &rerr) == 0 &&
	    res.output_len > 0)
		cw_log_msg(log, CW_LOG_INFO, "reload_command output:\n%s%s",
		    res.output, res.truncated ? "\n[...]" : "");
	if (rerr.code == CW_E_OK && res.exit_code == 0 && !res.timed_out) {
		cw_log_msg(log, CW_LOG_INFO, "time daemon reloaded: %s", cmd);
		return 0;
	}
	if (rerr.code != CW_E_OK) {
		cw_error_set(err, CW_E_STATE,
		    _("the time daemon reload '%s' could not be started"), cmd);
		cw_error_detail(err, "%s", rerr.msg);
	} else {
		if (res.timed_out)
			cw_error_set(err, CW_E_STATE,
			    _("the time daemon reload '%s' did not finish within %d seconds"),
			    cmd, cfg->commands_timeout_s);
		else
			cw_error_set(err, CW_E_STATE,
			    _("the time daemon reload '%s' failed with exit code %d"),
			    cmd, res.exit_code);
		/* The command's own words, e.g. chronyc's complaint. */
		cw_error_detail(err, "%.*s", (int)strcspn(res.output, "\n"), res.output);
	}
	cw_log_msg(log, CW_LOG_ERROR, "time daemon reload failed: %s", cmd);
	cw_error_clear(&rerr);
	if (cw_ntp_conf_restore(cfg, &rerr) == -1) {
		cw_error_hint(err, _("The previous NTP configuration could NOT be restored (%s): check '%s' and '%s' by hand."),
		    rerr.msg, cfg->ntp_conf_file, cfg->ntp_keys_file);
		cw_log_msg(log, CW_LOG_ERROR, "restoring the previous NTP files failed: %s", rerr.msg);
		return -1;
	}
	cw_log_msg(log, CW_LOG_INFO, "previous NTP files restored");
	/* Reload the restored files so the daemon runs what is on disk. */
	cw_proc_run(cmd, cfg->commands_timeout_s * 1000, &res, NULL);
	cw_error_hint(err, _("The previous NTP configuration was restored. Check the reload command ([ntp] reload_command) and the time daemon, then try again."));
	return -1;
}

/* ---- reading back */

static int
conf_error(struct cw_error *err, const char *path, int lineno, const char *what)
{
	cw_error_set(err, CW_E_CONFIG, _("'%s' line %d: %s"), path, lineno, what);
	return cw_error_hint(err, _("This file is certwiz's own: write it again with 'certwiz ntp set'."));
}

/* One `server HOST [port P] [key N] [iburst]` line into s. */
static int
parse_server(char *line, const char *path, int lineno,
    struct cw_ntp_server *s, struct cw_error *err)
{
	char *save = NULL, *tok, *arg;
	unsigned id;

	strtok_r(line, " \t", &save);		/* "server" */
	if ((tok = strtok_r(NULL, " \t", &save)) == NULL ||
	    strlen(tok) > CW_NTP_HOST_MAX)
		return conf_error(err, path, lineno, _("a server line without a valid host"));
	snprintf(s->host, sizeof(s->host), "%s", tok);
	while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
		if (strcmp(tok, "iburst") == 0)
			continue;
		arg = strtok_r(NULL, " \t", &save);
		if (strcmp(tok, "port") == 0 && arg != NULL)
			continue;	/* the port is [ntp] port */
		if (strcmp(tok, "key") == 0 && arg != NULL &&
		    cw_ntp_key_id_parse(arg, &id, NULL) == 0) {
			s->auth = CW_NTP_AUTH_SYMKEY;
			s->key_id = id;
			continue;
		}
		return conf_error(err, path, lineno, _("a server option certwiz does not write"));
	}
	return 0;
}

/* Attaches algorithm (and key, with with_keys) from the keys file. */
static int
read_keys(const struct cw_cfg *cfg, int with_keys, struct cw_ntp_config *c,
    struct cw_error *err)
{
	struct cw_secret *file = NULL, *key = NULL;
	const char *path = cfg->ntp_keys_file, *p, *eol;
	char idbuf[16], typebuf[16];
	int lineno = 0, rc = -1;

	if (cw_secret_read_file(path, KEYS_FILE_MAX, 0, &file, err) == -1)
		goto out;
	for (p = cw_secret_data(file); *p != '\0'; p = *eol ? eol + 1 : eol) {
		const char *f[3];
		size_t fl[3];
		int nf = 0;
		unsigned id;
		enum cw_ntp_alg alg = CW_NTP_ALG_MD5;

		lineno++;
		eol = p + strcspn(p, "\n");
		/* Split into at most three blank-separated fields in place. */
		for (const char *q = p; q < eol && nf < 3;) {
			while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
				q++;
			if (q == eol)
				break;
			f[nf] = q;
			while (q < eol && *q != ' ' && *q != '\t' && *q != '\r')
				q++;
			fl[nf] = (size_t)(q - f[nf]);
			nf++;
		}
		if (nf == 0 || f[0][0] == '#')
			continue;
		if (nf < 2 || fl[0] >= sizeof(idbuf)) {
			conf_error(err, path, lineno, _("not a key line"));
			goto out;
		}
		snprintf(idbuf, sizeof(idbuf), "%.*s", (int)fl[0], f[0]);
		if (cw_ntp_key_id_parse(idbuf, &id, NULL) == -1) {
			conf_error(err, path, lineno, _("a key ID out of range"));
			goto out;
		}
		if (nf == 3) {
			snprintf(typebuf, sizeof(typebuf), "%.*s",
			    fl[1] < sizeof(typebuf) ? (int)fl[1] : 0, f[1]);
			if (cw_ntp_alg_parse(typebuf, &alg, NULL) == -1) {
				conf_error(err, path, lineno, _("a key type other than MD5 or SHA1"));
				goto out;
			}
		}
		for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
			struct cw_ntp_server *s = &c->server[i];

			if (s->host[0] == '\0' || s->auth != CW_NTP_AUTH_SYMKEY ||
			    s->key_id != id || s->key != NULL)
				continue;
			s->alg = alg;
			if (!with_keys)
				continue;
			if (cw_ntp_key_parse(f[nf - 1], fl[nf - 1], &key, err) == -1) {
				/* The parser's message names no key byte. */
				cw_error_hint(err, _("Fix the key in '%s' line %d, or write it again with 'certwiz ntp set'."),
				    path, lineno);
				goto out;
			}
			s->key = key;
			key = NULL;
		}
	}
	for (int i = 0; with_keys && i < CW_NTP_ROLE__MAX; i++) {
		const struct cw_ntp_server *s = &c->server[i];

		if (s->host[0] != '\0' && s->auth == CW_NTP_AUTH_SYMKEY &&
		    s->key == NULL) {
			cw_error_set(err, CW_E_CONFIG,
			    _("key ID %u of the %s NTP server '%s' is not in '%s'"),
			    s->key_id, cw_ntp_role_label(i), s->host, path);
			cw_error_hint(err, _("Write the configuration again with 'certwiz ntp set'."));
			goto out;
		}
	}
	rc = 0;
out:
	cw_secret_free(key);
	cw_secret_free(file);
	return rc;
}

int
cw_ntp_conf_read(const struct cw_cfg *cfg, int with_keys,
    struct cw_ntp_config *c, int *configured, struct cw_error *err)
{
	char *text = NULL, *line, *save = NULL;
	size_t len, n = 0;
	int lineno = 0, any_key = 0, rc = -1;
	FILE *probe;

	cw_ntp_config_init(c);
	*configured = 0;
	if ((probe = fopen(cfg->ntp_conf_file, "re")) == NULL && errno == ENOENT)
		return 0;
	if (probe != NULL)
		fclose(probe);
	if (cw_file_read(cfg->ntp_conf_file, SNIPPET_MAX, &text, &len, err) == -1)
		return -1;
	/* strtok_r would merge empty lines and shift the numbers: walk by hand. */
	for (line = text; line != NULL; line = save) {
		save = strchr(line, '\n');
		if (save != NULL)
			*save++ = '\0';
		lineno++;
		line += strspn(line, " \t");
		if (strncmp(line, "server", 6) != 0 ||
		    (line[6] != ' ' && line[6] != '\t'))
			continue;	/* comments, keyfile */
		if (n == CW_NTP_ROLE__MAX) {
			conf_error(err, cfg->ntp_conf_file, lineno, _("more than two servers"));
			goto out;
		}
		if (parse_server(line, cfg->ntp_conf_file, lineno, &c->server[n], err) == -1)
			goto out;
		any_key |= c->server[n].auth == CW_NTP_AUTH_SYMKEY;
		n++;
	}
	if (any_key && read_keys(cfg, with_keys, c, err) == -1)
		goto out;
	*configured = n > 0;
	rc = 0;
out:
	if (rc == -1)
		cw_ntp_config_release(c);
	free(text);
	return rc;
}
