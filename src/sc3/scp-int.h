/* scp-int.h - what the scp*.c files share; not for other modules. */
#ifndef CW_SCP_INT_H
#define CW_SCP_INT_H

#include <sys/socket.h>

#include <libssh2.h>

#include "sc3/scp.h"

struct cw_scp {
	LIBSSH2_SESSION *session;
	int fd;				/* the TCP socket, -1 when closed */
	int timeout_ms;
	int port;
	char user[CW_SCP_USER_MAX];
	char host[CW_SCP_HOST_MAX];
	char fp[CW_SCP_FP_MAX];		/* host key fingerprint */
	const char *key_type;		/* static string */
	struct sockaddr_storage sa;	/* the address connected to */
	socklen_t salen;
};

/* Allocates like libssh2's allocator for this session (a block libssh2
 * frees and wipes itself, e.g. keyboard-interactive answers). */
void *cw_scp_alloc(size_t count);

/* Copies libssh2's last error into err's detail.  Returns -1. */
int cw_scp_lib_detail(struct cw_scp *s, struct cw_error *err);

/* scp-hostkey.c: the key types known_hosts holds for a host. */
#define CW_SCP_KNOWN_TYPES 6
struct cw_scp_known {
	const char *name;		/* "ssh-ed25519"... (static) */
	int known;			/* known_hosts has a key of this type */
	char fp[CW_SCP_FP_MAX];		/* the first such key's fingerprint */
};

/* Fills known[i] for each key type certwiz knows (OpenSSH's order):
 * whether kh holds a key of that type for host and port (the [host]:port
 * form and hashed names included).  Returns how many types are known. */
int cw_scp_known_types(LIBSSH2_KNOWNHOSTS *kh, const char *host, int port,
    struct cw_scp_known known[CW_SCP_KNOWN_TYPES]);

/* scp-hostkey.c: checks the session's host key against known_hosts,
 * accepting (and saving) an unknown one only as the options allow. */
int cw_scp_hostkey_check(struct cw_scp *s, const struct cw_scp_opts *o,
    struct cw_error *err);

/* Hands each known_hosts line of buf (len bytes, capped by the caller) to
 * kh, skipping comments and lines libssh2 cannot parse.  Pure (the fuzz
 * harness calls it).  Returns 1 when an @revoked line names key_b64 (may
 * be NULL: none is looked for). */
int cw_scp_known_hosts_feed(LIBSSH2_KNOWNHOSTS *kh, const char *buf,
    size_t len, const char *key_b64);

/* Before the handshake: asks for the host key types known_hosts already
 * has for this host first (as OpenSSH does), so a server with several
 * keys shows the one the admin trusted.  Best effort, never fails. */
void cw_scp_hostkey_prefer_known(struct cw_scp *s, const struct cw_scp_opts *o);

/* scp-auth.c: authenticates s->user in the documented order. */
int cw_scp_auth(struct cw_scp *s, const struct cw_scp_opts *o,
    struct cw_error *err);

/* scp-kexinit.c: after a failed handshake, reads the server's KEXINIT on a
 * fresh connection and explains which algorithm list has nothing in common
 * with libssh2.  Sets err (CW_E_NET) and returns -1 in every case. */
int cw_scp_explain_kex(struct cw_scp *s, struct cw_error *err);
/* The comma-separated algorithms certwiz allows for a LIBSSH2_METHOD_*
 * (preferred in that order), NULL when libssh2's defaults stand. */
const char *cw_scp_policy(int method);

/* The same for a KEXINIT payload already read (pkt, len bytes, padding
 * removed): sets err when a list has nothing in common.  Pure (the fuzz
 * harness calls it).  Returns -1. */
int cw_scp_kexinit_explain(struct cw_scp *s, const unsigned char *pkt,
    size_t len, struct cw_error *err);

/* Opens a TCP connection to sa, honouring timeout_ms.  Returns the fd
 * (blocking) or -1 with errno set. */
int cw_scp_tcp_open(const struct sockaddr *sa, socklen_t salen, int timeout_ms);

/* Runs cmd on the server; 0 when it exited 0.  The first line of its
 * stderr (capped) goes to err's detail on failure (CW_E_PROTO). */
int cw_scp_exec(struct cw_scp *s, const char *cmd, struct cw_error *err);

/* Appends the shell-quoted form of arg ('...' with ' as '\'') to buf.
 * Returns -1 when it does not fit. */
int cw_scp_shell_quote(const char *arg, char *buf, size_t len);

#endif
