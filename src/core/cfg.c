/* cfg.c - configuration: one table of keys drives defaults, parsing,
 * validation and the unknown-key warning. */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <pwd.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <iniparser.h>

#include "core/cfg.h"
#include "core/i18n.h"

enum kind {
	K_STRING,	/* free text, may be empty */
	K_PATH,		/* file system path, relative to the config file */
	K_INT,		/* integer within [min, max] */
	K_BOOL,		/* yes/no/true/false/1/0 */
	K_KEYTYPE,	/* ec-p256 | rsa-3072 */
	K_URL,		/* https:// URL */
	K_ENDPOINTS,	/* host:port[,host:port...] */
	K_SERIAL,	/* device serial: letters, digits, - _ . */
	K_PORTS,	/* port[,port...] */
	K_WILDMAP,	/* *.domain=host[,*.domain=host...] */
	K_SIZE,		/* bytes, optional K/M/G suffix (1024-based), >= min */
	K_ADDRS,	/* IP address[,IP address...] (IPv4 or IPv6), may be empty */
	K_POPLINK,	/* auto | required */
};

struct key {
	const char *section;
	const char *name;
	enum kind kind;
	size_t offset;
	const char *def;	/* default as text; NULL = unset */
	long min, max;
};

#define OFF(m) offsetof(struct cw_cfg, m)

static const char *const key_type_names[CW_KEY__MAX] = {
	[CW_KEY_EC_P256] = "ec-p256",
	[CW_KEY_RSA_3072] = "rsa-3072",
	[CW_KEY_EC_P384] = "ec-p384",
	[CW_KEY_RSA_2048] = "rsa-2048",
	[CW_KEY_RSA_4096] = "rsa-4096",
};

/* Defaults: keep in step with data/certwiz.conf and certwiz.conf.5. */
static const struct key keys[] = {
	{ "device", "serial", K_SERIAL, OFF(device_serial), "", 0, 0 },
	{ "device", "contact_email", K_STRING, OFF(contact_email), "", 0, 0 },
	{ "device", "mgmt_interface", K_STRING, OFF(mgmt_interface), "", 0, 0 },
	{ "device", "san", K_STRING, OFF(san), "", 0, 0 },
	{ "paths", "state_dir", K_PATH, OFF(state_dir), "/var/lib/certwiz", 0, 0 },
	{ "paths", "cert_dir", K_PATH, OFF(cert_dir), "/var/lib/certwiz/cert", 0, 0 },
	{ "paths", "sc3_dir", K_PATH, OFF(sc3_dir), "/var/lib/certwiz/sc3", 0, 0 },
	{ "paths", "log_dir", K_PATH, OFF(log_dir), "/var/log/certwiz", 0, 0 },
	{ "enroll", "url", K_URL, OFF(enroll_url), "https://certificate.paloaltonetworks.com/.well-known/est", 0, 0 },
	{ "enroll", "trust_anchor", K_PATH, OFF(trust_anchor), "/var/lib/certwiz/cert/trust-anchor.pem", 0, 0 },
	{ "enroll", "key_type", K_KEYTYPE, OFF(key_type), "ec-p256", 0, 0 },
	{ "enroll", "renew_before_days", K_INT, OFF(renew_before_days), "15", 1, 89 },
	{ "enroll", "post_install_command", K_STRING, OFF(post_install_command), "", 0, 0 },
	{ "enroll", "pop_linking", K_POPLINK, OFF(pop_linking), "auto", 0, 0 },
	/* "" = the daemon's own default (ntp-daemon.c resolves them). */
	{ "ntp", "conf_file", K_PATH, OFF(ntp_conf_file), "", 0, 0 },
	{ "ntp", "keys_file", K_PATH, OFF(ntp_keys_file), "", 0, 0 },
	{ "ntp", "reload_command", K_STRING, OFF(ntp_reload_command), "", 0, 0 },
	{ "ntp", "daemon", K_STRING, OFF(ntp_daemon), "chrony", 0, 0 },
	{ "ntp", "daemon_conf", K_PATH, OFF(ntp_daemon_conf), "", 0, 0 },
	{ "ntp", "chronyc", K_STRING, OFF(ntp_chronyc), "chronyc", 0, 0 },
	{ "ntp", "ntpq", K_STRING, OFF(ntp_ntpq), "ntpq", 0, 0 },
	{ "ntp", "reach_wait_s", K_INT, OFF(ntp_reach_wait_s), "30", 0, 600 },
	{ "enroll", "require_proven_time", K_BOOL, OFF(enroll_require_proven_time), "yes", 0, 0 },
	{ "sc3", "target", K_STRING, OFF(sc3_target), "", 0, 0 },
	{ "sc3", "port", K_INT, OFF(sc3_port), "22", 1, 65535 },
	{ "sc3", "identity", K_PATH, OFF(sc3_identity), "", 0, 0 },
	{ "ntp", "max_offset_ms", K_INT, OFF(ntp_max_offset_ms), "1000", 1, 3600000 },
	{ "ntp", "port", K_INT, OFF(ntp_port), "123", 1, 65535 },
	{ "ntp", "timeout_ms", K_INT, OFF(ntp_timeout_ms), "2000", 100, 60000 },
	{ "network", "endpoints", K_ENDPOINTS, OFF(endpoints),
	  "ocsp.paloaltonetworks.com:80,crl.paloaltonetworks.com:80,ocsp.godaddy.com:80,"
	  "api.paloaltonetworks.com:443,apitrusted.paloaltonetworks.com:80,"
	  "certificatetrusted.paloaltonetworks.com:443,certificate.paloaltonetworks.com:443,"
	  "gpcloudservice.com:443,gpcloudservice.com:444", 0, 0 },
	{ "network", "proxy", K_STRING, OFF(proxy), "", 0, 0 },
	{ "network", "timeout_ms", K_INT, OFF(timeout_ms), "3000", 100, 600000 },
	{ "sc3", "master_key_file", K_PATH, OFF(master_key_file), "", 0, 0 },
	{ "sc3", "restart_command", K_STRING, OFF(restart_command), "systemctl restart management-server", 0, 0 },
	{ "sc3", "known_hosts", K_PATH, OFF(known_hosts), "/var/lib/certwiz/known_hosts", 0, 0 },
	{ "sc3", "max_restore_bytes", K_SIZE, OFF(max_restore_bytes), "1G", 1024, 0 },
	{ "device", "mgmt_addresses", K_ADDRS, OFF(mgmt_addresses), "", 0, 0 },
	{ "log", "syslog", K_BOOL, OFF(log_syslog), "yes", 0, 0 },
	{ "network", "tls_ports", K_PORTS, OFF(tls_ports), "443,444", 0, 0 },
	{ "network", "wildcard_hosts", K_WILDMAP, OFF(wildcard_hosts), "", 0, 0 },
	{ "network", "ca_file", K_PATH, OFF(ca_file), "", 0, 0 },
	{ "commands", "timeout_s", K_INT, OFF(commands_timeout_s), "300", 1, 86400 },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* iniparser reports syntax errors through a printf-like callback; keep the
 * last one so the error names the line. */
static char ini_errbuf[512];

static int
ini_error_cb(const char *fmt, ...)
{
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	vsnprintf(ini_errbuf, sizeof(ini_errbuf), fmt, ap);
	va_end(ap);
	len = strlen(ini_errbuf);
	while (len > 0 && (ini_errbuf[len - 1] == '\n' || ini_errbuf[len - 1] == ' '))
		ini_errbuf[--len] = '\0';
	for (char *p = ini_errbuf; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return 0;
}

dictionary *
cw_cfg_ini_load(const char *path, char *why, size_t cap)
{
	dictionary *d;

	ini_errbuf[0] = '\0';
	iniparser_set_error_callback(ini_error_cb);
	d = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	if (d == NULL)
		snprintf(why, cap, "%s", ini_errbuf);
	return d;
}

const char *
cw_cfg_default_path(void)
{
	return SYSCONFDIR "/certwiz/certwiz.conf";
}

const char *
cw_cfg_key_type_name(enum cw_key_type t)
{
	if ((int)t < 0 || t >= CW_KEY__MAX)
		return "?";
	return key_type_names[t];
}

static char **
str_slot(struct cw_cfg *cfg, const struct key *k)
{
	return (char **)((char *)cfg + k->offset);
}

static int *
int_slot(struct cw_cfg *cfg, const struct key *k)
{
	return (int *)((char *)cfg + k->offset);
}

static int
valid_host_port(const char *s, size_t len)
{
	const char *colon;
	char *end;
	char num[8];
	long port;
	size_t hlen;

	/* [v6addr]:port or host:port */
	if (len > 0 && s[0] == '[') {
		const char *rb = memchr(s, ']', len);
		if (rb == NULL || rb + 1 >= s + len || rb[1] != ':')
			return 0;
		colon = rb + 1;
	} else {
		colon = NULL;
		for (const char *p = s; p < s + len; p++)
			if (*p == ':')
				colon = p;
		if (colon == NULL)
			return 0;
		for (const char *p = s; p < colon; p++)
			if (!(*p == '-' || *p == '.' || *p == '_' || *p == '*' ||
			    (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z')))
				return 0;
	}
	hlen = (size_t)(colon - s);
	if (hlen == 0 || hlen > 253)
		return 0;
	if ((size_t)(s + len - colon - 1) >= sizeof(num) || s + len - colon - 1 == 0)
		return 0;
	memcpy(num, colon + 1, (size_t)(s + len - colon - 1));
	num[s + len - colon - 1] = '\0';
	errno = 0;
	port = strtol(num, &end, 10);
	return errno == 0 && *end == '\0' && port >= 1 && port <= 65535;
}

int
cw_cfg_list_next(const char **p, char *item, size_t cap)
{
	const char *s = *p, *comma;
	size_t len;

	if (*s == '\0')
		return 0;
	comma = strchr(s, ',');
	len = comma ? (size_t)(comma - s) : strlen(s);
	*p = comma ? comma + 1 : s + len;
	while (len > 0 && *s == ' ') {
		s++;
		len--;
	}
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (len == 0 || len >= cap)
		return -1;
	memcpy(item, s, len);
	item[len] = '\0';
	return 1;
}

static int
bad_value(struct cw_error *err, const char *file, const struct key *k,
    const char *value, const char *valid)
{
	cw_error_set(err, CW_E_CONFIG,
	    /* TRANSLATORS: file, [section] key, bad value, what is valid. */
	    _("%s: [%s] %s = '%s' is not valid: %s"),
	    file ? file : _("built-in defaults"), k->section, k->name, value, valid);
	return cw_error_hint(err, _("Correct the value in the configuration file and run certwiz again; nothing was changed."));
}

/* Stores value into cfg for key k after validating it. */
static int
set_value(struct cw_cfg *cfg, const struct key *k, const char *value,
    const char *basedir, const char *file, struct cw_error *err)
{
	char *copy = NULL, *end;
	long n;

	switch (k->kind) {
	case K_INT:
		errno = 0;
		n = strtol(value, &end, 10);
		if (*value == '\0' || *end != '\0' || errno != 0 ||
		    n < k->min || n > k->max) {
			char valid[96];
			snprintf(valid, sizeof(valid),
			    _("a whole number from %ld to %ld"), k->min, k->max);
			return bad_value(err, file, k, value, valid);
		}
		*int_slot(cfg, k) = (int)n;
		return 0;
	case K_BOOL:
		if (!strcasecmp(value, "yes") || !strcasecmp(value, "true") ||
		    !strcmp(value, "1") || !strcasecmp(value, "on"))
			*int_slot(cfg, k) = 1;
		else if (!strcasecmp(value, "no") || !strcasecmp(value, "false") ||
		    !strcmp(value, "0") || !strcasecmp(value, "off"))
			*int_slot(cfg, k) = 0;
		else
			return bad_value(err, file, k, value, _("yes or no"));
		return 0;
	case K_KEYTYPE:
		for (int t = 0; t < CW_KEY__MAX; t++)
			if (strcmp(value, key_type_names[t]) == 0) {
				*int_slot(cfg, k) = t;
				return 0;
			}
		return bad_value(err, file, k, value,
		    _("ec-p256, ec-p384, rsa-2048, rsa-3072 or rsa-4096"));
	case K_POPLINK:
		if (strcmp(value, "auto") != 0 && strcmp(value, "required") != 0)
			return bad_value(err, file, k, value, _("auto or required"));
		break;
	case K_URL:
		if (strncmp(value, "https://", 8) != 0 || value[8] == '\0' ||
		    strpbrk(value, " \t") != NULL)
			return bad_value(err, file, k, value,
			    _("an https:// URL, e.g. https://est.example.com/.well-known/est"));
		break;
	case K_ENDPOINTS:
		for (const char *p = value; *p; ) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);
			while (len > 0 && *p == ' ') {
				p++;
				len--;
			}
			while (len > 0 && p[len - 1] == ' ')
				len--;
			if (!valid_host_port(p, len))
				return bad_value(err, file, k, value,
				    _("a comma-separated list of host:port (port 1-65535)"));
			if (comma == NULL)
				break;
			p = comma + 1;
		}
		break;
	case K_PORTS:
		for (const char *p = value; *p; ) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);
			char num[8];

			while (len > 0 && *p == ' ') {
				p++;
				len--;
			}
			while (len > 0 && p[len - 1] == ' ')
				len--;
			if (len == 0 || len >= sizeof(num))
				return bad_value(err, file, k, value,
				    _("a comma-separated list of ports (1-65535)"));
			memcpy(num, p, len);
			num[len] = '\0';
			errno = 0;
			n = strtol(num, &end, 10);
			if (*end != '\0' || errno != 0 || n < 1 || n > 65535)
				return bad_value(err, file, k, value,
				    _("a comma-separated list of ports (1-65535)"));
			if (comma == NULL)
				break;
			p = comma + 1;
		}
		break;
	case K_WILDMAP:
		for (const char *p = value; *p; ) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);
			const char *eq;

			while (len > 0 && *p == ' ') {
				p++;
				len--;
			}
			while (len > 0 && p[len - 1] == ' ')
				len--;
			eq = memchr(p, '=', len);
			if (len < 3 || p[0] != '*' || p[1] != '.' || eq == NULL ||
			    eq == p + 2 || eq + 1 == p + len)
				return bad_value(err, file, k, value,
				    _("a comma-separated list of *.domain=host"));
			if (comma == NULL)
				break;
			p = comma + 1;
		}
		break;
	case K_SIZE: {
		unsigned long long v;
		unsigned shift = 0;

		errno = 0;
		v = strtoull(value, &end, 10);
		if (*end == 'K' || *end == 'k')
			shift = 10;
		else if (*end == 'M')
			shift = 20;
		else if (*end == 'G')
			shift = 30;
		if (shift > 0 && (*++end == 'i' && end[1] == 'B'))
			end += 2;
		if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno != 0 ||
		    v > (UINT64_MAX >> shift) || (v << shift) < (unsigned long long)k->min)
			return bad_value(err, file, k, value,
			    _("a size in bytes, optionally with K, M or G (1024-based), at least 1K"));
		*(uint64_t *)((char *)cfg + k->offset) = (uint64_t)v << shift;
		return 0;
	}
	case K_ADDRS: {
		const char *p = value;
		unsigned char bin[16];
		char item[64];
		int r;

		while ((r = cw_cfg_list_next(&p, item, sizeof(item))) == 1)
			if (inet_pton(AF_INET, item, bin) != 1 && inet_pton(AF_INET6, item, bin) != 1)
				break;
		if (r != 0)
			return bad_value(err, file, k, value,
			    _("a comma-separated list of IP addresses"));
		break;
	}
	case K_SERIAL:
		for (const char *p = value; *p; p++)
			if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z') || *p == '-' || *p == '_' || *p == '.'))
				return bad_value(err, file, k, value,
				    _("letters, digits, '-', '_' and '.' only"));
		if (strlen(value) > 64)
			return bad_value(err, file, k, value, _("at most 64 characters"));
		break;
	case K_PATH:
		if (value[0] != '\0' && value[0] != '/' && basedir != NULL) {
			size_t len = strlen(basedir) + strlen(value) + 2;
			if ((copy = malloc(len)) == NULL)
				return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
			snprintf(copy, len, "%s/%s", basedir, value);
		}
		break;
	case K_STRING:
		break;
	}
	if (copy == NULL && (copy = strdup(value)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	free(*str_slot(cfg, k));
	*str_slot(cfg, k) = copy;
	return 0;
}

/* ---- files another user controls */

static int
trusted_uid(uid_t uid)
{
	const char *s;
	char *end;
	unsigned long n;

	if (uid == 0 || uid == getuid() || uid == geteuid())
		return 1;
	/* Under sudo the invoking user is the one sudo names. */
	if (getuid() == 0 && (s = getenv("SUDO_UID")) != NULL && *s != '\0') {
		errno = 0;
		n = strtoul(s, &end, 10);
		if (errno == 0 && *end == '\0' && n == (unsigned long)uid)
			return 1;
	}
	return 0;
}

static const char *
user_name(uid_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	snprintf(buf, len, "%s", pw != NULL ? pw->pw_name : "?");
	return buf;
}

/* One file or directory: owner trusted, not writable by group or others
 * (a directory may be if it is sticky).  dir is NULL for the file. */
static int
check_one(const char *path, const struct stat *st, const char *dir,
    const char *role, struct cw_error *err)
{
	const char *what = dir != NULL ? dir : path;
	unsigned mode = (unsigned)(st->st_mode & 07777);
	char user[64];

	/* The name only for a message: every file and directory above it is
	 * checked, and each getpwuid() reads /etc/passwd. */
	if (!trusted_uid(st->st_uid) ||
	    ((mode & 022) != 0 && (dir == NULL || (mode & S_ISVTX) == 0)))
		user_name(st->st_uid, user, sizeof(user));
	if (!trusted_uid(st->st_uid)) {
		if (dir != NULL)
			cw_error_set(err, CW_E_CONFIG,
			    /* TRANSLATORS: directory, role ("the configuration
			     * file"), file, user name, uid, mode (octal). */
			    _("the directory '%s' above %s '%s' is owned by %s (uid %u, mode %04o), neither root nor the user running certwiz"),
			    dir, role, path, user, (unsigned)st->st_uid, mode);
		else
			cw_error_set(err, CW_E_CONFIG,
			    /* TRANSLATORS: role ("the configuration file"),
			     * file, user name, uid, mode (octal). */
			    _("%s '%s' is owned by %s (uid %u, mode %04o), neither root nor the user running certwiz"),
			    role, path, user, (unsigned)st->st_uid, mode);
		return cw_error_hint(err,
		    _("certwiz does not trust what another user controls, as sshd and sudo do not.  If it is right, run 'chown root %s' (and 'chmod go-w %s'); nothing was changed."),
		    what, what);
	}
	if ((mode & 022) != 0 && (dir == NULL || (mode & S_ISVTX) == 0)) {
		if (dir != NULL)
			cw_error_set(err, CW_E_CONFIG,
			    _("the directory '%s' above %s '%s' can be changed by group or others (owner %s, mode %04o)"),
			    dir, role, path, user, mode);
		else
			cw_error_set(err, CW_E_CONFIG,
			    _("%s '%s' can be changed by group or others (owner %s, mode %04o)"),
			    role, path, user, mode);
		return cw_error_hint(err,
		    _("certwiz does not trust what other users can change, as sshd and sudo do not: run 'chmod go-w %s'; nothing was changed."),
		    what);
	}
	return 0;
}

int
cw_cfg_check_trusted(const char *path, const struct stat *st,
    const char *role, struct cw_error *err)
{
	char real[PATH_MAX], *slash;
	struct stat dst;

	if (check_one(path, st, NULL, role, err) == -1)
		return -1;
	/* The directories the file really is in, up to /: whoever can
	 * write one of them can replace what is below. */
	if (realpath(path, real) == NULL)
		return 0;	/* gone meanwhile: whoever opens it says so */
	while ((slash = strrchr(real, '/')) != NULL) {
		if (slash == real)
			slash[1] = '\0';	/* "/" itself */
		else
			*slash = '\0';
		if (stat(real, &dst) == 0 &&
		    check_one(path, &dst, real, role, err) == -1)
			return -1;
		if (slash == real)
			break;
	}
	return 0;
}

/* The keys that name a file of keys or trust, or a command (checked: the
 * program, when given by absolute path).  Keep certwiz.conf(5) in step. */
static const size_t trusted_keys[] = {
	OFF(trust_anchor), OFF(post_install_command), OFF(ntp_conf_file),
	OFF(ntp_keys_file), OFF(ntp_reload_command), OFF(ntp_daemon_conf),
	OFF(ntp_chronyc), OFF(ntp_ntpq), OFF(master_key_file),
	OFF(restart_command), OFF(known_hosts), OFF(sc3_identity), OFF(ca_file),
};

/* Checks those files that exist; a missing one is created by certwiz or
 * reported where it is used. */
static int
check_named_files(const struct cw_cfg *cfg, struct cw_error *err)
{
	char role[64], prog[PATH_MAX];
	const char *v;
	struct stat st;
	size_t n;

	for (size_t i = 0; i < NKEYS; i++) {
		size_t t = 0;

		while (t < sizeof(trusted_keys) / sizeof(trusted_keys[0]) &&
		    trusted_keys[t] != keys[i].offset)
			t++;
		if (t == sizeof(trusted_keys) / sizeof(trusted_keys[0]))
			continue;
		v = *(char *const *)((const char *)cfg + keys[i].offset);
		if (v == NULL)
			continue;
		while (*v == ' ' || *v == '\t')
			v++;
		if (keys[i].kind == K_STRING) {
			/* A command: its first word, when it is a path. */
			n = strcspn(v, " \t;&|<>()$`'\"\\");
			if (v[0] != '/' || n >= sizeof(prog))
				continue;
			memcpy(prog, v, n);
			prog[n] = '\0';
			v = prog;
		}
		if (*v == '\0' || stat(v, &st) == -1)
			continue;
		snprintf(role, sizeof(role), "[%s] %s", keys[i].section, keys[i].name);
		if (cw_cfg_check_trusted(v, &st, role, err) == -1)
			return -1;
	}
	return 0;
}

int
cw_cfg_defaults(struct cw_cfg *cfg, struct cw_error *err)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < NKEYS; i++)
		if (set_value(cfg, &keys[i], keys[i].def, NULL, NULL, err) == -1) {
			cw_cfg_release(cfg);
			return -1;
		}
	return 0;
}

static const struct key *
find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int
known_section(const char *section)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0)
			return 1;
	return 0;
}

static void
warn_unknown(dictionary *d, const char *file, cw_cfg_warn_fn *warn, void *ctx)
{
	char msg[512];
	int nsec = iniparser_getnsec(d);

	for (int s = 0; s < nsec; s++) {
		const char *sec = iniparser_getsecname(d, s);
		int nk;
		const char **names;

		if (sec == NULL)
			continue;
		if (!known_section(sec)) {
			snprintf(msg, sizeof(msg),
			    _("%s: unknown section [%s] ignored"), file, sec);
			warn(ctx, msg);
			continue;
		}
		nk = iniparser_getsecnkeys(d, sec);
		if (nk <= 0 || (names = calloc((size_t)nk, sizeof(*names))) == NULL)
			continue;
		iniparser_getseckeys(d, sec, names);
		for (int i = 0; i < nk; i++) {
			const char *colon = strchr(names[i], ':');
			if (colon != NULL && find_key(sec, colon + 1) == NULL) {
				snprintf(msg, sizeof(msg),
				    _("%s: unknown key '%s' in [%s] ignored"),
				    file, colon + 1, sec);
				warn(ctx, msg);
			}
		}
		free(names);
	}
}

int
cw_cfg_load(struct cw_cfg *cfg, const char *path, cw_cfg_warn_fn *warn,
    void *ctx, struct cw_error *err)
{
	dictionary *d = NULL;
	char basedir[PATH_MAX], lookup[128], why[512];
	const char *slash;
	struct stat st;
	FILE *f;
	int rc = -1;

	if (cw_cfg_defaults(cfg, err) == -1)
		return -1;
	if (path == NULL) {
		path = cw_cfg_default_path();
		if (access(path, F_OK) == -1 && errno == ENOENT) {
			/* No file: built-in defaults, which name files too. */
			if (check_named_files(cfg, err) == -1)
				goto out;
			return 0;
		}
	}
	/* iniparser cannot tell a missing file from an unreadable one. */
	if ((f = fopen(path, "re")) == NULL) {
		cw_error_set(err, CW_E_CONFIG, _("cannot read the configuration file '%s'"), path);
		cw_error_detail(err, "%s", strerror(errno));
		cw_error_hint(err, _("Check the path given with --config and its permissions."));
		goto out;
	}
	if (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode)) {
		fclose(f);
		cw_error_set(err, CW_E_CONFIG, _("the configuration file '%s' is not a regular file"), path);
		cw_error_hint(err, _("Check the path given with --config."));
		goto out;
	}
	fclose(f);
	/* Its commands run as root. */
	if (cw_cfg_check_trusted(path, &st, _("the configuration file"), err) == -1)
		goto out;
	if ((d = cw_cfg_ini_load(path, why, sizeof(why))) == NULL) {
		cw_error_set(err, CW_E_CONFIG, _("the configuration file '%s' is not valid INI"), path);
		cw_error_detail(err, "%s", why);
		cw_error_hint(err, _("Fix the line named above; every line is 'key = value', '[section]' or a comment."));
		goto out;
	}
	slash = strrchr(path, '/');
	if (slash == NULL)
		snprintf(basedir, sizeof(basedir), ".");
	else
		snprintf(basedir, sizeof(basedir), "%.*s", (int)(slash - path), path);
	if (basedir[0] == '\0')
		snprintf(basedir, sizeof(basedir), "/");
	if ((cfg->path = strdup(path)) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < NKEYS; i++) {
		const char *v;

		snprintf(lookup, sizeof(lookup), "%s:%s", keys[i].section, keys[i].name);
		if ((v = iniparser_getstring(d, lookup, NULL)) == NULL)
			continue;
		if (set_value(cfg, &keys[i], v, basedir, path, err) == -1)
			goto out;
		if (keys[i].offset == OFF(key_type))
			cfg->key_type_set = 1;
	}
	if (check_named_files(cfg, err) == -1)
		goto out;
	if (warn != NULL)
		warn_unknown(d, path, warn, ctx);
	rc = 0;
out:
	if (d != NULL)
		iniparser_freedict(d);
	if (rc == -1)
		cw_cfg_release(cfg);
	return rc;
}

void
cw_cfg_release(struct cw_cfg *cfg)
{
	free(cfg->path);
	cfg->path = NULL;
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].kind != K_INT && keys[i].kind != K_BOOL &&
		    keys[i].kind != K_KEYTYPE && keys[i].kind != K_SIZE) {
			free(*str_slot(cfg, &keys[i]));
			*str_slot(cfg, &keys[i]) = NULL;
		}
}
