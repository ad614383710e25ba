/* scp.c - USER@HOST:PATH parsing, the TCP connection and the SSH session.
 *
 *   cw_scp_connect: resolve ─► TCP (timeout) ─► handshake ─► host key ─► auth
 *                      │            │               │ no common algorithm:
 *                      ▼            ▼               ▼ name the server's lists
 *                   CW_E_NET     CW_E_NET        CW_E_NET   CW_E_HOSTKEY CW_E_AUTH
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cfg.h"
#include "core/i18n.h"
#include "sc3/scp-int.h"

/* ---- USER@HOST:PATH ---- */

static int
has_ctrl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* Colons in the leading run of hex digits and colons: 2 or more is an
 * IPv6 address written without brackets. */
static int
colons_in_hex_run(const char *p)
{
	int n = 0;

	for (; *p != '\0' && strchr("0123456789abcdefABCDEF:", *p) != NULL; p++)
		n += *p == ':';
	return n;
}

int
cw_scp_target_parse(const char *spec, struct cw_scp_target *out,
    struct cw_error *err)
{
	const char *at, *host, *hend, *path;
	size_t ulen, hlen;

	memset(out, 0, sizeof(*out));
	if (spec == NULL || *spec == '\0')
		return cw_error_set(err, CW_E_USAGE,
		    _("no remote location given: write USER@HOST:PATH"));
	if (has_ctrl(spec))
		return cw_error_set(err, CW_E_USAGE,
		    _("the remote location '%s' contains control characters"), spec);
	at = strchr(spec, '@');
	if (at == NULL || (strchr(spec, ':') != NULL && strchr(spec, ':') < at)) {
		cw_error_set(err, CW_E_USAGE, _("no user name in '%s'"), spec);
		cw_error_fix(err, "ssh.user");
		return cw_error_hint(err, _("Write USER@HOST:PATH, e.g. admin@192.0.2.10:/var/backup/sc3migration."));
	}
	ulen = (size_t)(at - spec);
	host = at + 1;
	if (ulen == 0) {
		cw_error_set(err, CW_E_USAGE, _("empty user name in '%s'"), spec);
		return cw_error_hint(err, _("Write USER@HOST:PATH, e.g. admin@192.0.2.10:/var/backup/sc3migration."));
	}
	if (ulen >= sizeof(out->user))
		return cw_error_set(err, CW_E_USAGE, _("the user name in '%s' is too long"), spec);
	if (strcspn(spec, " \t/") < ulen)
		return cw_error_set(err, CW_E_USAGE,
		    _("the user name in '%s' contains a space or a slash"), spec);

	if (*host == '[') {
		host++;
		if ((hend = strchr(host, ']')) == NULL)
			return cw_error_set(err, CW_E_USAGE,
			    _("missing ']' after the IPv6 address in '%s'"), spec);
		if (hend[1] != ':') {
			cw_error_set(err, CW_E_USAGE, _("no path after the host in '%s'"), spec);
			return cw_error_hint(err, _("Write USER@[ADDRESS]:PATH."));
		}
		path = hend + 2;
	} else {
		if ((hend = strchr(host, ':')) == NULL) {
			cw_error_set(err, CW_E_USAGE, _("no path after the host in '%s'"), spec);
			return cw_error_hint(err, _("Write USER@HOST:PATH, e.g. admin@192.0.2.10:/var/backup/sc3migration."));
		}
		path = hend + 1;
		/* "u@fe80::1:/x": an IPv6 address needs brackets. */
		if (path[0] == ':' || colons_in_hex_run(host) >= 2) {
			cw_error_set(err, CW_E_USAGE,
			    _("the host in '%s' looks like an IPv6 address without brackets"), spec);
			return cw_error_hint(err, _("Write USER@[ADDRESS]:PATH."));
		}
	}
	hlen = (size_t)(hend - host);
	if (hlen == 0)
		return cw_error_set(err, CW_E_USAGE, _("no host name in '%s'"), spec);
	if (hlen >= sizeof(out->host))
		return cw_error_set(err, CW_E_USAGE, _("the host name in '%s' is too long"), spec);
	if (memchr(host, '@', hlen) != NULL || memchr(host, '/', hlen) != NULL ||
	    memchr(host, ' ', hlen) != NULL)
		return cw_error_set(err, CW_E_USAGE, _("the host name in '%s' is not valid"), spec);
	if (*path == '\0') {
		cw_error_set(err, CW_E_USAGE, _("no path after the host in '%s'"), spec);
		return cw_error_hint(err, _("Write USER@HOST:PATH, e.g. admin@192.0.2.10:/var/backup/sc3migration."));
	}
	/* Commands run in the home directory and the path is quoted for the
	 * shell (no ~ expansion): "~/x" is simply "x". */
	if (path[0] == '~') {
		if (path[1] != '/' || path[2] == '\0') {
			cw_error_set(err, CW_E_USAGE, _("the path in '%s' uses '~' in a way certwiz does not expand"), spec);
			return cw_error_hint(err, _("Give an absolute path, or a path relative to the home directory (\"~/x\" or \"x\")."));
		}
		path += 2;
	}
	if (strlen(path) >= sizeof(out->path))
		return cw_error_set(err, CW_E_USAGE, _("the path in '%s' is too long"), spec);
	memcpy(out->user, spec, ulen);
	memcpy(out->host, host, hlen);
	snprintf(out->path, sizeof(out->path), "%s", path);
	return 0;
}

void
cw_scp_remote_dir(const char *path, char *out, size_t outlen)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(out, outlen, ".");
	else if (slash == path)
		snprintf(out, outlen, "/");
	else
		snprintf(out, outlen, "%.*s", (int)(slash - path), path);
}

int
cw_scp_in_list(const char *list, const char *name, size_t n)
{
	size_t len;

	for (const char *p = list; *p != '\0'; p += len + (p[len] == ',')) {
		len = strcspn(p, ",");
		if (len == n && memcmp(p, name, n) == 0)
			return 1;
	}
	return 0;
}

int
cw_scp_shell_quote(const char *arg, char *buf, size_t len)
{
	size_t used = strlen(buf);

#define PUT(c) do { if (used + 1 >= len) return -1; buf[used++] = (c); } while (0)
	PUT('\'');
	for (; *arg != '\0'; arg++) {
		if (*arg == '\'') {
			PUT('\''); PUT('\\'); PUT('\''); PUT('\'');
		} else
			PUT(*arg);
	}
	PUT('\'');
#undef PUT
	buf[used] = '\0';
	return 0;
}

void
cw_scp_opts_init(struct cw_scp_opts *o, const struct cw_cfg *cfg)
{
	memset(o, 0, sizeof(*o));
	if (cfg != NULL) {
		o->known_hosts = cfg->known_hosts;
		o->timeout_ms = cfg->timeout_ms;
	}
}

/* ---- the connection ---- */

int
cw_scp_lib_detail(struct cw_scp *s, struct cw_error *err)
{
	const char *msg;

	if (s->session != NULL && (msg = ssh_get_error(s->session)) != NULL &&
	    *msg != '\0')
		cw_error_detail(err, "libssh: %s", msg);
	return -1;
}

int
cw_scp_tcp_open(const struct sockaddr *sa, socklen_t salen, int timeout_ms)
{
	struct pollfd pfd;
	socklen_t elen = sizeof(int);
	int fd, flags, e = 0, one = 1, r;

	if ((fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		goto fail;
	if (connect(fd, sa, salen) == -1) {
		if (errno != EINPROGRESS)
			goto fail;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		do
			r = poll(&pfd, 1, timeout_ms);
		while (r == -1 && errno == EINTR);
		if (r == 0) {
			errno = ETIMEDOUT;
			goto fail;
		}
		if (r == -1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) == -1)
			goto fail;
		if (e != 0) {
			errno = e;
			goto fail;
		}
	}
	if (fcntl(fd, F_SETFL, flags) == -1)
		goto fail;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* What certwiz negotiates, each list in its order of preference (issue
 * 17, measured on 512 MiB over loopback: AES-GCM costs the least CPU on
 * both ends, ChaCha20-Poly1305 is OpenSSH's first choice, AES-CTR with
 * an HMAC is for servers without AEAD ciphers).  No CBC cipher
 * (CPNI-957037 plaintext recovery), no MD5 or RIPEMD MAC, no SHA-1 key
 * exchange or group1, no SHA-1 "ssh-rsa" host key signatures (refused
 * since OpenSSH 8.8; RSA keys sign with rsa-sha2-512/256). */
static const char *const policy[CW_SCP_METHOD__MAX] = {
	[CW_SCP_KEX] = "curve25519-sha256,curve25519-sha256@libssh.org,"
	    "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
	    "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
	    "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256",
	[CW_SCP_HOSTKEY] = "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
	    "ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256",
	[CW_SCP_CIPHER_CS] = "aes128-gcm@openssh.com,aes256-gcm@openssh.com,"
	    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr",
	[CW_SCP_CIPHER_SC] = "aes128-gcm@openssh.com,aes256-gcm@openssh.com,"
	    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr",
	[CW_SCP_MAC_CS] = "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
	    "hmac-sha2-256,hmac-sha2-512,hmac-sha1-etm@openssh.com,hmac-sha1",
	[CW_SCP_MAC_SC] = "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
	    "hmac-sha2-256,hmac-sha2-512,hmac-sha1-etm@openssh.com,hmac-sha1",
};

/* The libssh option that sets each list. */
static const enum ssh_options_e policy_option[CW_SCP_METHOD__MAX] = {
	[CW_SCP_KEX] = SSH_OPTIONS_KEY_EXCHANGE,
	[CW_SCP_HOSTKEY] = SSH_OPTIONS_HOSTKEYS,
	[CW_SCP_CIPHER_CS] = SSH_OPTIONS_CIPHERS_C_S,
	[CW_SCP_CIPHER_SC] = SSH_OPTIONS_CIPHERS_S_C,
	[CW_SCP_MAC_CS] = SSH_OPTIONS_HMAC_C_S,
	[CW_SCP_MAC_SC] = SSH_OPTIONS_HMAC_S_C,
};

const char *
cw_scp_policy(enum cw_scp_method method)
{
	return (unsigned)method < CW_SCP_METHOD__MAX ? policy[method] : NULL;
}

/* libssh reads no ssh_config, nothing under ~/.ssh and no keys of its
 * own: everything it uses is what certwiz set.  Its ssh dir is set too,
 * so that no home directory is looked up (an account without one still
 * copies). */
static int
session_new(struct cw_scp *s)
{
	long zero = 0, usec = (long)s->timeout_ms * 1000;
	int no = 0, i;

	if ((s->session = ssh_new()) == NULL)
		return -1;
	if (ssh_options_set(s->session, SSH_OPTIONS_PROCESS_CONFIG, &no) != 0 ||
	    ssh_options_set(s->session, SSH_OPTIONS_HOST, s->host) != 0 ||
	    ssh_options_set(s->session, SSH_OPTIONS_PORT, &s->port) != 0 ||
	    ssh_options_set(s->session, SSH_OPTIONS_USER, s->user) != 0 ||
	    ssh_options_set(s->session, SSH_OPTIONS_SSH_DIR, "/dev/null") != 0 ||
	    ssh_options_set(s->session, SSH_OPTIONS_KNOWNHOSTS, "/dev/null") != 0 ||
	    ssh_options_set(s->session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") != 0 ||
	    ssh_options_set(s->session, SSH_OPTIONS_TIMEOUT, &zero) != 0 ||
	    ssh_options_set(s->session, SSH_OPTIONS_TIMEOUT_USEC, &usec) != 0 ||
	    ssh_options_set(s->session, SSH_OPTIONS_COMPRESSION, "no") != 0)
		return -1;
	for (i = 0; i < CW_SCP_METHOD__MAX; i++)
		if (ssh_options_set(s->session, policy_option[i], policy[i]) != 0)
			return -1;
	return 0;
}

static int
tcp_connect(struct cw_scp *s, struct cw_error *err)
{
	struct addrinfo hints, *res = NULL, *ai;
	char port[16];
	int r, e = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%d", s->port);
	if ((r = getaddrinfo(s->host, port, &hints, &res)) != 0) {
		cw_error_set(err, CW_E_NET, _("cannot resolve the host name '%s'"), s->host);
		cw_error_detail(err, "%s", gai_strerror(r));
		return cw_error_hint(err, _("Check the host name and the DNS settings; nothing was copied."));
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((s->fd = cw_scp_tcp_open(ai->ai_addr, ai->ai_addrlen, s->timeout_ms)) != -1) {
			memcpy(&s->sa, ai->ai_addr, ai->ai_addrlen);
			s->salen = ai->ai_addrlen;
			break;
		}
		e = errno;
	}
	freeaddrinfo(res);
	if (s->fd == -1) {
		if (e == ETIMEDOUT)
			cw_error_set(err, CW_E_NET,
			    _("no answer from '%s' port %d within %d ms"), s->host,
			    s->port, s->timeout_ms);
		else
			cw_error_set(err, CW_E_NET, _("cannot connect to '%s' port %d"),
			    s->host, s->port);
		cw_error_detail(err, "%s", strerror(e));
		cw_error_fix(err, "ssh.port");
		return cw_error_hint(err, _("Check that the host is up, that its SSH server listens on that port (--port) and that no firewall blocks it; nothing was copied."));
	}
	return 0;
}

int
cw_scp_connect(const struct cw_scp_target *t, const struct cw_scp_opts *o,
    struct cw_scp **out, struct cw_error *err)
{
	struct cw_scp *s = NULL;
	int rc = -1;

	*out = NULL;
	if (o->known_hosts == NULL || *o->known_hosts == '\0')
		return cw_error_set(err, CW_E_USAGE,
		    _("no known_hosts file configured ([sc3] known_hosts or --known-hosts)"));
	if (o->port < 0 || o->port > 65535)
		return cw_error_set(err, CW_E_USAGE, _("port %d is not valid (1-65535)"), o->port);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	s->fd = -1;
	s->port = o->port > 0 ? o->port : 22;
	s->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 3000;
	snprintf(s->user, sizeof(s->user), "%s", t->user);
	snprintf(s->host, sizeof(s->host), "%s", t->host);

	if (tcp_connect(s, err) == -1)
		goto out;
	if (session_new(s) == -1) {
		cw_error_set(err, CW_E_NOMEM, _("cannot set up the SSH session"));
		cw_scp_lib_detail(s, err);
		goto out;
	}
	if (cw_scp_hostkey_prefer_known(s, o, err) == -1)
		goto out;
	/* From here libssh owns the socket (it closes it in ssh_free). */
	if (ssh_options_set(s->session, SSH_OPTIONS_FD, &s->fd) != 0) {
		cw_error_set(err, CW_E_NOMEM, _("cannot set up the SSH session"));
		goto out;
	}
	s->fd = -1;
	if (ssh_connect(s->session) != SSH_OK) {
		const char *why = ssh_get_error(s->session);

		if (strstr(why, "no match for method") != NULL) {
			cw_scp_explain_kex(s, err);
		} else if (strstr(why, "imeout") != NULL) {
			cw_error_set(err, CW_E_NET,
			    _("the SSH server on '%s' port %d did not answer within %d ms"),
			    s->host, s->port, s->timeout_ms);
			cw_scp_lib_detail(s, err);
			cw_error_hint(err, _("Check that an SSH server listens on that port; nothing was copied."));
		} else {
			cw_error_set(err, CW_E_NET, _("SSH handshake with '%s' failed"), s->host);
			cw_scp_lib_detail(s, err);
			cw_error_hint(err, _("Check that an SSH server listens on that port; nothing was copied."));
		}
		goto out;
	}
	if (cw_scp_hostkey_check(s, o, err) == -1 || cw_scp_auth(s, o, err) == -1)
		goto out;
	*out = s;
	s = NULL;
	rc = 0;
out:
	cw_scp_free(s);
	return rc;
}

void
cw_scp_free(struct cw_scp *s)
{
	if (s == NULL)
		return;
	if (s->session != NULL) {
		long usec = 1000000;

		/* A short timeout: a dead peer must not hold the caller. */
		(void)ssh_options_set(s->session, SSH_OPTIONS_TIMEOUT_USEC, &usec);
		if (ssh_is_connected(s->session))
			ssh_disconnect(s->session);
		ssh_free(s->session);
	}
	if (s->fd != -1)
		close(s->fd);
	free(s->kh_text);
	free(s);
}

const char *
cw_scp_fingerprint(const struct cw_scp *s)
{
	return s->fp;
}

const char *
cw_scp_key_type(const struct cw_scp *s)
{
	return s->key_type;
}
