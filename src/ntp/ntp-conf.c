/* ntp-conf.c - the time daemon's files certwiz writes: its snippet with
 * the server lines (chrony: a sourcedir .sources file; ntpsec: a file
 * ntp.conf includes), its block of keys inside the keys file the daemon
 * really reads (every other line kept), reading them back, installing them
 * atomically and the reload that puts the previous files back when the
 * daemon does not adopt them. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "core/fileio.h"
#include "core/i18n.h"
#include "ntp/ntp.h"
#include "core/proc.h"

#define SNIPPET_MAX	8192
#define KEYS_FILE_MAX	65536
#define MAIN_CONF_MAX	(256 * 1024)
#define RELOAD_TIMEOUT_MS 30000

static const char snippet_header[] =
    "# Written by certwiz ('certwiz ntp set'); edits are overwritten.\n";
static const char block_begin[] =
    "# certwiz: managed keys ('certwiz ntp set'); edits here are overwritten.\n";
static const char block_end[] = "# certwiz: end\n";

static int
ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

int
cw_ntp_conf_render(const struct cw_ntp_config *c, int port,
    const struct cw_ntp_files *fl, char **out, struct cw_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int any_key = 0;

	*out = NULL;
	if (fl->daemon == CW_NTP_DAEMON_NTPSEC && port != 123) {
		cw_error_set(err, CW_E_CONFIG,
		    _("ntpd talks to NTP servers on port 123 only, but [ntp] port is %d"), port);
		return cw_error_hint(err, _("Set [ntp] port = 123, or use chrony. Nothing was changed."));
	}
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++)
		if (c->server[i].host[0] != '\0' &&
		    c->server[i].auth == CW_NTP_AUTH_SYMKEY)
			any_key = 1;
	if (any_key && fl->daemon == CW_NTP_DAEMON_CHRONY && !fl->have_keyfile) {
		cw_error_set(err, CW_E_CONFIG,
		    _("chronyd reads no keys: '%s' has no keyfile line"), fl->main_conf);
		return cw_error_hint(err, _("Add 'keyfile /etc/chrony/chrony.keys' to '%s' and restart chrony once, then run 'certwiz ntp set' again. Nothing was changed."),
		    fl->main_conf);
	}
	if ((f = open_memstream(&buf, &len)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	fputs(snippet_header, f);
	if (any_key && fl->daemon == CW_NTP_DAEMON_NONE &&
	    !ends_with(fl->conf_file, ".sources"))
		fprintf(f, "keyfile %s\n", fl->keys_file);
	if (any_key && fl->daemon == CW_NTP_DAEMON_NTPSEC) {
		if (fl->keys_in_snippet)
			fprintf(f, "keys %s\n", fl->keys_file);
		for (int i = 0; i < CW_NTP_ROLE__MAX; i++)
			if (c->server[i].host[0] != '\0' &&
			    c->server[i].auth == CW_NTP_AUTH_SYMKEY)
				fprintf(f, "trustedkey %u\n", c->server[i].key_id);
	}
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

/* The key ID a keys-file line starts with, 0 if none. */
static unsigned
line_key_id(const char *p, const char *eol)
{
	unsigned id = 0;

	while (p < eol && (*p == ' ' || *p == '\t'))
		p++;
	if (p == eol || *p < '0' || *p > '9')
		return 0;
	while (p < eol && *p >= '0' && *p <= '9' && id < 100000)
		id = id * 10 + (unsigned)(*p++ - '0');
	return p < eol && (*p == ' ' || *p == '\t') ? id : 0;
}

/* One key line of certwiz's into s. */
static int
key_line(struct cw_secret *s, const struct cw_ntp_server *v,
    enum cw_ntp_daemon d, struct cw_error *err)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *k = (const unsigned char *)cw_secret_data(v->key);
	size_t n = cw_secret_len(v->key);
	char line[64], pair[2];
	int ascii = 1;

	for (size_t j = 0; j < n; j++)
		if (k[j] <= ' ' || k[j] > '~' || k[j] == '#')
			ascii = 0;
	if (d == CW_NTP_DAEMON_NTPSEC) {
		/* ntpd: more than 20 characters are hex, else ASCII. */
		if (2 * n <= 20 && !ascii) {
			cw_error_set(err, CW_E_USAGE,
			    _("ntpd cannot hold the key of key ID %u: a key of %zu bytes must be printable text"),
			    v->key_id, n);
			return cw_error_hint(err, _("Use a key of 11 to 20 bytes (22 to 40 hex digits) or printable text. Nothing was changed."));
		}
		snprintf(line, sizeof(line), "%u %s ", v->key_id, cw_ntp_alg_name(v->alg));
		if (secret_puts(s, line, err) == -1)
			return -1;
		if (2 * n <= 20)
			return cw_secret_append(s, k, n, err) == -1 ||
			    secret_puts(s, "\n", err) == -1 ? -1 : 0;
	} else {
		/* chrony: HEX always, any key byte survives its tokenizer. */
		snprintf(line, sizeof(line), "%u %s HEX:", v->key_id,
		    cw_ntp_alg_name(v->alg));
		if (secret_puts(s, line, err) == -1)
			return -1;
	}
	for (size_t j = 0; j < n; j++) {
		pair[0] = hex[k[j] >> 4];
		pair[1] = hex[k[j] & 15];
		if (cw_secret_append(s, pair, 2, err) == -1)
			return -1;
	}
	OPENSSL_cleanse(pair, sizeof(pair));
	return secret_puts(s, "\n", err);
}

int
cw_ntp_keys_render(const struct cw_ntp_config *c, enum cw_ntp_daemon d,
    const struct cw_secret *old, const char *path, struct cw_secret **out,
    struct cw_error *err)
{
	struct cw_secret *s = NULL;
	const char *p, *eol;
	int in_block = 0, any = 0, rc = -1;

	*out = NULL;
	if ((s = cw_secret_new(KEYS_FILE_MAX + 1024)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	/* Every line of the admin's kept, certwiz's block dropped. */
	for (p = old != NULL ? cw_secret_data(old) : ""; *p != '\0'; p = eol) {
		unsigned id;

		eol = p + strcspn(p, "\n");
		if (*eol == '\n')
			eol++;
		if ((size_t)(eol - p) == sizeof(block_begin) - 1 &&
		    memcmp(p, block_begin, (size_t)(eol - p)) == 0) {
			in_block = 1;
			continue;
		}
		if (in_block) {
			if ((size_t)(eol - p) == sizeof(block_end) - 1 &&
			    memcmp(p, block_end, (size_t)(eol - p)) == 0)
				in_block = 0;
			continue;
		}
		id = line_key_id(p, eol);
		for (int i = 0; id != 0 && i < CW_NTP_ROLE__MAX; i++)
			if (c->server[i].host[0] != '\0' &&
			    c->server[i].auth == CW_NTP_AUTH_SYMKEY &&
			    c->server[i].key_id == id) {
				cw_error_set(err, CW_E_CONFIG,
				    _("key ID %u is already in '%s', and not as one of certwiz's keys"),
				    id, path);
				cw_error_hint(err, _("certwiz never changes the daemon's other keys: choose another key ID (and set it on the NTP server too). Nothing was changed."));
				goto out;
			}
		if (cw_secret_append(s, p, (size_t)(eol - p), err) == -1)
			goto out;
		if (eol[-1] != '\n' && secret_puts(s, "\n", err) == -1)
			goto out;
	}
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		const struct cw_ntp_server *v = &c->server[i];

		if (v->host[0] == '\0' || v->auth != CW_NTP_AUTH_SYMKEY)
			continue;
		/* A key shared by both servers (validated equal) once. */
		if (i == CW_NTP_SECONDARY &&
		    c->server[CW_NTP_PRIMARY].auth == CW_NTP_AUTH_SYMKEY &&
		    c->server[CW_NTP_PRIMARY].key_id == v->key_id)
			continue;
		if (!any++ && secret_puts(s, block_begin, err) == -1)
			goto out;
		if (key_line(s, v, d, err) == -1)
			goto out;
	}
	if (any && secret_puts(s, block_end, err) == -1)
		goto out;
	*out = s;
	s = NULL;
	rc = 0;
out:
	cw_secret_free(s);
	return rc;
}

/* Owner, group and mode a new keys file gets: the daemon's group where it
 * exists (it reads the file after dropping root), else root only. */
static void
new_keys_owner(enum cw_ntp_daemon d, gid_t *gid, mode_t *mode)
{
	const char *name = d == CW_NTP_DAEMON_CHRONY ? "_chrony" :
	    d == CW_NTP_DAEMON_NTPSEC ? "ntpsec" : NULL;
	struct group *g = name != NULL ? getgrnam(name) : NULL;

	*gid = g != NULL ? g->gr_gid : getegid();
	*mode = g != NULL ? 0640 : 0600;
}

/* ntp.conf with one includefile line for certwiz's snippet appended
 * (every other line kept); NULL in *out when it has it already. */
static int
main_conf_with_include(const struct cw_ntp_files *fl, char **out, size_t *olen,
    mode_t *mode, struct cw_error *err)
{
	char *text = NULL, *buf = NULL;
	size_t len = 0, blen = 0;
	struct stat st;
	FILE *f;

	*out = NULL;
	if (!fl->need_include)
		return 0;
	if (stat(fl->main_conf, &st) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot read '%s'"), fl->main_conf);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	*mode = st.st_mode & 07777;
	if (cw_file_read(fl->main_conf, MAIN_CONF_MAX, &text, &len, err) == -1)
		return -1;
	if ((f = open_memstream(&buf, &blen)) == NULL) {
		free(text);
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	fwrite(text, 1, len, f);
	if (len > 0 && text[len - 1] != '\n')
		fputc('\n', f);
	fprintf(f, "# Added by certwiz: the NTP servers set with 'certwiz ntp set'.\nincludefile %s\n",
	    fl->conf_file);
	free(text);
	if (fclose(f) != 0) {
		free(buf);
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	*out = buf;
	*olen = blen;
	return 0;
}

static int
mkdirs_of(const char *path, struct cw_error *err)
{
	char dir[CW_NTP_PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (slash == NULL || slash == path)
		return 0;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return cw_file_mkdirs(dir, 0755, err);
}

int
cw_ntp_conf_write(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    struct cw_error *err)
{
	struct cw_ntp_files fl;
	struct cw_secret *keys = NULL, *old = NULL;
	char *snippet = NULL, *mainconf = NULL;
	size_t mainlen = 0;
	struct stat st;
	gid_t gid;
	mode_t mode, mainmode = 0644;
	int rc = -1, have_old = 0;

	if (cw_ntp_files_resolve(cfg, &fl, err) == -1 ||
	    cw_ntp_files_writable(&fl, err) == -1 ||
	    cw_ntp_conf_render(c, cfg->ntp_port, &fl, &snippet, err) == -1)
		goto out;
	if (stat(fl.keys_file, &st) == 0) {
		have_old = 1;
		/* The daemon's group may read its keys file (chrony:
		 * root:_chrony 0640).  An empty one has nothing to keep. */
		if (st.st_size > 0 && cw_secret_read_file(fl.keys_file, KEYS_FILE_MAX,
		    fl.daemon != CW_NTP_DAEMON_NONE, &old, err) == -1)
			goto out;
		gid = st.st_gid;
		mode = st.st_mode & 07777;
	} else if (errno == ENOENT) {
		new_keys_owner(fl.daemon, &gid, &mode);
	} else {
		cw_error_set(err, CW_E_IO, _("cannot read '%s'"), fl.keys_file);
		cw_error_detail(err, "%s", strerror(errno));
		goto out;
	}
	if (cw_ntp_keys_render(c, fl.daemon, old, fl.keys_file, &keys, err) == -1 ||
	    main_conf_with_include(&fl, &mainconf, &mainlen, &mainmode, err) == -1 ||
	    mkdirs_of(fl.keys_file, err) == -1 || mkdirs_of(fl.conf_file, err) == -1)
		goto out;
	/* Never readable by others, whatever the file had. */
	mode &= 0770;
	/* Keys first: the snippet must never name a key the daemon lacks.
	 * A new file is root's alone until it has the daemon's group. */
	if (cw_file_install(fl.keys_file, cw_secret_data(keys),
	    cw_secret_len(keys), have_old ? mode : 0600,
	    CW_FILE_KEEP_PREV | CW_FILE_KEEP_OWNER, err) == -1)
		goto out;
	if (!have_old && mode != 0600 && chown(fl.keys_file, (uid_t)-1, gid) == 0)
		chmod(fl.keys_file, mode);
	if (cw_file_install(fl.conf_file, snippet, strlen(snippet), 0644,
	    CW_FILE_KEEP_PREV, err) == -1) {
		struct cw_error ignored;

		cw_file_restore_prev(fl.keys_file, &ignored);
		cw_error_hint(err, _("The NTP configuration was not changed."));
		goto out;
	}
	/* ntpsec: the include goes in last; it stays (it names certwiz's
	 * snippet, which is always there once written). */
	if (mainconf != NULL && cw_file_install(fl.main_conf, mainconf, mainlen,
	    mainmode, CW_FILE_KEEP_PREV | CW_FILE_KEEP_OWNER, err) == -1) {
		struct cw_error ignored;

		cw_file_restore_prev(fl.conf_file, &ignored);
		cw_file_restore_prev(fl.keys_file, &ignored);
		cw_error_hint(err, _("The NTP configuration was not changed."));
		goto out;
	}
	rc = 0;
out:
	cw_secret_free(keys);
	cw_secret_free(old);
	free(snippet);
	free(mainconf);
	return rc;
}

int
cw_ntp_conf_restore(const struct cw_cfg *cfg, struct cw_error *err)
{
	struct cw_ntp_files fl;
	char prev[CW_NTP_PATH_MAX + 8];
	int rc = 0;

	if (cw_ntp_files_resolve(cfg, &fl, err) == -1)
		return -1;
	snprintf(prev, sizeof(prev), "%s.prev", fl.conf_file);
	if (fl.daemon == CW_NTP_DAEMON_NTPSEC && access(prev, F_OK) != 0) {
		/* ntp.conf includes the snippet: an empty one, not none. */
		if (cw_file_install(fl.conf_file, snippet_header,
		    strlen(snippet_header), 0644, 0, err) == -1)
			rc = -1;
	} else if (cw_file_restore_prev(fl.conf_file, err) == -1)
		rc = -1;
	if (cw_file_restore_prev(fl.keys_file, rc == 0 ? err : NULL) == -1)
		rc = -1;
	return rc;
}

/* Runs one command; 0 when it exited 0, else -1 with err set. */
static int
run_reload(const char *cmd, struct cw_error *err)
{
	struct cw_proc_result res;
	struct cw_error rerr;

	cw_error_clear(&rerr);
	if (cw_proc_run(cmd, RELOAD_TIMEOUT_MS, &res, &rerr) == 0 &&
	    res.exit_code == 0 && !res.timed_out)
		return 0;
	if (rerr.code != CW_E_OK) {
		cw_error_set(err, CW_E_STATE,
		    _("the time daemon reload '%s' could not be started"), cmd);
		return cw_error_detail(err, "%s", rerr.msg);
	}
	if (res.timed_out)
		cw_error_set(err, CW_E_STATE,
		    _("the time daemon reload '%s' did not finish within %d seconds"),
		    cmd, RELOAD_TIMEOUT_MS / 1000);
	else
		cw_error_set(err, CW_E_STATE,
		    _("the time daemon reload '%s' failed with exit code %d"),
		    cmd, res.exit_code);
	/* The command's own words, e.g. chronyc's complaint. */
	return cw_error_detail(err, "%.*s", (int)strcspn(res.output, "\n"), res.output);
}

/* The daemon re-reads its files: reload_command, else the daemon's own. */
static int
reload_daemon(const struct cw_cfg *cfg, const struct cw_ntp_files *fl,
    struct cw_log *log, struct cw_error *err)
{
	char cmd[2][512];
	int n = 0;

	if (cfg->ntp_reload_command != NULL && cfg->ntp_reload_command[0] != '\0')
		snprintf(cmd[n++], sizeof(cmd[0]), "%s", cfg->ntp_reload_command);
	else if (fl->daemon == CW_NTP_DAEMON_CHRONY) {
		/* Keys first: a source whose key is missing stays unkeyed. */
		snprintf(cmd[n++], sizeof(cmd[0]), "%s rekey", cfg->ntp_chronyc);
		snprintf(cmd[n++], sizeof(cmd[0]), "%s reload sources", cfg->ntp_chronyc);
	} else if (fl->daemon == CW_NTP_DAEMON_NTPSEC)
		/* ntpd re-reads ntp.conf and its keys only when it starts. */
		snprintf(cmd[n++], sizeof(cmd[0]), "systemctl restart ntpsec");
	if (n == 0) {
		cw_log_msg(log, CW_LOG_INFO, "no reload_command configured: time daemon not reloaded");
		return 0;
	}
	for (int i = 0; i < n; i++) {
		if (run_reload(cmd[i], err) == -1) {
			cw_log_msg(log, CW_LOG_ERROR, "time daemon reload failed: %s", cmd[i]);
			return -1;
		}
		cw_log_msg(log, CW_LOG_INFO, "time daemon reloaded: %s", cmd[i]);
	}
	return 0;
}

int
cw_ntp_reload(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    struct cw_log *log, struct cw_error *err)
{
	struct cw_ntp_files fl;
	struct cw_error rerr;

	if (cw_ntp_files_resolve(cfg, &fl, err) == -1)
		return -1;
	if (reload_daemon(cfg, &fl, log, err) == 0 &&
	    (c == NULL || cw_ntp_daemon_verify(cfg, &fl, c, 1, NULL, log, err) == 0))
		return 0;
	cw_error_clear(&rerr);
	if (cw_ntp_conf_restore(cfg, &rerr) == -1) {
		cw_error_hint(err, _("The previous NTP configuration could NOT be restored (%s): check '%s' and '%s' by hand."),
		    rerr.msg, fl.conf_file, fl.keys_file);
		cw_log_msg(log, CW_LOG_ERROR, "restoring the previous NTP files failed: %s", rerr.msg);
		return -1;
	}
	cw_log_msg(log, CW_LOG_INFO, "previous NTP files restored");
	/* Reload the restored files so the daemon runs what is on disk. */
	cw_error_clear(&rerr);
	if (reload_daemon(cfg, &fl, NULL, &rerr) == -1)
		cw_log_msg(log, CW_LOG_ERROR, "reloading the previous NTP files failed: %s", rerr.msg);
	if (err->code == CW_E_TIME)
		cw_error_hint(err, _("%s The previous NTP configuration was restored and reloaded; nothing else was changed."),
		    err->hint);
	else
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

/* Attaches algorithm (and key, with with_keys) from the keys file; lines
 * of other key IDs (the admin's, in the daemon's own keys file) are not
 * looked at. */
static int
read_keys(const char *path, int shared, int with_keys, struct cw_ntp_config *c,
    struct cw_error *err)
{
	struct cw_secret *file = NULL, *key = NULL;
	const char *p, *eol;
	char idbuf[16], typebuf[16];
	int lineno = 0, rc = -1;

	if (cw_secret_read_file(path, KEYS_FILE_MAX, shared, &file, err) == -1)
		goto out;
	for (p = cw_secret_data(file); *p != '\0'; p = *eol ? eol + 1 : eol) {
		const char *f[3];
		size_t fl[3];
		int nf = 0, wanted = 0;
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
		if (nf < 2 || f[0][0] == '#' || fl[0] >= sizeof(idbuf))
			continue;
		snprintf(idbuf, sizeof(idbuf), "%.*s", (int)fl[0], f[0]);
		if (cw_ntp_key_id_parse(idbuf, &id, NULL) == -1)
			continue;
		for (int i = 0; i < CW_NTP_ROLE__MAX; i++)
			if (c->server[i].host[0] != '\0' &&
			    c->server[i].auth == CW_NTP_AUTH_SYMKEY &&
			    c->server[i].key_id == id && c->server[i].key == NULL)
				wanted = 1;
		if (!wanted)
			continue;
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
	struct cw_ntp_files fl;

	cw_ntp_config_init(c);
	*configured = 0;
	if (cw_ntp_files_resolve(cfg, &fl, err) == -1)
		return -1;
	if (access(fl.conf_file, F_OK) != 0 && errno == ENOENT)
		return 0;
	if (cw_file_read(fl.conf_file, SNIPPET_MAX, &text, &len, err) == -1)
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
			conf_error(err, fl.conf_file, lineno, _("more than two servers"));
			goto out;
		}
		if (parse_server(line, fl.conf_file, lineno, &c->server[n], err) == -1)
			goto out;
		any_key |= c->server[n].auth == CW_NTP_AUTH_SYMKEY;
		n++;
	}
	if (any_key && read_keys(fl.keys_file, fl.daemon != CW_NTP_DAEMON_NONE, with_keys, c, err) == -1)
		goto out;
	*configured = n > 0;
	rc = 0;
out:
	if (rc == -1)
		cw_ntp_config_release(c);
	free(text);
	return rc;
}
