/* record.c - the wizard's --record (record.h): one rendered section per
 * job, the whole answer file rewritten after each.
 *
 *   cw_record_<job>(inputs) ──► render the section (values checked and
 *                               quoted; secrets → placeholders)
 *                           ──► replace that section in memory
 *                           ──► header + sections in apply's order
 *                               ──► cw_file_install(path, 0600)
 *
 * Invariants: (1) no byte of a struct cw_secret is ever read here; (2) a
 * section that fails to render leaves the recorder and the file as they
 * were; (3) the file on disk is always a whole answer file (atomic). */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fileio.h"
#include "core/i18n.h"
#include "job/record.h"
#include "sc3/sc3.h"

/* iniparser (4.1) reads lines of at most 1024 bytes. */
#define INI_LINE_MAX 1023

enum section {
	SEC_NTP = 0,
	SEC_CHECK,
	SEC_ENROLL,
	SEC_SC3,
	SEC__MAX
};

/* In the order apply runs them (certwiz-answers(5)). */
static const char *const section_names[SEC__MAX] = {
	[SEC_NTP] = "ntp",
	[SEC_CHECK] = "check",
	[SEC_ENROLL] = "enroll",
	[SEC_SC3] = "sc3",
};

/* The answer file is a machine contract shared by a fleet whatever the
 * locale: its comments and placeholders are not translated.  apply
 * refuses any value that starts with "<FILL". */
static const char header[] =
    "# certwiz answer file, see certwiz-answers(5)\n"
    "# Recorded by 'certwiz --record'.  No secret is written here: replace\n"
    "# every <FILL IN: ...> with the path of a file holding that secret\n"
    "# (mode 0600), then run 'certwiz apply FILE' (--check first to see\n"
    "# what it would change).\n";
#define FILL_NTP_KEY	"<FILL IN: file holding key ID %u>"
#define FILL_OTP	"<FILL IN: file holding the one-time password>"
#define FILL_PASSWORD	"<FILL IN: file holding the SSH password>"
#define FILL_MASTER_KEY	"<FILL IN: file holding the SC3 master key>"

static const char *const alg_names[CW_NTP_ALG__MAX] = {
	[CW_NTP_ALG_MD5] = "md5",
	[CW_NTP_ALG_SHA1] = "sha1",
};

static const char *const auth_names[] = {
	[CW_JOB_AUTH_AUTO] = "auto",
	[CW_JOB_AUTH_AGENT] = "agent",
	[CW_JOB_AUTH_IDENTITY] = "identity",
	[CW_JOB_AUTH_PASSWORD] = "password",
};

struct cw_record {
	char *path;
	char *section[SEC__MAX];	/* rendered "[name]\nkey = value\n...", or NULL */
};

/* p made absolute against the working directory (not resolved). */
static int
absolute(const char *p, char *out, size_t cap, struct cw_error *err)
{
	char cwd[PATH_MAX];

	if (p[0] == '/') {
		if ((size_t)snprintf(out, cap, "%s", p) >= cap)
			return cw_error_set(err, CW_E_USAGE, _("the path '%s' is too long"), p);
		return 0;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return cw_error_set(err, CW_E_IO, _("cannot find the working directory: %s"),
		    strerror(errno));
	if ((size_t)snprintf(out, cap, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, p) >= cap)
		return cw_error_set(err, CW_E_USAGE, _("the path '%s' is too long"), p);
	return 0;
}

static int
unwritable(struct cw_error *err, const char *fmt, const char *key)
{
	cw_error_set(err, CW_E_USAGE, fmt, key);
	return cw_error_hint(err, "%s", _("The job itself is done; the answer file keeps the answers recorded before it."));
}

/* "key = value\n", the value quoted when iniparser would otherwise cut
 * or trim it: `;` and `#` start a comment, blanks at either end are
 * stripped, a trailing backslash joins the next line, a leading quote
 * is taken for quoting.  iniparser has no escapes: a value with both
 * kinds of quote, or a control character, cannot be written. */
static int
put(FILE *f, const char *key, const char *value, struct cw_error *err)
{
	size_t len = strlen(value);
	int quote = 0;

	if (len == 0)
		return 0;	/* not answered: apply's default */
	for (const unsigned char *p = (const unsigned char *)value; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return unwritable(err, _("the value of '%s' cannot be written to the answer file: it holds a control character"), key);
	if (strpbrk(value, ";#\"'") != NULL || isspace((unsigned char)value[0]) ||
	    isspace((unsigned char)value[len - 1]) || value[len - 1] == '\\') {
		if (strchr(value, '"') == NULL)
			quote = '"';
		else if (strchr(value, '\'') == NULL)
			quote = '\'';
		else
			return unwritable(err, _("the value of '%s' cannot be written to the answer file: it holds both kinds of quote"), key);
	}
	if (strlen(key) + len + 5 > INI_LINE_MAX)
		return unwritable(err, _("the value of '%s' is too long for the answer file"), key);
	if (quote)
		fprintf(f, "%s = %c%s%c\n", key, quote, value, quote);
	else
		fprintf(f, "%s = %s\n", key, value);
	return 0;
}

/* put() of a path the person gave, made absolute ("-" stays stdin). */
static int
put_path(FILE *f, const char *key, const char *path, struct cw_error *err)
{
	char abs[PATH_MAX + 1];

	if (path == NULL || path[0] == '\0')
		return 0;
	if (strcmp(path, "-") == 0)
		return put(f, key, path, err);
	if (absolute(path, abs, sizeof(abs), err) == -1)
		return -1;
	return put(f, key, abs, err);
}

static int
render_ntp(FILE *f, const struct cw_ntp_config *c, int proven,
    struct cw_error *err)
{
	static const char *const keys[CW_NTP_ROLE__MAX][2] = {
		[CW_NTP_PRIMARY] = { "primary", "primary_key" },
		[CW_NTP_SECONDARY] = { "secondary", "secondary_key" },
	};
	char v[64];

	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		const struct cw_ntp_server *s = &c->server[i];

		if (s->host[0] == '\0')
			continue;
		if (put(f, keys[i][0], s->host, err) == -1)
			return -1;
		if (s->auth != CW_NTP_AUTH_SYMKEY)
			continue;
		/* ID:ALG:KEYFILE; the key itself (s->key) is never read. */
		snprintf(v, sizeof(v), "%u:%s:" FILL_NTP_KEY, s->key_id,
		    alg_names[s->alg == CW_NTP_ALG_SHA1 ? CW_NTP_ALG_SHA1 : CW_NTP_ALG_MD5],
		    s->key_id);
		if (put(f, keys[i][1], v, err) == -1)
			return -1;
	}
	return put(f, "require_proven", proven ? "yes" : "no", err);
}

static int
render_enroll(FILE *f, const struct cw_job_enroll_in *in, struct cw_error *err)
{
	if (in->otp_file != NULL && in->otp_file[0] != '\0') {
		if (put_path(f, "otp_file", in->otp_file, err) == -1)
			return -1;
	} else if (put(f, "otp_file", FILL_OTP, err) == -1)
		return -1;
	if (in->accept_ca != NULL && put(f, "accept_ca", in->accept_ca, err) == -1)
		return -1;
	if (in->allow_unproven_time && put(f, "allow_unproven_time", "yes", err) == -1)
		return -1;
	return 0;
}

static int
render_sc3(FILE *f, const struct cw_job_sc3_in *in, struct cw_error *err)
{
	char port[16];
	size_t nauth = sizeof(auth_names) / sizeof(auth_names[0]);

	if (in->target == NULL || in->target[0] == '\0')
		return cw_error_set(err, CW_E_USAGE, _("no source is given"));
	if (cw_sc3_is_remote(in->target)) {
		if (put(f, "restore_from", in->target, err) == -1 ||
		    (in->user != NULL && put(f, "user", in->user, err) == -1))
			return -1;
		if (in->port > 0) {
			snprintf(port, sizeof(port), "%d", in->port);
			if (put(f, "port", port, err) == -1)
				return -1;
		}
		if (put(f, "auth", auth_names[(size_t)in->auth < nauth ? in->auth : 0], err) == -1 ||
		    put_path(f, "identity", in->identity, err) == -1)
			return -1;
		if (in->password_file != NULL && in->password_file[0] != '\0') {
			if (put_path(f, "password_file", in->password_file, err) == -1)
				return -1;
		} else if (in->auth == CW_JOB_AUTH_PASSWORD &&
		    put(f, "password_file", FILL_PASSWORD, err) == -1)
			return -1;
		if (put_path(f, "known_hosts", in->known_hosts, err) == -1 ||
		    (in->accept_host_key != NULL &&
		    put(f, "accept_host_key", in->accept_host_key, err) == -1))
			return -1;
	} else if (put_path(f, "restore_from", in->target, err) == -1)
		return -1;
	/* The key the job used: a file given, typed (a placeholder), else
	 * [sc3] master_key_file of the configuration (nothing to write). */
	if (in->master_key_file != NULL && in->master_key_file[0] != '\0')
		return put_path(f, "master_key_file", in->master_key_file, err);
	if (in->master_key != NULL)
		return put(f, "master_key_file", FILL_MASTER_KEY, err);
	return 0;
}

/* The whole file, from the sections recorded so far. */
static int
write_file(const struct cw_record *r, struct cw_error *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if ((f = open_memstream(&text, &len)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	fputs(header, f);
	for (int i = 0; i < SEC__MAX; i++)
		if (r->section[i] != NULL)
			fprintf(f, "\n%s", r->section[i]);
	if (fclose(f) != 0) {
		free(text);
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	rc = cw_file_install(r->path, text, len, 0600, 0, err);
	free(text);
	if (rc == -1)
		cw_error_hint(err, _("The job itself is done; the answer file '%s' keeps the answers recorded before it. Check the directory, then do the job again to record it."),
		    r->path);
	return rc;
}

/* Renders section sec with fn, replaces it, rewrites the file.  On any
 * failure the recorder keeps the section it had. */
static int
record(struct cw_record *r, enum section sec,
    int (*fn)(FILE *f, const void *arg, int flag, struct cw_error *err),
    const void *arg, int flag, struct cw_error *err)
{
	char *text = NULL, *old;
	size_t len = 0;
	FILE *f;
	int rc;

	if ((f = open_memstream(&text, &len)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	fprintf(f, "[%s]\n", section_names[sec]);
	rc = fn(f, arg, flag, err);
	if (fclose(f) != 0 && rc == 0)
		rc = cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	if (rc == -1) {
		free(text);
		return -1;
	}
	old = r->section[sec];
	r->section[sec] = text;
	if (write_file(r, err) == -1) {
		r->section[sec] = old;
		free(text);
		return -1;
	}
	free(old);
	return 0;
}

static int
ntp_fn(FILE *f, const void *arg, int proven, struct cw_error *err)
{
	return render_ntp(f, arg, proven, err);
}

static int
check_fn(FILE *f, const void *arg, int flag, struct cw_error *err)
{
	(void)arg;
	(void)flag;
	return put(f, "run", "yes", err);
}

static int
enroll_fn(FILE *f, const void *arg, int flag, struct cw_error *err)
{
	(void)flag;
	return render_enroll(f, arg, err);
}

static int
sc3_fn(FILE *f, const void *arg, int flag, struct cw_error *err)
{
	(void)flag;
	return render_sc3(f, arg, err);
}

int
cw_record_new(const char *path, struct cw_record **out, struct cw_error *err)
{
	struct cw_record *r = NULL;
	char abs[PATH_MAX + 1], dir[PATH_MAX + 1], *slash;
	struct stat st;

	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return cw_error_set(err, CW_E_USAGE, _("--record needs a file name"));
	if (absolute(path, abs, sizeof(abs), err) == -1)
		return -1;
	snprintf(dir, sizeof(dir), "%s", abs);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode) || access(dir, W_OK | X_OK) == -1) {
		cw_error_set(err, CW_E_USAGE, _("cannot record answers into '%s'"), path);
		cw_error_detail(err, _("the directory '%s' does not exist or is not writable"), dir);
		return cw_error_hint(err, _("Give a file in a writable directory; nothing was changed."));
	}
	if (lstat(abs, &st) == 0 && !S_ISREG(st.st_mode)) {
		cw_error_set(err, CW_E_USAGE, _("cannot record answers into '%s': it is not a regular file"), path);
		return cw_error_hint(err, _("Give another file name; nothing was changed."));
	}
	if ((r = calloc(1, sizeof(*r))) == NULL || (r->path = strdup(abs)) == NULL) {
		free(r);
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	*out = r;
	return 0;
}

void
cw_record_free(struct cw_record *r)
{
	if (r == NULL)
		return;
	for (int i = 0; i < SEC__MAX; i++)
		free(r->section[i]);
	free(r->path);
	free(r);
}

const char *
cw_record_path(const struct cw_record *r)
{
	return r->path;
}

int
cw_record_ntp(struct cw_record *r, const struct cw_ntp_config *c, int proven,
    struct cw_error *err)
{
	return r == NULL ? 0 : record(r, SEC_NTP, ntp_fn, c, proven, err);
}

int
cw_record_check(struct cw_record *r, struct cw_error *err)
{
	return r == NULL ? 0 : record(r, SEC_CHECK, check_fn, NULL, 0, err);
}

int
cw_record_enroll(struct cw_record *r, const struct cw_job_enroll_in *in,
    struct cw_error *err)
{
	return r == NULL ? 0 : record(r, SEC_ENROLL, enroll_fn, in, 0, err);
}

int
cw_record_sc3_restore(struct cw_record *r, const struct cw_job_sc3_in *in,
    struct cw_error *err)
{
	return r == NULL ? 0 : record(r, SEC_SC3, sc3_fn, in, 0, err);
}
