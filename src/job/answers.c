/* answers.c - the answer file (answers.h): iniparser, then every section
 * and key checked against the table below, every value validated with
 * the validators the jobs use (NTP host, key ID, algorithm; SC3 target). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iniparser.h>

#include "core/cfg.h"
#include "core/i18n.h"
#include "job/answers.h"
#include "sc3/sc3.h"

enum kind {
	K_HOST, K_NTPKEY, K_BOOL, K_PATH, K_OTPFILE, K_ENVNAME, K_SHA256,
	K_TARGET, K_USER, K_PORT, K_AUTH, K_HOSTKEY,
};

struct key {
	const char *section, *name;
	enum kind kind;
};

static const struct key keys[] = {
	{ "ntp", "primary", K_HOST },
	{ "ntp", "primary_key", K_NTPKEY },
	{ "ntp", "secondary", K_HOST },
	{ "ntp", "secondary_key", K_NTPKEY },
	{ "ntp", "require_proven", K_BOOL },
	{ "check", "run", K_BOOL },
	{ "enroll", "otp_file", K_OTPFILE },
	{ "enroll", "otp_env", K_ENVNAME },
	{ "enroll", "accept_ca", K_SHA256 },
	{ "enroll", "allow_unproven_time", K_BOOL },
	{ "sc3", "restore_from", K_TARGET },
	{ "sc3", "user", K_USER },
	{ "sc3", "port", K_PORT },
	{ "sc3", "auth", K_AUTH },
	{ "sc3", "identity", K_PATH },
	{ "sc3", "password_file", K_PATH },
	{ "sc3", "known_hosts", K_PATH },
	{ "sc3", "accept_host_key", K_HOSTKEY },
	{ "sc3", "master_key_file", K_PATH },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const sections[] = { "ntp", "check", "enroll", "sc3" };

/* The validator's message, prefixed with the file and the key. */
static int
bad_value(struct cw_error *err, const struct cw_answers *a, const struct key *k)
{
	char msg[CW_ERR_MSG_MAX];

	snprintf(msg, sizeof(msg), "%s", err->msg);
	/* TRANSLATORS: answer file, section, key, then why the value is bad. */
	cw_error_set(err, CW_E_USAGE, _("%s: [%s] %s: %s"), a->path, k->section,
	    k->name, msg);
	return cw_error_hint(err, _("Fix the value in the answer file (see certwiz-answers(5)); nothing was changed."));
}

static int
bad(struct cw_error *err, const struct cw_answers *a, const struct key *k,
    const char *why)
{
	cw_error_set(err, CW_E_USAGE, "%s", why);
	return bad_value(err, a, k);
}

static int
parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = 1, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = 0, 0;
	}
	return -1;
}

/* A path as given when absolute, else relative to dir. */
static char *
resolve(const char *dir, const char *v)
{
	char *p;

	if (v[0] == '/')
		return strdup(v);
	if (asprintf(&p, "%s/%s", dir, v) == -1)
		return NULL;
	return p;
}

static int
set_value(struct cw_answers *a, const char *dir, const struct key *k,
    const char *v, struct cw_error *err)
{
	char **str = NULL, *copy;
	int role = strncmp(k->name, "primary", 7) == 0 ? CW_NTP_PRIMARY : CW_NTP_SECONDARY;
	int b;

	switch (k->kind) {
	case K_HOST:
		if (cw_ntp_host_check(v, err) == -1)
			return bad_value(err, a, k);
		str = &a->ntp.host[role];
		break;
	case K_NTPKEY: {
		struct cw_answers_key *key = &a->ntp.key[role];
		const char *file;

		if (cw_ntp_key_spec_split(v, &key->id, &key->alg, &file, err) == -1)
			return bad_value(err, a, k);
		free(key->file);
		if ((key->file = resolve(dir, file)) == NULL)
			return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		key->set = 1;
		return 0;
	}
	case K_BOOL:
		if (parse_bool(v, &b) == -1)
			return bad(err, a, k, _("not yes or no"));
		if (strcmp(k->name, "require_proven") == 0)
			a->ntp.require_proven = b;
		else if (strcmp(k->name, "run") == 0)
			a->check.run = b;
		else
			a->enroll.allow_unproven_time = b;
		return 0;
	case K_OTPFILE:
		str = &a->enroll.otp_file;
		if (strcmp(v, "-") == 0)
			break;
		free(*str);
		if ((*str = resolve(dir, v)) == NULL)
			return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		return 0;
	case K_ENVNAME:
		if (!isalpha((unsigned char)v[0]) && v[0] != '_')
			return bad(err, a, k, _("not the name of an environment variable"));
		for (const char *p = v; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '_')
				return bad(err, a, k, _("not the name of an environment variable"));
		str = &a->enroll.otp_env;
		break;
	case K_SHA256: {
		size_t n = 0;

		for (const char *p = v; *p; p++) {
			if (*p == ':')
				continue;
			if (!isxdigit((unsigned char)*p))
				return bad(err, a, k, _("not a SHA-256 fingerprint (64 hex digits)"));
			n++;
		}
		if (n != 64)
			return bad(err, a, k, _("not a SHA-256 fingerprint (64 hex digits)"));
		str = &a->enroll.accept_ca;
		break;
	}
	case K_TARGET:
		if (!cw_sc3_is_remote(v) && v[0] != '/')
			return bad(err, a, k, _("neither [USER@]HOST:PATH nor an absolute path"));
		str = &a->sc3.restore_from;
		break;
	case K_USER:
		for (const char *p = v; *p; p++)
			if (isspace((unsigned char)*p) || *p == '@' || *p == ':')
				return bad(err, a, k, _("not a user name"));
		str = &a->sc3.user;
		break;
	case K_PORT: {
		char *end;
		long n;

		errno = 0;
		n = strtol(v, &end, 10);
		if (errno != 0 || *end != '\0' || end == v || n < 1 || n > 65535)
			return bad(err, a, k, _("not a port number (1 to 65535)"));
		a->sc3.port = (int)n;
		return 0;
	}
	case K_AUTH:
		if (strcmp(v, "auto") == 0)
			a->sc3.auth = CW_JOB_AUTH_AUTO;
		else if (strcmp(v, "agent") == 0)
			a->sc3.auth = CW_JOB_AUTH_AGENT;
		else if (strcmp(v, "identity") == 0)
			a->sc3.auth = CW_JOB_AUTH_IDENTITY;
		else if (strcmp(v, "password") == 0)
			a->sc3.auth = CW_JOB_AUTH_PASSWORD;
		else
			return bad(err, a, k, _("not auto, agent, identity or password"));
		return 0;
	case K_HOSTKEY:
		if (strncmp(v, "SHA256:", 7) != 0 || v[7] == '\0')
			return bad(err, a, k, _("not a host key fingerprint (SHA256:...)"));
		str = &a->sc3.accept_host_key;
		break;
	case K_PATH:
		str = strcmp(k->name, "identity") == 0 ? &a->sc3.identity :
		    strcmp(k->name, "password_file") == 0 ? &a->sc3.password_file :
		    strcmp(k->name, "known_hosts") == 0 ? &a->sc3.known_hosts :
		    &a->sc3.master_key_file;
		free(*str);
		if ((*str = resolve(dir, v)) == NULL)
			return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		return 0;
	}
	if ((copy = strdup(v)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	free(*str);
	*str = copy;
	return 0;
}

static const struct key *
find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int
section_index(const char *name)
{
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (strcmp(sections[i], name) == 0)
			return (int)i;
	return -1;
}

static int
missing(struct cw_answers *a, const char *section, const char *what,
    struct cw_error *err)
{
	/* TRANSLATORS: answer file, section, then what it lacks. */
	cw_error_set(err, CW_E_USAGE, _("%s: [%s] needs %s"), a->path, section, what);
	return cw_error_hint(err, _("Fix the answer file (see certwiz-answers(5)); nothing was changed."));
}

/* The rules across keys. */
static int
check_sections(struct cw_answers *a, struct cw_error *err)
{
	if (a->has_ntp && a->ntp.host[CW_NTP_PRIMARY] == NULL)
		return missing(a, "ntp", "primary", err);
	if (a->has_ntp && a->ntp.key[CW_NTP_SECONDARY].set &&
	    a->ntp.host[CW_NTP_SECONDARY] == NULL)
		return missing(a, "ntp", "secondary", err);
	if (a->has_enroll && (a->enroll.otp_file == NULL) == (a->enroll.otp_env == NULL)) {
		cw_error_set(err, CW_E_USAGE,
		    _("%s: [enroll] needs exactly one of otp_file and otp_env"), a->path);
		return cw_error_hint(err, _("Fix the answer file (see certwiz-answers(5)); nothing was changed."));
	}
	if (a->has_sc3 && a->sc3.restore_from == NULL)
		return missing(a, "sc3", "restore_from", err);
	return 0;
}

static int
read_dict(struct cw_answers *a, dictionary *d, const char *dir,
    struct cw_error *err)
{
	int nsec = iniparser_getnsec(d);

	for (int s = 0; s < nsec; s++) {
		const char *sec = iniparser_getsecname(d, s);
		const char **names;
		int idx, nk;

		if (sec == NULL)
			continue;
		if ((idx = section_index(sec)) < 0) {
			cw_error_set(err, CW_E_USAGE, _("%s: unknown section [%s]"), a->path, sec);
			return cw_error_hint(err, _("The sections are [ntp], [check], [enroll] and [sc3] (certwiz-answers(5)); nothing was changed."));
		}
		*(idx == 0 ? &a->has_ntp : idx == 1 ? &a->has_check :
		    idx == 2 ? &a->has_enroll : &a->has_sc3) = 1;
		if ((nk = iniparser_getsecnkeys(d, sec)) <= 0)
			continue;
		if ((names = calloc((size_t)nk, sizeof(*names))) == NULL)
			return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		iniparser_getseckeys(d, sec, names);
		for (int i = 0; i < nk; i++) {
			const char *colon = strchr(names[i], ':');
			const char *name = colon != NULL ? colon + 1 : names[i];
			const struct key *k = find_key(sec, name);
			const char *v;

			if (k == NULL) {
				cw_error_set(err, CW_E_USAGE, _("%s: unknown key '%s' in [%s]"),
				    a->path, name, sec);
				cw_error_hint(err, _("Check the spelling against certwiz-answers(5); nothing was changed."));
				free(names);
				return -1;
			}
			v = iniparser_getstring(d, names[i], NULL);
			if (v == NULL || v[0] == '\0')
				continue;	/* empty: not given */
			/* Anywhere: --record writes ID:ALG:<FILL IN: ...> too. */
			if (strstr(v, "<FILL") != NULL) {
				cw_error_set(err, CW_E_USAGE,
				    _("%s: [%s] %s still holds a placeholder: %s"),
				    a->path, sec, name, v);
				cw_error_hint(err, _("Replace it with the path of the file holding the secret; nothing was changed."));
				free(names);
				return -1;
			}
			if (set_value(a, dir, k, v, err) == -1) {
				free(names);
				return -1;
			}
		}
		free(names);
	}
	return check_sections(a, err);
}

int
cw_answers_load(const char *path, struct cw_answers *a, struct cw_error *err)
{
	dictionary *d = NULL;
	char dir[PATH_MAX], real[PATH_MAX], why[512];
	const char *slash;
	struct stat st;
	FILE *f;
	int rc = -1;

	memset(a, 0, sizeof(*a));
	a->ntp.require_proven = 1;
	a->check.run = 1;
	if ((a->path = strdup(path)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	if ((f = fopen(path, "re")) == NULL) {
		cw_error_set(err, CW_E_USAGE, _("cannot read the answer file '%s'"), path);
		cw_error_detail(err, "%s", strerror(errno));
		cw_error_hint(err, _("Check the path and its permissions; nothing was changed."));
		goto out;
	}
	if (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode)) {
		fclose(f);
		cw_error_set(err, CW_E_USAGE, _("the answer file '%s' is not a regular file"), path);
		cw_error_hint(err, _("Check the path; nothing was changed."));
		goto out;
	}
	fclose(f);
	/* It names the files certwiz reads secrets from. */
	if (cw_cfg_check_trusted(path, &st, _("the answer file"), err) == -1)
		goto out;
	/* Relative paths: against the file's directory, made absolute (the
	 * journal may remember them for a resume from elsewhere). */
	if ((slash = strrchr(path, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (realpath(dir, real) == NULL) {
		cw_error_set(err, CW_E_USAGE, _("cannot read the answer file '%s'"), path);
		cw_error_detail(err, "%s", strerror(errno));
		goto out;
	}
	if ((d = cw_cfg_ini_load(path, why, sizeof(why))) == NULL) {
		cw_error_set(err, CW_E_USAGE, _("the answer file '%s' is not valid INI"), path);
		cw_error_detail(err, "%s", why);
		cw_error_hint(err, _("Fix the line named above; every line is 'key = value', '[section]' or a comment."));
		goto out;
	}
	rc = read_dict(a, d, real, err);
out:
	if (d != NULL)
		iniparser_freedict(d);
	if (rc == -1)
		cw_answers_release(a);
	return rc;
}

void
cw_answers_release(struct cw_answers *a)
{
	free(a->path);
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		free(a->ntp.host[i]);
		free(a->ntp.key[i].file);
	}
	free(a->enroll.otp_file);
	free(a->enroll.otp_env);
	free(a->enroll.accept_ca);
	free(a->sc3.restore_from);
	free(a->sc3.user);
	free(a->sc3.identity);
	free(a->sc3.password_file);
	free(a->sc3.known_hosts);
	free(a->sc3.accept_host_key);
	free(a->sc3.master_key_file);
	memset(a, 0, sizeof(*a));
}
