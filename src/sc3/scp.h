/* scp.h - copy one file to or from USER@HOST:PATH over SSH (libssh).
 *
 * A connection (struct cw_scp, opaque) is: TCP to the host (IPv4 or IPv6,
 * connect and I/O timeouts), the SSH handshake, the host key checked against
 * known_hosts, then authentication (agent, key file, password or
 * keyboard-interactive, in that order).  Transfers use the SCP protocol over
 * an exec channel ("scp -t" / "scp -f" on the server).
 *
 * Guarantees:
 *  - An unknown host key is refused (CW_E_HOSTKEY, its SHA256: fingerprint in
 *    the message) unless the caller accepts it: opts.accept_fingerprint equal
 *    to it, or opts.confirm_hostkey says yes.  An accepted key is appended to
 *    known_hosts atomically.  A changed key is always refused, both
 *    fingerprints shown.
 *  - Upload writes PATH.part and then renames it over PATH with "mv" on the
 *    server: a cut connection leaves PATH as it was.  A server that refuses
 *    exec of "mv" (an scp-only account) fails with CW_E_PROTO after the
 *    upload: the data is in PATH.part, PATH is unchanged.
 *  - Download writes a temporary file beside the local target and renames it
 *    only when every byte arrived: a partial download never replaces a good
 *    local file.
 *  - Secrets (passwords, passphrases, key files) are held in struct
 *    cw_secret only and never reach an error text.
 */
#ifndef CW_SCP_H
#define CW_SCP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "core/secret.h"

#define CW_SCP_USER_MAX 64
#define CW_SCP_HOST_MAX 256
#define CW_SCP_PATH_MAX 1024
/* "SHA256:" + 43 base64 characters + NUL, with room to spare. */
#define CW_SCP_FP_MAX 80

/* A parsed USER@HOST:PATH (or USER@[IPv6]:PATH): a plain value. */
struct cw_scp_target {
	char user[CW_SCP_USER_MAX];
	char host[CW_SCP_HOST_MAX];	/* without brackets */
	char path[CW_SCP_PATH_MAX];	/* as given; relative = from the home dir */
};

/* Parses spec into *out.  Errors (CW_E_USAGE) say what is missing.
 * Returns 0 or -1. */
int cw_scp_target_parse(const char *spec, struct cw_scp_target *out,
    struct cw_error *err);

enum cw_scp_ask {
	CW_SCP_ASK_PASSWORD = 0,	/* account password */
	CW_SCP_ASK_PASSPHRASE,		/* private key passphrase */
	CW_SCP_ASK__MAX
};

/* Asks the user for a secret (masked).  prompt is translated.  Returns 0
 * with a new secret in *out (the connection frees it), or -1 with err set
 * (CW_E_CANCELLED when the user declined). */
typedef int cw_scp_ask_fn(void *ctx, enum cw_scp_ask what, const char *prompt,
    struct cw_secret **out, struct cw_error *err);

/* Shows an unknown host key's fingerprint and asks whether to trust it.
 * Returns 2 = trust this once (not saved), 1 = trust and save it,
 * 0 = refuse, -1 = error. */
typedef int cw_scp_hostkey_fn(void *ctx, const char *host, int port,
    const char *key_type, const char *fingerprint, struct cw_error *err);

/* Transfer progress: bytes done of total.  Return nonzero to cancel. */
typedef int cw_scp_progress_fn(void *ctx, uint64_t done, uint64_t total);

struct cw_scp_opts {
	int port;			/* 0 = 22 */
	int timeout_ms;			/* connect and each network wait; 0 = 3000 */
	const char *known_hosts;	/* required */
	const char *accept_fingerprint;	/* "SHA256:..." or NULL */
	const char *identity;		/* private key file or NULL */
	const struct cw_secret *password;	/* NULL: ask (if ask is set) */
	int no_agent;			/* do not try ssh-agent */
	int no_password;		/* do not log in with a password */
	int no_save;			/* --dry-run: an accepted key is not
					 * written to known_hosts */
	cw_scp_ask_fn *ask;		/* NULL: batch mode, never asks */
	cw_scp_hostkey_fn *confirm_hostkey;	/* NULL: batch mode */
	void *ctx;			/* passed to ask and confirm_hostkey */
};

struct cw_cfg;

/* Zeroes o and fills it from the configuration: known_hosts
 * ([sc3] known_hosts) and timeout_ms ([network] timeout_ms).  The strings
 * stay owned by cfg. */
void cw_scp_opts_init(struct cw_scp_opts *o, const struct cw_cfg *cfg);

struct cw_scp;

/* Connects, checks the host key and authenticates as t->user.  Caller frees
 * with cw_scp_free().  Errors: CW_E_NET (resolve, connect, timeout,
 * handshake, no common cipher), CW_E_HOSTKEY, CW_E_AUTH, CW_E_USAGE (bad
 * option, no terminal to ask on), CW_E_IO (known_hosts, key file). */
int cw_scp_connect(const struct cw_scp_target *t, const struct cw_scp_opts *o,
    struct cw_scp **out, struct cw_error *err);

/* Closes the connection (politely when it is still up).  NULL is a no-op. */
void cw_scp_free(struct cw_scp *s);

/* The server's host key fingerprint ("SHA256:...") and type name
 * ("ssh-ed25519"...): valid until cw_scp_free(). */
const char *cw_scp_fingerprint(const struct cw_scp *s);
const char *cw_scp_key_type(const struct cw_scp *s);

/* Uploads local_path to remote_path (PATH.part, then mv over PATH) with the
 * given mode.  progress may be NULL.  Returns 0 once PATH holds the file. */
int cw_scp_upload(struct cw_scp *s, const char *local_path,
    const char *remote_path, mode_t mode, cw_scp_progress_fn *progress,
    void *ctx, struct cw_error *err);

/* Downloads remote_path into local_path (mode applied), refusing a remote
 * file larger than max_size bytes.  Returns 0 once local_path holds every
 * byte (fsynced). */
int cw_scp_download(struct cw_scp *s, const char *remote_path,
    const char *local_path, mode_t mode, uint64_t max_size,
    cw_scp_progress_fn *progress, void *ctx, struct cw_error *err);

/* Hands every byte of remote_path (at most max_size) to fn, in order, as
 * it arrives (from the transfer's file thread); nothing is written here.
 * fn returning -1 stops the transfer with its error.  Returns 0 once all
 * bytes were handed over and the server confirmed the end. */
typedef int cw_scp_sink_fn(void *ctx, const void *buf, size_t len,
    struct cw_error *err);
int cw_scp_download_stream(struct cw_scp *s, const char *remote_path,
    uint64_t max_size, cw_scp_sink_fn *fn, void *fn_ctx,
    cw_scp_progress_fn *progress, void *ctx, struct cw_error *err);

/* Confirms the remote copy: its size must be size and, when sha256 is not
 * NULL, the SHA-256 of its content (read back) must equal sha256[32].
 * Mismatch: CW_E_PROTO. */
int cw_scp_verify(struct cw_scp *s, const char *remote_path, uint64_t size,
    const unsigned char *sha256, cw_scp_progress_fn *progress, void *ctx,
    struct cw_error *err);

/* For --dry-run: proves that remote_dir is writable by writing and removing
 * an empty probe file there.  The connection already proved the host key
 * and the credentials. */
int cw_scp_probe_dir(struct cw_scp *s, const char *remote_dir,
    struct cw_error *err);

/* The OpenSSH-style fingerprint of a host key blob: "SHA256:" + unpadded
 * base64 of its SHA-256.  Returns 0, or -1 when out is too small. */
int cw_scp_fingerprint_format(const unsigned char *blob, size_t len,
    char *out, size_t outlen);

/* The directory part of a remote path ("." for a bare name). */
void cw_scp_remote_dir(const char *path, char *out, size_t outlen);

#endif
