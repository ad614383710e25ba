/* sc3.h - the SC3 migration flows (flow.h), as in the vendor procedure:
 *
 *   sc3-backup:  seal ─► prove ─► upload ─► confirm ─► done
 *   sc3-restore: fetch ─► open ─► swap ─► restored ─► restart
 *
 * The restore's fetch decrypts, checks and stages the bundle while it is
 * copied (no local copy of the bundle); "open" then only confirms the
 * staging directory (or opens the copy an older certwiz's fetch made).
 *
 * Both log to LOG_DIR/sc3migration.log ("SC3 Backup success", "SC3 certs
 * has been restored!", "Restored SC3 CA").  The bundle is built in the
 * run's private staging dir (cw_flow_stage_dir), so a resumed backup finds
 * the bundle it sealed and never seals again; a resumed restore repeats the
 * swap safely (bundle.h: the swap is recognised by the manifest digest).
 *
 * Where the bundle goes is a transport: a local file (this file), or
 * USER@HOST:PATH over SCP (sc3-scp.c).  The flows see only the three
 * operations below.  Secrets (the master key, SSH passwords) reach the
 * steps through struct cw_sc3_user, never through facts. */
#ifndef CW_SC3_H
#define CW_SC3_H

#include <stdint.h>

#include "core/error.h"
#include "core/flow.h"
#include "core/secret.h"
#include "sc3/bundle.h"
#include "sc3/scp.h"

#define CW_SC3_LOG "sc3migration"

typedef int cw_sc3_sink_fn(void *ctx, const void *buf, size_t len,
    struct cw_error *err);

struct cw_sc3_transport {
	/* Copies local to the destination, replacing it atomically. */
	int (*put)(void *ctx, struct cw_flow *run, const char *local, struct cw_error *err);
	/* Reads the destination, handing every byte to sink in order as it
	 * arrives (a restore opens the bundle while it is copied: issue 17);
	 * writes no local file.  sink returning -1 stops it. */
	int (*fetch)(void *ctx, struct cw_flow *run, cw_sc3_sink_fn *sink,
	    void *sink_ctx, struct cw_error *err);
	/* Confirms the destination: size bytes and, unless sha256 is NULL,
	 * that SHA-256 (32 bytes) when read back.  Mismatch: CW_E_PROTO. */
	int (*verify)(void *ctx, struct cw_flow *run, uint64_t size,
	    const unsigned char *sha256, struct cw_error *err);
	void (*free)(void *ctx);
	void *ctx;
	const char *name;	/* the destination in messages (owned by ctx) */
};

/* A local file as transport: path is copied, not kept.  Returns 0 or -1. */
int cw_sc3_transport_file(const char *path, struct cw_sc3_transport *tp,
    struct cw_error *err);

/* SSH options for the SCP transport (sc3-scp.c); NULL/0 = configuration
 * or default.  The password is password (borrowed), else read from
 * password_file, else asked through ask. */
struct cw_sc3_ssh {
	int port;
	const char *user;		/* when the target has no USER@ */
	const char *identity;
	const char *password_file;
	const struct cw_secret *password;
	const char *known_hosts;
	const char *accept_host_key;	/* "SHA256:..." */
	int no_save;			/* dry run: do not save an accepted key */
	int no_agent;			/* do not try ssh-agent */
	int no_identity;		/* no key file, not even [sc3] identity */
	int no_password;		/* do not log in with a password */
	/* The front end's questions (job-sc3.c); NULL: batch, never asks. */
	cw_scp_ask_fn *ask;
	cw_scp_hostkey_fn *confirm_hostkey;
	void *ctx;
};

struct cw_cfg;

/* USER@HOST:PATH over SCP, connecting on first use.  Returns 0 or -1. */
int cw_sc3_transport_scp(const char *spec, const struct cw_cfg *cfg,
    const struct cw_sc3_ssh *ssh, struct cw_sc3_transport *tp,
    struct cw_error *err);

/* --dry-run: connects (host key, credentials) and proves the remote
 * directory writable with a probe file.  Returns 0 or -1. */
int cw_sc3_scp_probe(struct cw_sc3_transport *tp, struct cw_error *err);

/* What the steps need that cannot be journaled.  Owned by the caller. */
struct cw_sc3_user {
	const struct cw_secret *master_key;
	int log2n;			/* scrypt work factor for sealing */
	int no_verify;			/* backup: skip reading the copy back */
	int assume_yes;			/* restore: restart without asking;
					 * restore from another unit (--yes) */
	int ask_origin;			/* restore: ask through confirm whether
					 * to go on when the origin does not
					 * match (the wizard; the CLI stops) */
	struct cw_sc3_transport tp;
	/* Non-secret transport options (port, identity path...) the first
	 * step records as facts, for `certwiz journal resume`.  Not inputs:
	 * the same command with other SSH options resumes the same run. */
	const struct cw_fact *remember;
	size_t nremember;
	/* Tells the user something (translated, one line).  May be NULL. */
	void (*say)(void *ctx, const char *line);
	/* Asks a yes/no question.  NULL: no one to ask (batch). */
	int (*confirm)(void *ctx, const char *question, int *yes, struct cw_error *err);
	void *ui_ctx;
};

/* ---- sc3-origin.c: which unit a bundle comes from */

/* This unit as a bundle origin: [device] serial, host name, management
 * addresses ([device] mgmt_addresses, else the addresses of
 * [device] mgmt_interface, else of the interfaces with a default route;
 * no loopback, no IPv6 link-local) and the certwiz version. */
int cw_sc3_origin_self(const struct cw_cfg *cfg, struct cw_bundle_origin *o,
    struct cw_error *err);

/* 1 when the two have a management address in common, else 0. */
int cw_sc3_origin_match(const struct cw_bundle_origin *bundle,
    const struct cw_bundle_origin *self);

/* The first address the two have in common (in bundle), or NULL. */
const char *cw_sc3_origin_common(const struct cw_bundle_origin *bundle,
    const struct cw_bundle_origin *self);

/* "a, b, c" (or a translated "none") into buf. */
void cw_sc3_origin_addrs(const struct cw_bundle_origin *o, char *buf, size_t len);

/* Restore --dry-run: opens and verifies the bundle while it is copied
 * (nothing written, nothing extracted), compares its origin with this
 * unit as the restore would (u->assume_yes is --yes).  Nothing changes.
 * Returns 0 or -1. */
int cw_sc3_restore_check(const struct cw_cfg *cfg, struct cw_sc3_user *u,
    struct cw_error *err);

extern const struct cw_flow_def cw_sc3_backup_flow;
extern const struct cw_flow_def cw_sc3_restore_flow;

/* 1 when target is USER@HOST:PATH (SCP), 0 for a local path. */
int cw_sc3_is_remote(const char *target);

/* The transport for target (ssh may be NULL: defaults).  Release with
 * tp->free(tp->ctx). */
int cw_sc3_transport_for(const char *target, const struct cw_cfg *cfg,
    const struct cw_sc3_ssh *ssh, struct cw_sc3_transport *tp,
    struct cw_error *err);

#endif
