/* ntp-daemon.c - the time daemon certwiz configures: which one, where it
 * really reads its sources and keys (its own configuration, parsed the way
 * it parses it), and what it reports back about the servers certwiz set.
 *
 *   resolve ──► (ntp-conf.c writes) ──► reload ──► verify: listed, key, Reach > 0
 *
 * chrony: the last `keyfile` wins; `confdir` and `include` are followed
 * where they stand (confdir: *.conf of all its directories in name order,
 * the first directory winning a name; include: a glob in order); a
 * `sourcedir` file (*.sources) is what `chronyc reload sources` re-reads.
 * ntpsec: the last `keys` wins; `includefile` is followed (a directory:
 * its *.conf).  Read-back: chronyc -c sources/authdata, chronyc ntpdata;
 * ntpq associations and readvar.  Nothing here writes a file. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/fileio.h"
#include "core/i18n.h"
#include "core/proc.h"
#include "ntp/ntp.h"

#define CONF_MAX	(256 * 1024)
#define DEPTH_MAX	8
#define TOOL_TIMEOUT_MS	10000
#define POLL_MS		500

static const char *const daemon_names[CW_NTP_DAEMON__MAX] = {
	[CW_NTP_DAEMON_CHRONY] = "chrony",
	[CW_NTP_DAEMON_NTPSEC] = "ntpsec",
	[CW_NTP_DAEMON_NONE] = "none",
};

const char *
cw_ntp_daemon_name(enum cw_ntp_daemon d)
{
	return d < CW_NTP_DAEMON__MAX ? daemon_names[d] : "?";
}

/* ---- which daemon */

/* Is a process named comm running? */
static int
running(const char *comm)
{
	char path[300], name[64];
	struct dirent *de;
	DIR *d;
	FILE *f;
	int found = 0;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		if (strspn(de->d_name, "0123456789") != strlen(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(name, sizeof(name), f) != NULL) {
			name[strcspn(name, "\n")] = '\0';
			found = strcmp(name, comm) == 0;
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

/* Is the first word of command an executable (searched like sh would in
 * the usual system directories when it has no slash)? */
static int
installed(const char *command)
{
	static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin" };
	char word[256], path[512];
	size_t n = strcspn(command, " \t");

	if (n == 0 || n >= sizeof(word))
		return 0;
	memcpy(word, command, n);
	word[n] = '\0';
	if (strchr(word, '/') != NULL)
		return access(word, X_OK) == 0;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], word);
		if (access(path, X_OK) == 0)
			return 1;
	}
	return 0;
}

static int
pick_daemon(const struct cw_cfg *cfg, enum cw_ntp_daemon *out,
    struct cw_error *err)
{
	const char *v = cfg->ntp_daemon != NULL ? cfg->ntp_daemon : "chrony";

	for (int i = 0; i < CW_NTP_DAEMON__MAX; i++)
		if (strcasecmp(v, daemon_names[i]) == 0) {
			*out = (enum cw_ntp_daemon)i;
			return 0;
		}
	if (strcasecmp(v, "auto") != 0) {
		cw_error_set(err, CW_E_CONFIG,
		    _("[ntp] daemon = '%s' is not valid: chrony, ntpsec, auto or none"), v);
		return cw_error_hint(err, _("Correct the value in the configuration file and run certwiz again; nothing was changed."));
	}
	/* auto: the one running, else the one installed, else chrony. */
	if (running("chronyd"))
		*out = CW_NTP_DAEMON_CHRONY;
	else if (running("ntpd"))
		*out = CW_NTP_DAEMON_NTPSEC;
	else if (!installed(cfg->ntp_chronyc) && installed(cfg->ntp_ntpq))
		*out = CW_NTP_DAEMON_NTPSEC;
	else
		*out = CW_NTP_DAEMON_CHRONY;
	return 0;
}

/* ---- the daemon's configuration */

struct scan {
	enum cw_ntp_daemon daemon;
	const char *want_include;	/* ntpsec: certwiz's snippet */
	char keyfile[CW_NTP_PATH_MAX];
	char sourcedirs[16][CW_NTP_PATH_MAX];
	int nsourcedirs;
	int included;			/* ntpsec: want_include is included */
};

static int scan_file(struct scan *s, const char *path, int depth,
    struct cw_error *err);

static int
cmp_base(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	const char *bx = strrchr(x, '/'), *by = strrchr(y, '/');

	return strcmp(bx ? bx + 1 : x, by ? by + 1 : y);
}

/* The files of a glob pattern list (each word one pattern), in name order
 * of their base names, the first pattern winning a name (chrony's
 * confdir); or each pattern's matches in order (unique = 0). */
static int
scan_globs(struct scan *s, char **words, int nwords, int unique, int depth,
    struct cw_error *err)
{
	glob_t g;
	int flags = 0, rc = 0;

	memset(&g, 0, sizeof(g));
	for (int i = 0; i < nwords; i++) {
		if (glob(words[i], flags, NULL, &g) == GLOB_NOSPACE) {
			globfree(&g);
			return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		}
		flags = GLOB_APPEND;
	}
	if (g.gl_pathc == 0) {
		globfree(&g);
		return 0;
	}
	if (unique)
		qsort(g.gl_pathv, g.gl_pathc, sizeof(char *), cmp_base);
	for (size_t i = 0; i < g.gl_pathc && rc == 0; i++) {
		if (unique && i > 0 && cmp_base(&g.gl_pathv[i - 1], &g.gl_pathv[i]) == 0)
			continue;
		rc = scan_file(s, g.gl_pathv[i], depth + 1, err);
	}
	globfree(&g);
	return rc;
}

static int
scan_file(struct scan *s, const char *path, int depth, struct cw_error *err)
{
	char *text = NULL, *line, *next;
	size_t len;
	struct stat st;
	int rc = -1;

	if (depth > DEPTH_MAX)
		return 0;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		/* ntpsec's includefile of a directory: its *.conf. */
		char pat[CW_NTP_PATH_MAX + 8], *w = pat;

		snprintf(pat, sizeof(pat), "%s/*.conf", path);
		return scan_globs(s, &w, 1, 1, depth, err);
	}
	if (cw_file_read(path, CONF_MAX, &text, &len, err) == -1) {
		cw_error_hint(err, _("certwiz reads the time daemon's configuration to find where it takes its sources and keys from; check [ntp] daemon and daemon_conf."));
		return -1;
	}
	for (line = text; line != NULL; line = next) {
		char *words[17], *save = NULL, *w;
		int n = 0;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		/* chrony's comments start with # ; % or !; ntpsec's with #. */
		line[strcspn(line, s->daemon == CW_NTP_DAEMON_CHRONY ? "#;%!" : "#")] = '\0';
		for (w = strtok_r(line, " \t\r", &save); w != NULL && n < 17;
		    w = strtok_r(NULL, " \t\r", &save))
			words[n++] = w;
		if (n < 2)
			continue;
		if (s->daemon == CW_NTP_DAEMON_CHRONY) {
			if (strcasecmp(words[0], "keyfile") == 0)
				snprintf(s->keyfile, sizeof(s->keyfile), "%s", words[1]);
			else if (strcasecmp(words[0], "sourcedir") == 0 && s->nsourcedirs < 16)
				snprintf(s->sourcedirs[s->nsourcedirs++],
				    sizeof(s->sourcedirs[0]), "%s", words[1]);
			else if (strcasecmp(words[0], "confdir") == 0) {
				char pats[16][CW_NTP_PATH_MAX + 8], *pw[16];
				int np = 0;

				for (int i = 1; i < n && np < 16; i++, np++) {
					snprintf(pats[np], sizeof(pats[np]), "%s/*.conf", words[i]);
					pw[np] = pats[np];
				}
				if (scan_globs(s, pw, np, 1, depth, err) == -1)
					goto out;
			} else if (strcasecmp(words[0], "include") == 0 &&
			    scan_globs(s, &words[1], 1, 0, depth, err) == -1)
				goto out;
		} else {
			if (strcasecmp(words[0], "keys") == 0)
				snprintf(s->keyfile, sizeof(s->keyfile), "%s", words[1]);
			else if (strcasecmp(words[0], "includefile") == 0) {
				if (s->want_include != NULL &&
				    strcmp(words[1], s->want_include) == 0)
					s->included = 1;
				if (access(words[1], R_OK) == 0 &&
				    scan_file(s, words[1], depth + 1, err) == -1)
					goto out;
			}
		}
	}
	rc = 0;
out:
	free(text);
	return rc;
}

static int
dir_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return snprintf(dir, len, "."), 0;
	snprintf(dir, len, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	return 0;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static int
set_path(char *dst, const char *cfgval, const char *def)
{
	snprintf(dst, CW_NTP_PATH_MAX, "%s",
	    cfgval != NULL && cfgval[0] != '\0' ? cfgval : def);
	return 0;
}

static int
resolve_chrony(const struct cw_cfg *cfg, struct cw_ntp_files *f,
    struct cw_error *err)
{
	struct scan *s = calloc(1, sizeof(*s));
	char dir[CW_NTP_PATH_MAX];
	int in_sourcedir = 0, rc = -1;

	if (s == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	s->daemon = CW_NTP_DAEMON_CHRONY;
	set_path(f->main_conf, cfg->ntp_daemon_conf, "/etc/chrony/chrony.conf");
	set_path(f->conf_file, cfg->ntp_conf_file, "/etc/chrony/sources.d/certwiz.sources");
	if (access(f->main_conf, F_OK) != 0 && errno == ENOENT)
		f->main_missing = 1;
	else if (scan_file(s, f->main_conf, 0, err) == -1)
		goto out;
	dir_of(f->conf_file, dir, sizeof(dir));
	for (int i = 0; i < s->nsourcedirs; i++)
		if (strcmp(s->sourcedirs[i], dir) == 0)
			in_sourcedir = 1;
	f->not_reread = !in_sourcedir || !ends_with(f->conf_file, ".sources");
	f->have_keyfile = s->keyfile[0] != '\0';
	if (cfg->ntp_keys_file != NULL && cfg->ntp_keys_file[0] != '\0' &&
	    f->have_keyfile && strcmp(cfg->ntp_keys_file, s->keyfile) != 0)
		snprintf(f->keys_conflict, sizeof(f->keys_conflict), "%s", cfg->ntp_keys_file);
	set_path(f->keys_file, s->keyfile, cfg->ntp_keys_file != NULL &&
	    cfg->ntp_keys_file[0] ? cfg->ntp_keys_file : "/etc/chrony/chrony.keys");
	rc = 0;
out:
	free(s);
	return rc;
}

static int
resolve_ntpsec(const struct cw_cfg *cfg, struct cw_ntp_files *f,
    struct cw_error *err)
{
	struct scan *s = calloc(1, sizeof(*s));
	int rc = -1;

	if (s == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	s->daemon = CW_NTP_DAEMON_NTPSEC;
	set_path(f->main_conf, cfg->ntp_daemon_conf, "/etc/ntpsec/ntp.conf");
	set_path(f->conf_file, cfg->ntp_conf_file, "/etc/ntpsec/certwiz.conf");
	s->want_include = f->conf_file;
	if (access(f->main_conf, F_OK) != 0 && errno == ENOENT)
		f->main_missing = 1;
	else if (scan_file(s, f->main_conf, 0, err) == -1)
		goto out;
	f->need_include = !s->included;
	if (s->keyfile[0] != '\0') {
		if (cfg->ntp_keys_file != NULL && cfg->ntp_keys_file[0] != '\0' &&
		    strcmp(cfg->ntp_keys_file, s->keyfile) != 0)
			snprintf(f->keys_conflict, sizeof(f->keys_conflict), "%s",
			    cfg->ntp_keys_file);
		set_path(f->keys_file, s->keyfile, "");
		f->have_keyfile = 1;
	} else {
		set_path(f->keys_file, cfg->ntp_keys_file, "/etc/ntpsec/ntp.keys");
		f->keys_in_snippet = 1;
	}
	rc = 0;
out:
	free(s);
	return rc;
}

int
cw_ntp_files_resolve(const struct cw_cfg *cfg, struct cw_ntp_files *f,
    struct cw_error *err)
{
	memset(f, 0, sizeof(*f));
	if (pick_daemon(cfg, &f->daemon, err) == -1)
		return -1;
	switch (f->daemon) {
	case CW_NTP_DAEMON_CHRONY:
		return resolve_chrony(cfg, f, err);
	case CW_NTP_DAEMON_NTPSEC:
		return resolve_ntpsec(cfg, f, err);
	default:
		break;
	}
	if (cfg->ntp_conf_file == NULL || cfg->ntp_conf_file[0] == '\0' ||
	    cfg->ntp_keys_file == NULL || cfg->ntp_keys_file[0] == '\0') {
		cw_error_set(err, CW_E_CONFIG,
		    _("[ntp] daemon = none needs [ntp] conf_file and keys_file"));
		return cw_error_hint(err, _("Set both paths, or choose the daemon (chrony or ntpsec) so certwiz finds them itself."));
	}
	set_path(f->conf_file, cfg->ntp_conf_file, "");
	set_path(f->keys_file, cfg->ntp_keys_file, "");
	f->have_keyfile = 1;
	return 0;
}

int
cw_ntp_files_writable(const struct cw_ntp_files *f, struct cw_error *err)
{
	if (f->main_missing) {
		cw_error_set(err, CW_E_CONFIG,
		    _("the time daemon's configuration '%s' does not exist"), f->main_conf);
		return cw_error_hint(err, _("Install the time daemon (Debian: chrony or ntpsec), or set [ntp] daemon and daemon_conf. Nothing was changed."));
	}
	if (f->keys_conflict[0] != '\0' && f->daemon == CW_NTP_DAEMON_CHRONY) {
		cw_error_set(err, CW_E_CONFIG,
		    _("chronyd takes its keys from '%s' (the keyfile of '%s'), not from '%s'"),
		    f->keys_file, f->main_conf, f->keys_conflict);
		return cw_error_hint(err, _("Leave [ntp] keys_file empty: certwiz then writes its keys into chrony's own keyfile. Nothing was changed."));
	}
	if (f->keys_conflict[0] != '\0') {
		cw_error_set(err, CW_E_CONFIG,
		    _("ntpd takes its keys from '%s' (the keys line of '%s'), not from '%s'"),
		    f->keys_file, f->main_conf, f->keys_conflict);
		return cw_error_hint(err, _("Leave [ntp] keys_file empty: certwiz then writes its keys into ntpd's own keys file. Nothing was changed."));
	}
	if (f->not_reread) {
		cw_error_set(err, CW_E_CONFIG,
		    _("chronyd does not re-read '%s' at run time: only *.sources files in a 'sourcedir' of '%s' are reloaded"),
		    f->conf_file, f->main_conf);
		return cw_error_hint(err, _("Set [ntp] conf_file to a .sources file in one of its sourcedir directories (Debian: /etc/chrony/sources.d/certwiz.sources), or add that sourcedir line to '%s'. Nothing was changed."),
		    f->main_conf);
	}
	return 0;
}

/* ---- asking the daemon */

/* Runs "TOOL ARGS"; the output (NUL-terminated) in res.  0 when it ran
 * and exited 0; else -1, its words in said. */
static int
tool(const char *prog, const char *args, struct cw_proc_result *res,
    char *said, size_t saidlen)
{
	char cmd[1024];
	struct cw_error e;

	snprintf(cmd, sizeof(cmd), "%s %s", prog, args);
	cw_error_clear(&e);
	if (cw_proc_run(cmd, TOOL_TIMEOUT_MS, res, &e) == -1) {
		return snprintf(said, saidlen, "%.300s: %.500s", cmd, e.msg) < 0 ? -1 : -1;
	}
	if (res->exit_code != 0 || res->timed_out) {
		return snprintf(said, saidlen, "%.300s: %.*s", cmd,
		    (int)strcspn(res->output, "\n") > 500 ? 500 :
		    (int)strcspn(res->output, "\n"), res->output) < 0 ? -1 : -1;
	}
	return 0;
}

/* The numeric addresses of host (at most n). */
static int
addresses(const char *host, char out[][64], int n)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai = NULL, *p;
	int k = 0;

	snprintf(out[k++], 64, "%s", host);
	if (getaddrinfo(host, NULL, &hints, &ai) != 0)
		return k;
	for (p = ai; p != NULL && k < n; p = p->ai_next)
		if (getnameinfo(p->ai_addr, p->ai_addrlen, out[k], 64, NULL, 0,
		    NI_NUMERICHOST) == 0)
			k++;
	freeaddrinfo(ai);
	return k;
}

static int
matches(const char *name, const char addrs[][64], int n)
{
	for (int i = 0; i < n; i++)
		if (strcasecmp(name, addrs[i]) == 0)
			return 1;
	return 0;
}

/* Splits line at sep into at most n fields in place; returns the count. */
static int
split(char *line, char sep, char **f, int n)
{
	int k = 0;

	f[k++] = line;
	for (char *p = line; *p != '\0' && k < n; p++)
		if (*p == sep) {
			*p = '\0';
			f[k++] = p + 1;
		}
	return k;
}

/* The numeric addresses of each configured server, to find it in what
 * the daemon lists. */
struct wanted {
	char addrs[CW_NTP_ROLE__MAX][8][64];
	int naddr[CW_NTP_ROLE__MAX];
};

static void
query_chrony(const struct cw_cfg *cfg, const struct wanted *w,
    struct cw_proc_result *res, struct cw_ntp_daemon_state *st)
{
	char args[128], *line, *next;

	if (tool(cfg->ntp_chronyc, "-n -c sources", res, st->said, sizeof(st->said)) == -1)
		return;
	st->answered = 1;
	/* M,S,name,stratum,poll,reach(octal),... */
	for (line = res->output; line != NULL && *line; line = next) {
		char *f[12];
		int n;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((n = split(line, ',', f, 12)) < 6)
			continue;
		for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
			struct cw_ntp_peer *p = &st->peer[i];

			if (w->naddr[i] == 0 || p->listed ||
			    !matches(f[2], w->addrs[i], w->naddr[i]))
				continue;
			p->listed = 1;
			snprintf(p->address, sizeof(p->address), "%s", f[2]);
			snprintf(p->state, sizeof(p->state), "%s%s", f[0], f[1]);
			p->selected = strcmp(f[1], "*") == 0;
			p->reach = (unsigned)strtoul(f[5], NULL, 8) & 0xff;
		}
	}
	if (tool(cfg->ntp_chronyc, "-n -c authdata", res, st->said, sizeof(st->said)) == 0) {
		/* name,mode,keyid,type,keylen,last,atmp,nak,... ; type 1 MD5, 2 SHA1 */
		for (line = res->output; line != NULL && *line; line = next) {
			char *f[12];

			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			if (split(line, ',', f, 12) < 8)
				continue;
			for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
				struct cw_ntp_peer *p = &st->peer[i];
				unsigned t = (unsigned)strtoul(f[3], NULL, 10);

				if (!p->listed || strcmp(f[0], p->address) != 0 ||
				    strcmp(f[1], "SK") != 0)
					continue;
				p->key_id = (unsigned)strtoul(f[2], NULL, 10);
				p->naks = (unsigned)strtoul(f[7], NULL, 10);
				snprintf(p->key_type, sizeof(p->key_type), "%s",
				    t == 1 ? "MD5" : t == 2 ? "SHA1" : f[3]);
			}
		}
	}
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		struct cw_ntp_peer *p = &st->peer[i];
		char said[256];

		p->authenticated = -1;
		if (!p->listed)
			continue;
		snprintf(args, sizeof(args), "-n ntpdata %s", p->address);
		if (tool(cfg->ntp_chronyc, args, res, said, sizeof(said)) == -1)
			continue;
		for (line = res->output; line != NULL && *line; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			if (strncmp(line, "Authenticated", 13) == 0)
				p->authenticated = strstr(line, "Yes") != NULL;
			else if (strncmp(line, "Total valid RX", 14) == 0 &&
			    strchr(line, ':') != NULL)
				p->valid_rx = strtol(strchr(line, ':') + 1, NULL, 10);
		}
	}
}

/* "name=value" out of ntpq's readvar text ("a=1, b=2,\nc=3"). */
static int
rv_get(const char *text, const char *name, char *out, size_t len)
{
	size_t nl = strlen(name);

	for (const char *p = text; (p = strstr(p, name)) != NULL; p += nl) {
		size_t n;

		if ((p != text && p[-1] != ' ' && p[-1] != '\n' && p[-1] != ',') ||
		    p[nl] != '=')
			continue;
		p += nl + 1;
		if (*p == '"')
			p++;
		n = strcspn(p, ",\"\n");
		snprintf(out, len, "%.*s", (int)n, p);
		return 0;
	}
	return -1;
}

static void
query_ntpsec(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    const struct wanted *w, struct cw_proc_result *res,
    struct cw_ntp_daemon_state *st)
{
	char args[128], *line, *next, assoc[32][40];
	int na = 0;

	if (tool(cfg->ntp_ntpq, "-n -c associations", res, st->said, sizeof(st->said)) == -1)
		return;
	st->answered = 1;
	/* ind assid status conf reach auth condition last_event cnt */
	for (line = res->output; line != NULL && *line && na < 32; line = next) {
		char *word[9], *save = NULL, *t;
		int n = 0;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		for (t = strtok_r(line, " \t", &save); t != NULL && n < 9;
		    t = strtok_r(NULL, " \t", &save))
			word[n++] = t;
		if (n < 7 || strspn(word[0], "0123456789") != strlen(word[0]))
			continue;
		/* assid, auth, condition */
		snprintf(assoc[na++], sizeof(assoc[0]), "%s %s %s", word[1], word[5], word[6]);
	}
	for (int a = 0; a < na; a++) {
		char assid[16], auth[16], cond[16], srcadr[64], srchost[300], v[32];
		char said[256];

		if (sscanf(assoc[a], "%15s %15s %15s", assid, auth, cond) != 3)
			continue;
		snprintf(args, sizeof(args), "-n -c \"rv %s srcadr,srchost,reach,keyid\"", assid);
		if (tool(cfg->ntp_ntpq, args, res, said, sizeof(said)) == -1)
			continue;
		srcadr[0] = srchost[0] = '\0';
		rv_get(res->output, "srcadr", srcadr, sizeof(srcadr));
		rv_get(res->output, "srchost", srchost, sizeof(srchost));
		for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
			struct cw_ntp_peer *p = &st->peer[i];

			if (w->naddr[i] == 0 || p->listed ||
			    (!matches(srcadr, w->addrs[i], w->naddr[i]) &&
			    strcasecmp(srchost, c->server[i].host) != 0))
				continue;
			p->listed = 1;
			snprintf(p->address, sizeof(p->address), "%s", srcadr);
			snprintf(p->state, sizeof(p->state), "%s", cond);
			p->selected = strcmp(cond, "sys.peer") == 0;
			if (rv_get(res->output, "reach", v, sizeof(v)) == 0)
				p->reach = (unsigned)strtoul(v, NULL, 8) & 0xff;
			if (rv_get(res->output, "keyid", v, sizeof(v)) == 0)
				p->key_id = (unsigned)strtoul(v, NULL, 10);
			/* ntpq shows the key's ID, not its type. */
			p->authenticated = strcmp(auth, "ok") == 0 ? 1 :
			    strcmp(auth, "bad") == 0 || strcmp(auth, "none") == 0 ? 0 : -1;
		}
	}
}

int
cw_ntp_daemon_query(const struct cw_cfg *cfg, const struct cw_ntp_files *f,
    const struct cw_ntp_config *c, struct cw_ntp_daemon_state *st,
    struct cw_error *err)
{
	struct wanted *w = NULL;
	struct cw_proc_result *res = NULL;

	memset(st, 0, sizeof(*st));
	st->daemon = f->daemon;
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		st->peer[i].authenticated = -1;
		st->peer[i].valid_rx = -1;
	}
	if (f->daemon == CW_NTP_DAEMON_NONE)
		return 0;
	if ((w = calloc(1, sizeof(*w))) == NULL || (res = malloc(sizeof(*res))) == NULL) {
		free(w);
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++)
		if (c->server[i].host[0] != '\0')
			w->naddr[i] = addresses(c->server[i].host, w->addrs[i], 8);
	if (f->daemon == CW_NTP_DAEMON_CHRONY)
		query_chrony(cfg, w, res, st);
	else
		query_ntpsec(cfg, c, w, res, st);
	free(res);
	free(w);
	return 0;
}

/* Why st does not (yet) show c adopted; 0 when it does. */
/* Has the daemon had a valid answer from p since the change (base: its
 * count of valid answers then; -1 = no count to go by, Reach > 0 is
 * enough)? */
static int
reached(const struct cw_ntp_peer *p, long base)
{
	if (p->reach == 0)
		return 0;
	return base < 0 || p->valid_rx < 0 || p->valid_rx > base;
}

static int
not_adopted(const struct cw_ntp_files *f, const struct cw_ntp_config *c,
    const struct cw_ntp_daemon_state *st, int all, const long *base,
    struct cw_error *err)
{
	const char *tool_name = f->daemon == CW_NTP_DAEMON_CHRONY ? "chronyc" : "ntpq";

	if (!st->answered) {
		cw_error_set(err, CW_E_TIME,
		    _("the time daemon (%s) did not answer"), cw_ntp_daemon_name(f->daemon));
		cw_error_detail(err, "%s", st->said);
		return cw_error_hint(err, _("Check that the time daemon is running ('systemctl status %s')."),
		    f->daemon == CW_NTP_DAEMON_CHRONY ? "chrony" : "ntpsec");
	}
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		const struct cw_ntp_server *s = &c->server[i];
		const struct cw_ntp_peer *p = &st->peer[i];

		if (s->host[0] == '\0')
			continue;
		if (!p->listed) {
			cw_error_set(err, CW_E_TIME,
			    /* TRANSLATORS: daemon, role, host, tool. */
			    _("the time daemon (%s) does not use the %s NTP server '%s': '%s' does not list it"),
			    cw_ntp_daemon_name(f->daemon), cw_ntp_role_label(i), s->host, tool_name);
			return cw_error_hint(err, _("The daemon did not adopt the configuration certwiz wrote; see its log ('journalctl -u %s')."),
			    f->daemon == CW_NTP_DAEMON_CHRONY ? "chrony" : "ntpsec");
		}
		if (s->auth == CW_NTP_AUTH_SYMKEY &&
		    (p->key_id != s->key_id || (p->key_type[0] != '\0' &&
		    strcmp(p->key_type, cw_ntp_alg_name(s->alg)) != 0))) {
			cw_error_set(err, CW_E_TIME,
			    _("the time daemon (%s) uses the %s NTP server '%s' without key ID %u (%s): it shows key ID %u %s"),
			    cw_ntp_daemon_name(f->daemon), cw_ntp_role_label(i), s->host,
			    s->key_id, cw_ntp_alg_name(s->alg), p->key_id,
			    p->key_type[0] ? p->key_type : "-");
			return cw_error_hint(err, _("The daemon did not load certwiz's key; see its log ('journalctl -u %s')."),
			    f->daemon == CW_NTP_DAEMON_CHRONY ? "chrony" : "ntpsec");
		}
	}
	for (int i = 0; !all && i < CW_NTP_ROLE__MAX; i++)
		if (c->server[i].host[0] != '\0' && reached(&st->peer[i], base[i]))
			return 0;
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		const struct cw_ntp_server *s = &c->server[i];
		const struct cw_ntp_peer *p = &st->peer[i];

		if (s->host[0] == '\0' || reached(p, base[i]))
			continue;
		cw_error_set(err, CW_E_TIME,
		    /* TRANSLATORS: daemon, role, host, the daemon's reach
		     * register (octal), its own state mark. */
		    _("the time daemon (%s) has had no valid answer from the %s NTP server '%s' (Reach %03o, state %s%s)"),
		    cw_ntp_daemon_name(f->daemon), cw_ntp_role_label(i), s->host,
		    p->reach, p->state, p->authenticated == 0 ? _(", not authenticated") : "");
		if (p->naks > 0)
			cw_error_detail(err, ngettext("the server rejected the key %u time (crypto-NAK)",
			    "the server rejected the key %u times (crypto-NAK)", p->naks), p->naks);
		if (s->auth == CW_NTP_AUTH_SYMKEY)
			return cw_error_hint(err, _("The server does not answer, or rejects the key: check that key ID %u and its key are the server's."),
			    s->key_id);
		return cw_error_hint(err, _("Check that the server answers NTP on UDP port 123 from this appliance."));
	}
	return 0;
}

int
cw_ntp_daemon_verify(const struct cw_cfg *cfg, const struct cw_ntp_files *f,
    const struct cw_ntp_config *c, int all, struct cw_ntp_daemon_state *out,
    struct cw_log *log, struct cw_error *err)
{
	struct cw_ntp_daemon_state *st = malloc(sizeof(*st));
	struct timespec t0, now;
	long base[CW_NTP_ROLE__MAX];
	int rc = -1;

	if (st == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	if (f->daemon == CW_NTP_DAEMON_NONE) {
		memset(st, 0, sizeof(*st));
		st->daemon = f->daemon;
		rc = 0;
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* After a change (all), chronyd keeps an unchanged source line with
	 * its old reach and poll interval: count only valid answers from now
	 * on, and ask it to poll at once. */
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++)
		base[i] = -1;
	if (all && f->daemon == CW_NTP_DAEMON_CHRONY &&
	    cw_ntp_daemon_query(cfg, f, c, st, err) == 0)
		for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
			struct cw_proc_result *res;
			char args[128], said[256];

			if (!st->peer[i].listed || (res = malloc(sizeof(*res))) == NULL)
				continue;
			base[i] = st->peer[i].valid_rx;
			snprintf(args, sizeof(args), "burst 2/4 %s", st->peer[i].address);
			tool(cfg->ntp_chronyc, args, res, said, sizeof(said));
			free(res);
		}
	for (;;) {
		struct timespec nap = { 0, POLL_MS * 1000000L };
		long ms;

		if (cw_ntp_daemon_query(cfg, f, c, st, err) == -1)
			goto out;
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (now.tv_sec - t0.tv_sec) * 1000L +
		    (now.tv_nsec - t0.tv_nsec) / 1000000L;
		if (not_adopted(f, c, st, all, base, err) == 0)
			break;
		if (ms >= cfg->ntp_reach_wait_s * 1000L) {
			cw_log_msg(log, CW_LOG_ERROR, "time daemon: %s", err->msg);
			goto out;
		}
		nanosleep(&nap, NULL);
	}
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		const struct cw_ntp_peer *p = &st->peer[i];

		if (c->server[i].host[0] != '\0')
			cw_log_msg(log, CW_LOG_INFO,
			    "%s: %s %s as %s, state %s, reach %03o, key ID %u %s, authenticated %s",
			    cw_ntp_daemon_name(f->daemon), cw_ntp_role_name(i),
			    c->server[i].host, p->address, p->state, p->reach,
			    p->key_id, p->key_type, p->authenticated == 1 ? "yes" :
			    p->authenticated == 0 ? "no" : "unknown");
	}
	cw_error_clear(err);
	rc = 0;
out:
	if (out != NULL)
		*out = *st;
	free(st);
	return rc;
}
