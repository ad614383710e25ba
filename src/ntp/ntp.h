/* ntp.h - the NTP settings (primary and optional secondary server, each
 * with authentication None or Symmetric Key), their validation, the time
 * daemon and where it reads them (ntp-daemon.c), the files certwiz writes
 * for it (ntp-conf.c), certwiz's own SNTP client that proves the time
 * (ntp-sntp.c), and apply = validate, write, reload + read-back, probe
 * (ntp-apply.c).
 *
 * Ownership: a struct cw_ntp_config is caller storage; the keys it holds are
 * struct cw_secret objects it owns, freed (wiped) by cw_ntp_config_release().
 * Keys leave memory only into the daemon's keys file (never readable by
 * others) and, as a MAC input, into the digest; never into an error, a log
 * line or the journal. */
#ifndef CW_NTP_H
#define CW_NTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/cfg.h"
#include "core/error.h"
#include "core/log.h"
#include "core/secret.h"

enum cw_ntp_role {
	CW_NTP_PRIMARY = 0,
	CW_NTP_SECONDARY,
	CW_NTP_ROLE__MAX
};

enum cw_ntp_auth {
	CW_NTP_AUTH_NONE = 0,
	CW_NTP_AUTH_SYMKEY,
	CW_NTP_AUTH__MAX
};

enum cw_ntp_alg {
	CW_NTP_ALG_MD5 = 0,
	CW_NTP_ALG_SHA1,
	CW_NTP_ALG__MAX
};

#define CW_NTP_HOST_MAX		253	/* a DNS name; addresses are shorter */
#define CW_NTP_KEY_ID_MIN	1
#define CW_NTP_KEY_ID_MAX	65534
#define CW_NTP_KEY_ASCII_MAX	20	/* what ntpd and the vendor UI accept */
#define CW_NTP_KEY_HEX_MAX	40	/* hex digits = 20 bytes */
#define CW_NTP_KEY_BYTES_MAX	20
/* A key as text ("HEX:" + 40 digits) plus slack for blanks around it. */
#define CW_NTP_KEY_TEXT_MAX	64

struct cw_ntp_server {
	char host[CW_NTP_HOST_MAX + 1];	/* "" = not configured */
	enum cw_ntp_auth auth;
	unsigned key_id;		/* 1..65534 when auth is SYMKEY */
	enum cw_ntp_alg alg;
	struct cw_secret *key;		/* the raw key bytes; owned; NULL unless
					 * auth is SYMKEY and the key is known */
};

struct cw_ntp_config {
	struct cw_ntp_server server[CW_NTP_ROLE__MAX];
};

/* Zeroes c (no servers, no keys). */
void cw_ntp_config_init(struct cw_ntp_config *c);
/* Wipes and frees the keys, then zeroes c.  Safe on an initialised c. */
void cw_ntp_config_release(struct cw_ntp_config *c);

/* "primary" / "secondary" (not translated: JSON), and translated labels. */
const char *cw_ntp_role_name(enum cw_ntp_role role);
const char *cw_ntp_role_label(enum cw_ntp_role role);
/* "MD5" / "SHA1" (chrony's spelling); digest length 16 / 20. */
const char *cw_ntp_alg_name(enum cw_ntp_alg alg);
size_t cw_ntp_alg_mac_len(enum cw_ntp_alg alg);

/* ---- validation of single fields (the form validates inline with these);
 * every failure is CW_E_USAGE with a message naming the bad value. */

/* A hostname (RFC 1123 labels), an IPv4 or an IPv6 address. */
int cw_ntp_host_check(const char *host, struct cw_error *err);
/* Decimal 1..65534. */
int cw_ntp_key_id_parse(const char *text, unsigned *out, struct cw_error *err);
/* "md5" or "sha1", any case. */
int cw_ntp_alg_parse(const char *text, enum cw_ntp_alg *out,
    struct cw_error *err);
/* A key as chrony's keyfile writes it: "ASCII:text", "HEX:digits", or bare
 * text.  ASCII: 1..20 printable characters without blanks; HEX: an even
 * number of 2..40 hex digits.  Bare text longer than 20 characters that is
 * all hex digits is hex (a SHA1 key as 40 digits, as the vendor's UI and
 * ntpsec's keys file write it).  The raw key bytes go to a new secret in
 * *out.  text is not NUL-terminated necessarily (len bytes). */
int cw_ntp_key_parse(const char *text, size_t len, struct cw_secret **out,
    struct cw_error *err);

/* "ID:ALG:KEYFILE" (the command line's --primary-key, the answer file's
 * primary_key): *id and *alg validated, *file points into spec at
 * KEYFILE (not empty).  Nothing is read. */
int cw_ntp_key_spec_split(const char *spec, unsigned *id, enum cw_ntp_alg *alg,
    const char **file, struct cw_error *err);
/* The key in file ("-" = stdin; root's, not readable by others) as
 * cw_ntp_key_parse() takes it, into a new secret in *out. */
int cw_ntp_key_read_file(const char *file, struct cw_secret **out,
    struct cw_error *err);

/* The whole settings: primary required, secondary optional and different
 * from the primary, a symmetric key needs a key, two servers sharing a key
 * ID must share algorithm and key (the keys file has one line per ID). */
int cw_ntp_config_validate(const struct cw_ntp_config *c,
    struct cw_error *err);

/* ---- the time daemon (ntp-daemon.c): which one, where its files are,
 * what it reports.  Paths are read from the daemon's own configuration, so
 * certwiz writes what the running daemon re-reads:
 *   chrony  server lines in a sourcedir file (.sources), keys in the
 *           keyfile chrony.conf names (the last `keyfile`, confdir and
 *           include followed); `chronyc rekey` + `chronyc reload sources`.
 *   ntpsec  a snippet included from ntp.conf (certwiz adds one
 *           `includefile` line), keys in the file of ntp.conf's `keys`
 *           (else ntp.keys, named by the snippet); ntpd has no run-time
 *           reload of its files: reload_command restarts it.
 *   none    the files only; no read-back (labs, unknown daemons). */

enum cw_ntp_daemon {
	CW_NTP_DAEMON_CHRONY = 0,
	CW_NTP_DAEMON_NTPSEC,
	CW_NTP_DAEMON_NONE,
	CW_NTP_DAEMON__MAX
};

#define CW_NTP_PATH_MAX	4096

struct cw_ntp_files {
	enum cw_ntp_daemon daemon;
	char main_conf[CW_NTP_PATH_MAX];	/* the daemon's configuration */
	char conf_file[CW_NTP_PATH_MAX];	/* certwiz's snippet */
	char keys_file[CW_NTP_PATH_MAX];	/* the keys file the daemon reads */
	int keys_in_snippet;	/* ntpsec: the snippet names keys_file */
	int need_include;	/* ntpsec: main_conf lacks the includefile */
	int have_keyfile;	/* chrony: its configuration names a keyfile */
	int main_missing;	/* main_conf does not exist (not installed?) */
	int not_reread;		/* chrony: conf_file is no sourcedir .sources */
	char keys_conflict[CW_NTP_PATH_MAX];	/* [ntp] keys_file when it is
						 * not the daemon's ("" = fine) */
};

/* CW_E_CONFIG when certwiz cannot write what the daemon of f re-reads
 * (its configuration missing, the snippet outside its sourcedirs). */
int cw_ntp_files_writable(const struct cw_ntp_files *f, struct cw_error *err);

/* "chrony", "ntpsec", "none" (configuration and JSON spelling). */
const char *cw_ntp_daemon_name(enum cw_ntp_daemon d);

/* [ntp] daemon (auto: the daemon running, else the one installed) and the
 * paths, from cfg where set, else from the daemon's configuration.
 * CW_E_CONFIG when the configured paths are not what the daemon reads. */
int cw_ntp_files_resolve(const struct cw_cfg *cfg, struct cw_ntp_files *f,
    struct cw_error *err);

/* What the running daemon says about one configured server. */
struct cw_ntp_peer {
	int listed;		/* the daemon has it as a source */
	char address[64];	/* as the daemon shows it */
	int selected;		/* the daemon synchronises to it */
	unsigned reach;		/* reachability register (8 bits) */
	unsigned key_id;	/* 0: none */
	char key_type[16];	/* "MD5", "SHA1", "" unknown */
	int authenticated;	/* 1 yes, 0 no, -1 not known */
	char state[16];		/* the daemon's own mark, e.g. "^*", "sys.peer" */
	long valid_rx;		/* valid answers counted so far; -1 unknown */
	unsigned naks;		/* crypto-NAKs the server sent back (chrony) */
};

struct cw_ntp_daemon_state {
	enum cw_ntp_daemon daemon;
	int answered;		/* the daemon answered at all */
	struct cw_ntp_peer peer[CW_NTP_ROLE__MAX];
	char said[1024];	/* the daemon's words when it did not answer */
};

/* Asks the running daemon about the servers in c (no wait). */
int cw_ntp_daemon_query(const struct cw_cfg *cfg, const struct cw_ntp_files *f,
    const struct cw_ntp_config *c, struct cw_ntp_daemon_state *st,
    struct cw_error *err);

/* Waits up to [ntp] reach_wait_s until the daemon lists every server of
 * c, with its key ID and type where c has a key, and has reached each
 * (all) or at least one of them (Reach > 0).  Else CW_E_TIME with what
 * the daemon says.  st may be NULL.  A daemon of kind none passes. */
int cw_ntp_daemon_verify(const struct cw_cfg *cfg, const struct cw_ntp_files *f,
    const struct cw_ntp_config *c, int all, struct cw_ntp_daemon_state *st,
    struct cw_log *log, struct cw_error *err);

/* ---- the daemon's files (ntp-conf.c) */

/* The snippet certwiz owns: one `server HOST [port P] [key N] iburst` line
 * per server; chrony: nothing else (a .sources file holds source lines
 * only); ntpsec: `keys` (when f->keys_in_snippet) and `trustedkey`; none:
 * `keyfile KEYS` unless it is a .sources file.  Caller frees *out. */
int cw_ntp_conf_render(const struct cw_ntp_config *c, int port,
    const struct cw_ntp_files *f, char **out, struct cw_error *err);
/* The keys file: old is its present text (NULL: none).  Every line is
 * kept except certwiz's block (between "# certwiz: managed keys" and
 * "# certwiz: end"), which is written anew with `ID TYPE HEX:KEY`
 * (ntpsec: `ID TYPE HEXDIGITS`) per key.  A key ID of c that the file has
 * outside the block is the admin's: CW_E_CONFIG, nothing written.  The
 * text holds secrets: a new secret (caller frees). */
int cw_ntp_keys_render(const struct cw_ntp_config *c, enum cw_ntp_daemon d,
    const struct cw_secret *old, const char *path, struct cw_secret **out,
    struct cw_error *err);

/* Reads back what certwiz wrote.  *configured is 0 when the snippet does not
 * exist (c stays empty).  With with_keys the keys file is read and the keys
 * attached (the SNTP probe needs them); without, only the algorithms are
 * taken from it and the key material is wiped at once. */
int cw_ntp_conf_read(const struct cw_cfg *cfg, int with_keys,
    struct cw_ntp_config *c, int *configured, struct cw_error *err);

/* Installs the keys file (owner, group and mode of the present one kept;
 * a new one 0640 root:_chrony or root:ntpsec where that group exists, else
 * 0600), then the snippet (0644), and for ntpsec the includefile line in
 * ntp.conf, atomically, keeping the replaced versions as PATH.prev. */
int cw_ntp_conf_write(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    struct cw_error *err);
/* Puts the versions kept by cw_ntp_conf_write() back (a file that did not
 * exist before is removed). */
int cw_ntp_conf_restore(const struct cw_cfg *cfg, struct cw_error *err);

/* Makes the daemon re-read its files ([ntp] reload_command, else chrony:
 * `chronyc rekey` + `chronyc reload sources`), then proves it adopted c
 * (cw_ntp_daemon_verify; c NULL: no read-back).  On failure restores the
 * previous files, reloads them and says so in err.  log may be NULL. */
int cw_ntp_reload(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    struct cw_log *log, struct cw_error *err);

/* ---- the SNTP client (ntp-sntp.c) */

#define CW_NTP_PACKET_LEN	48
/* Header + key ID + the longest digest (SHA1). */
#define CW_NTP_MAX_AUTH_LEN	(CW_NTP_PACKET_LEN + 4 + 20)
/* The most certwiz reads of one reply: anything longer is refused. */
#define CW_NTP_RECV_CAP		1024

/* Why a server did not prove the time; stable names for JSON. */
enum cw_ntp_status {
	CW_NTP_OK = 0,
	CW_NTP_RESOLVE,		/* the name does not resolve */
	CW_NTP_UNREACHABLE,	/* send failed, port closed (ICMP) */
	CW_NTP_TIMEOUT,		/* no (authentic) answer in time */
	CW_NTP_NO_MAC,		/* a key was sent, the answer had no MAC */
	CW_NTP_BAD_MAC,		/* the answer's MAC does not verify */
	CW_NTP_CRYPTO_NAK,	/* the server rejected our key */
	CW_NTP_KEY_REJECTED,	/* silence to the keyed query, yet the server
				 * answers an unauthenticated one */
	CW_NTP_KOD,		/* kiss-o'-death */
	CW_NTP_UNSYNC,		/* stratum 16 / leap "alarm": no time to give */
	CW_NTP_BAD_REPLY,	/* malformed answer */
	CW_NTP_OFFSET,		/* answered, but our clock is too far off */
	CW_NTP_STATUS__MAX
};

const char *cw_ntp_status_name(enum cw_ntp_status s);

struct cw_ntp_sample {
	char address[64];	/* the numeric address that answered */
	double offset_ms;	/* server - local */
	double delay_ms;	/* round trip minus server time */
	int stratum;
	int leap;
	int version;
	char refid[40];		/* "GPS", "192.0.2.1", kiss code */
	int authenticated;
};

struct cw_ntp_result {
	enum cw_ntp_status status;
	int answered;		/* sample is meaningful */
	struct cw_ntp_sample sample;
	struct cw_error err;	/* set when status is not OK */
};

/* Who to ask and with what key (key NULL = no authentication).  The key
 * is borrowed. */
struct cw_ntp_query {
	const char *host;
	int port;
	int timeout_ms;
	unsigned key_id;
	enum cw_ntp_alg alg;
	const struct cw_secret *key;
};

/* Builds a mode-3 (client), version-4 request with xmt as its transmit
 * timestamp (64-bit NTP format) into pkt[48]. */
void cw_ntp_request_build(uint8_t pkt[CW_NTP_PACKET_LEN], uint64_t xmt);

/* mac = digest(key || data) for alg; *mac_len = 16 or 20.  mac must hold
 * 20 bytes. */
int cw_ntp_mac(enum cw_ntp_alg alg, const uint8_t *key, size_t key_len,
    const uint8_t *data, size_t len, uint8_t *mac, size_t *mac_len,
    struct cw_error *err);

/* Checks a reply against the request: mode, origin timestamp, MAC (when q
 * has a key), kiss-o'-death, stratum, leap; computes offset and delay from
 * t1 (request sent) and t4 (reply received), both NTP format.  Returns the
 * status (CW_NTP_OK or why not), the sample filled as far as known.
 * A reply whose origin does not match is CW_NTP_BAD_REPLY with *foreign
 * set (not an answer to us: the caller keeps waiting). */
enum cw_ntp_status cw_ntp_reply_check(const uint8_t *buf, size_t len,
    uint64_t xmt, uint64_t t1, uint64_t t4, const struct cw_ntp_query *q,
    struct cw_ntp_sample *out, int *foreign);

/* One query (IPv4 or IPv6, each address of host in turn) within
 * q->timeout_ms per address.  A keyed query that times out is followed by
 * an unauthenticated one: a server that answers that one is alive and
 * dropped ours for its key (CW_NTP_KEY_REJECTED).  Always fills res;
 * returns 0 when res->status is OK. */
int cw_ntp_query_run(const struct cw_ntp_query *q, struct cw_ntp_result *res);

/* Queries every configured server (port and timeout from cfg) and judges
 * the result: the time is proven when at least one server answered
 * (authentically, where it has a key) and no authentic answer puts the
 * clock more than [ntp] max_offset_ms off.  Else CW_E_TIME naming the
 * server, what was wrong and what to do.  res[role] is filled for each
 * configured server. */
int cw_ntp_probe(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    struct cw_ntp_result res[CW_NTP_ROLE__MAX], struct cw_error *err);

/* ---- apply (ntp-apply.c): the steps of the "ntp" flow, also callable
 * directly.  log may be NULL. */

/* validate: the settings as a whole (cw_ntp_config_validate). */
int cw_ntp_step_validate(const struct cw_ntp_config *c, struct cw_log *log,
    struct cw_error *err);
/* write: install the snippet and the keys file (cw_ntp_conf_write). */
int cw_ntp_step_write(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    struct cw_log *log, struct cw_error *err);
/* reload: make the daemon re-read, prove it adopted c; restores the
 * previous files on failure. */
int cw_ntp_step_reload(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    struct cw_log *log, struct cw_error *err);
/* probe: prove the time with the configured servers (cw_ntp_probe). */
int cw_ntp_step_probe(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    struct cw_ntp_result res[CW_NTP_ROLE__MAX], struct cw_log *log,
    struct cw_error *err);

/* The four steps in order, without a journal.  *applied tells whether the
 * new configuration is in place (reload done) when the probe fails. */
int cw_ntp_apply(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    struct cw_ntp_result res[CW_NTP_ROLE__MAX], int *applied,
    struct cw_log *log, struct cw_error *err);

/* Proves the time with the servers certwiz configured (what `ntp test`
 * and the enrollment's time check do): reads the snippet and keys back,
 * probes, and has the daemon show it reaches a server (within
 * reach_wait_s).  Not configured is CW_E_TIME too: the time is unproven. */
int cw_ntp_check_time(const struct cw_cfg *cfg,
    struct cw_ntp_result res[CW_NTP_ROLE__MAX], struct cw_error *err);

/* NTP timestamp (seconds since 1900 in the high 32 bits) of now. */
uint64_t cw_ntp_now(void);

#endif
