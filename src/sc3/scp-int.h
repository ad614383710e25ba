/* scp-int.h - what the scp*.c files share; not for other modules. */
#ifndef CW_SCP_INT_H
#define CW_SCP_INT_H

#include <sys/socket.h>

#include <libssh/libssh.h>

#include "sc3/scp.h"

struct cw_scp {
	ssh_session session;
	int fd;				/* the TCP socket until libssh owns it, else -1 */
	int timeout_ms;
	int port;
	char user[CW_SCP_USER_MAX];
	char host[CW_SCP_HOST_MAX];
	char fp[CW_SCP_FP_MAX];		/* host key fingerprint */
	const char *key_type;		/* static string */
	struct sockaddr_storage sa;	/* the address connected to */
	socklen_t salen;
	char *kh_text;			/* known_hosts as read once (or NULL) */
	size_t kh_len;
};

/* Copies libssh's last error into err's detail.  Returns -1. */
int cw_scp_lib_detail(struct cw_scp *s, struct cw_error *err);

/* scp-hostkey.c: the key types known_hosts holds for a host. */
#define CW_SCP_KNOWN_TYPES 6
struct cw_scp_known {
	const char *name;		/* "ssh-ed25519"... (static) */
	int known;			/* known_hosts has a key of this type */
	char fp[CW_SCP_FP_MAX];		/* the first such key's fingerprint */
};

/* What known_hosts says of a host (pure: the fuzz harness calls it).
 * Each line of buf (len bytes, capped by the caller) is parsed with
 * libssh's ssh_known_hosts_parse_line() for hostport ("host", or
 * "[host]:port" when the port is not 22: hashed names included); comments
 * and lines libssh cannot parse are skipped, @revoked lines are ours.
 * Fills known[i] for each key type certwiz knows (OpenSSH's order) and
 * returns how many types are known.  *match is set when key (may be NULL)
 * is one of the host's keys, *revoked when an @revoked line names key_b64
 * (may be NULL). */
int cw_scp_known_hosts_scan(const char *buf, size_t len, const char *hostport,
    ssh_key key, const char *key_b64, struct cw_scp_known known[CW_SCP_KNOWN_TYPES],
    int *match, int *revoked);

/* scp-hostkey.c: checks the session's host key against known_hosts,
 * accepting (and saving) an unknown one only as the options allow. */
int cw_scp_hostkey_check(struct cw_scp *s, const struct cw_scp_opts *o,
    struct cw_error *err);

/* Before the handshake: reads known_hosts once (s->kh_text, capped; a
 * missing file is an empty one) and asks for the host key types it
 * already has for this host first (as OpenSSH does), so a server with
 * several keys shows the one the admin trusted.  -1 with err set when
 * known_hosts cannot be read. */
int cw_scp_hostkey_prefer_known(struct cw_scp *s, const struct cw_scp_opts *o,
    struct cw_error *err);

/* scp-auth.c: authenticates s->user in the documented order. */
int cw_scp_auth(struct cw_scp *s, const struct cw_scp_opts *o,
    struct cw_error *err);

/* scp-kexinit.c: after a failed handshake, reads the server's KEXINIT on a
 * fresh connection and explains which algorithm list has nothing in common
 * with certwiz's.  Sets err (CW_E_NET) and returns -1 in every case. */
int cw_scp_explain_kex(struct cw_scp *s, struct cw_error *err);

/* The KEXINIT name-lists certwiz negotiates, in RFC 4253 order. */
enum cw_scp_method {
	CW_SCP_KEX = 0,
	CW_SCP_HOSTKEY,
	CW_SCP_CIPHER_CS,
	CW_SCP_CIPHER_SC,
	CW_SCP_MAC_CS,
	CW_SCP_MAC_SC,
	CW_SCP_METHOD__MAX
};
/* The comma-separated algorithms certwiz allows for a list, preferred in
 * that order (scp.c). */
const char *cw_scp_policy(enum cw_scp_method method);

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

/* 1 when name (n bytes, need not be NUL-terminated) is an entry of the
 * comma-separated list (an SSH name-list). */
int cw_scp_in_list(const char *list, const char *name, size_t n);

/* Appends the shell-quoted form of arg ('...' with ' as '\'') to buf.
 * Returns -1 when it does not fit. */
int cw_scp_shell_quote(const char *arg, char *buf, size_t len);

#endif
