/* cfg.h - the configuration file (INI, read with iniparser).  A struct
 * cw_cfg is a plain snapshot: every string is owned by the struct and freed
 * by cw_cfg_release().  Every path certwiz writes under comes from here. */
#ifndef CW_CFG_H
#define CW_CFG_H

#include <sys/stat.h>

#include <stdint.h>

#include "core/error.h"

enum cw_key_type {
	CW_KEY_EC_P256 = 0,
	CW_KEY_RSA_3072,
	CW_KEY_EC_P384,
	CW_KEY_RSA_2048,
	CW_KEY_RSA_4096,
	CW_KEY__MAX
};

struct cw_cfg {
	char *path;			/* the file read, NULL if defaults only */

	char *device_serial;		/* [device] serial */
	char *contact_email;		/* [device] contact_email, "" = none */
	char *mgmt_interface;		/* [device] mgmt_interface, "" = auto */
	char *san;			/* [device] san: DNS:x,IP:y,... */

	char *state_dir;		/* [paths] */
	char *cert_dir;
	char *sc3_dir;
	char *log_dir;

	char *enroll_url;		/* [enroll] */
	char *trust_anchor;
	enum cw_key_type key_type;
	int key_type_set;		/* key_type is in the file */
	char *pop_linking;		/* auto | required */
	int renew_before_days;
	char *post_install_command;

	char *ntp_conf_file;		/* [ntp] */
	char *ntp_keys_file;
	char *ntp_reload_command;
	int ntp_max_offset_ms;
	int ntp_port;
	int ntp_timeout_ms;

	char *endpoints;		/* [network] comma-separated host:port */
	char *proxy;
	int timeout_ms;

	char *master_key_file;		/* [sc3] */
	char *restart_command;
	char *known_hosts;
	uint64_t max_restore_bytes;	/* [sc3] cap per file and per restore */
	char *mgmt_addresses;		/* [device] comma-separated IPs, "" = find */

	int log_syslog;			/* [log] syslog = yes|no */

	/* [network], added with the connectivity check */
	char *tls_ports;		/* comma-separated ports checked with TLS */
	char *wildcard_hosts;		/* *.domain=host[,...] representatives */
	char *ca_file;			/* CA bundle for the check; "" = system */

	/* [ntp], the time daemon certwiz configures (ntp.h) */
	char *ntp_daemon;		/* chrony | ntpsec | auto | none */
	char *ntp_daemon_conf;		/* its own configuration; "" = default */
	char *ntp_chronyc;		/* the command that talks to chronyd */
	char *ntp_ntpq;			/* the command that talks to ntpd */
	int ntp_reach_wait_s;		/* how long the daemon may take to reach */

	int enroll_require_proven_time;	/* [enroll] require_proven_time */

	char *sc3_target;		/* [sc3] target: the form's default */
	int sc3_port;			/* [sc3] port: SSH port unless --port */
	char *sc3_identity;		/* [sc3] identity: key unless --identity */

	int commands_timeout_s;		/* [commands] timeout_s */
};

/* Called once per warning (unknown key or section), message translated. */
typedef void cw_cfg_warn_fn(void *ctx, const char *message);

/* The default configuration file: $sysconfdir/certwiz/certwiz.conf. */
const char *cw_cfg_default_path(void);

/* Fills cfg with the built-in defaults (the ones data/certwiz.conf
 * documents).  Returns 0 or -1 (out of memory). */
int cw_cfg_defaults(struct cw_cfg *cfg, struct cw_error *err);

/* Reads path over the defaults.  If path is NULL the default file is read
 * when it exists, else the defaults are used.  Relative paths in the file
 * are taken relative to the file's directory.  A bad value fails with
 * CW_E_CONFIG naming the file, key, value and what is valid; an unknown key
 * or section is passed to warn (may be NULL).  On failure cfg is released. */
int cw_cfg_load(struct cw_cfg *cfg, const char *path, cw_cfg_warn_fn *warn,
    void *ctx, struct cw_error *err);

/* Refuses a file that another user controls, as sshd and sudo do: it must
 * be owned by root or the user running certwiz (the real uid, or SUDO_UID
 * under sudo), group and others must not be able to write it, and the same
 * holds for every directory above it (after realpath), except that a
 * sticky directory such as /tmp may be writable (others cannot rename or
 * remove what it holds).  st is the file's fstat() (or stat()) result.
 * role names the file in the error
 * ("the configuration file", "[sc3] known_hosts").  Returns 0 or -1
 * (CW_E_CONFIG naming the file, its owner and mode, and the chown or chmod
 * that fixes it). */
int cw_cfg_check_trusted(const char *path, const struct stat *st,
    const char *role, struct cw_error *err);

/* iniparser_load(path) that keeps iniparser's complaint: NULL with the
 * last syntax error, on one line, in why (cap bytes).  Shared by
 * certwiz.conf and the answer file (job/answers.c). */
struct _dictionary_;
struct _dictionary_ *cw_cfg_ini_load(const char *path, char *why, size_t cap);

/* Frees every string in cfg.  Safe on a zeroed or released struct. */
void cw_cfg_release(struct cw_cfg *cfg);

/* Walks a comma-separated value: copies the next item, blanks trimmed, into
 * item (cap bytes) and advances *p.  Returns 1, 0 at the end, -1 for an
 * empty item or one that does not fit. */
int cw_cfg_list_next(const char **p, char *item, size_t cap);

/* "ec-p256", "rsa-3072", "ec-p384", "rsa-2048", "rsa-4096". */
const char *cw_cfg_key_type_name(enum cw_key_type t);

#endif
