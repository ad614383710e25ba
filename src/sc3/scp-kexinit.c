/* scp-kexinit.c - why a handshake found no common algorithm.
 *
 * libssh2 reports only "unable to exchange encryption keys".  To name what
 * the server offers, a second connection reads the server's KEXINIT (sent
 * in clear, RFC 4253 section 7.1) and compares each of its lists with what
 * libssh2 supports.  Every read is capped and bounded by the timeout. */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/i18n.h"
#include "sc3/scp-int.h"

#define MAX_PACKET 35000
#define MAX_BANNER_LINES 16

static int
read_full(int fd, unsigned char *buf, size_t len, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	while (len > 0) {
		if ((r = poll(&pfd, 1, timeout_ms)) <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			return -1;
		}
		if ((n = read(fd, buf, len)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The next SSH name-list of the payload as a NUL-terminated copy. */
static char *
next_list(const unsigned char **p, const unsigned char *end)
{
	uint32_t n;
	char *s;

	if (end - *p < 4)
		return NULL;
	n = (uint32_t)(*p)[0] << 24 | (uint32_t)(*p)[1] << 16 |
	    (uint32_t)(*p)[2] << 8 | (*p)[3];
	*p += 4;
	if (n > (size_t)(end - *p) || (s = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(s, *p, n);
	s[n] = '\0';
	*p += n;
	return s;
}

static int
in_list(const char *list, const char *name, size_t n)
{
	const char *p = list;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* 1 when the server list and ours (certwiz's policy, else libssh2's
 * algorithms) have a name in common; ours gets our list. */
static int
common(LIBSSH2_SESSION *session, int method, const char *theirs, char *ours,
    size_t len)
{
	const char **algs = NULL, *policy = cw_scp_policy(method);
	int n, i, found = 0;
	size_t used = 0;

	ours[0] = '\0';
	if (policy != NULL) {
		char *list = strdup(policy), *save = NULL;

		if (list == NULL)
			return 1;
		snprintf(ours, len, "%s", policy);
		for (char *t = strtok_r(list, ",", &save); t != NULL && !found;
		    t = strtok_r(NULL, ",", &save))
			found = in_list(theirs, t, strlen(t));
		free(list);
		return found;
	}
	if ((n = libssh2_session_supported_algs(session, method, &algs)) <= 0)
		return 1;	/* cannot tell: do not blame this list */
	for (i = 0; i < n; i++) {
		if (in_list(theirs, algs[i], strlen(algs[i])))
			found = 1;
		if (used < len)
			used += (size_t)snprintf(ours + used, len - used, "%s%s",
			    i > 0 ? "," : "", algs[i]);
	}
	libssh2_free(session, algs);
	return found;
}

int
cw_scp_kexinit_explain(struct cw_scp *s, const unsigned char *pkt, size_t len,
    struct cw_error *err)
{
	/* RFC 4253 order: kex, host key, cipher c->s, cipher s->c, mac c->s... */
	static const struct {
		int method;
		const char *what;
	} lists[] = {
		/* TRANSLATORS: these fill "SSH handshake with '%s' failed: no %s
		 * in common" (the kind of algorithm both sides lack). */
		{ LIBSSH2_METHOD_KEX, N_("key exchange method") },
		{ LIBSSH2_METHOD_HOSTKEY, N_("host key type") },
		{ LIBSSH2_METHOD_CRYPT_CS, N_("cipher") },
		{ LIBSSH2_METHOD_CRYPT_SC, N_("cipher") },
		{ LIBSSH2_METHOD_MAC_CS, N_("MAC") },
		{ LIBSSH2_METHOD_MAC_SC, N_("MAC") },
	};
	const unsigned char *p, *end = pkt + len;
	char *theirs = NULL, ours[1024];
	size_t i;

	if (len < 17 || pkt[0] != 20)	/* SSH_MSG_KEXINIT + cookie */
		return -1;
	p = pkt + 17;
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		free(theirs);
		if ((theirs = next_list(&p, end)) == NULL)
			break;
		if (!common(s->session, lists[i].method, theirs, ours, sizeof(ours))) {
			/* TRANSLATORS: %s: "cipher", "MAC"...; then the host. */
			cw_error_set(err, CW_E_NET, _("SSH handshake with '%s' failed: no %s in common"),
			    s->host, _(lists[i].what));
			/* TRANSLATORS: the two algorithm lists. */
			cw_error_detail(err, _("the server offers %s; libssh2 %s supports %s"),
			    theirs, LIBSSH2_VERSION, ours);
			cw_error_hint(err, _("Allow one of the supported algorithms on the server (sshd_config Ciphers, MACs, KexAlgorithms, HostKeyAlgorithms); see SSH NOTES in certwiz(1).  Nothing was copied."));
			break;
		}
	}
	free(theirs);
	return -1;
}

int
cw_scp_explain_kex(struct cw_scp *s, struct cw_error *err)
{
	static const char banner[] = "SSH-2.0-certwiz_probe\r\n";
	unsigned char hdr[5], *pkt = NULL, c;
	char line[256];
	size_t used;
	uint32_t plen;
	int fd = -1, lines;

	cw_error_set(err, CW_E_NET, _("SSH handshake with '%s' failed: no algorithm in common"), s->host);
	cw_scp_lib_detail(s, err);
	cw_error_hint(err, _("See SSH NOTES in certwiz(1) for what libssh2 supports; nothing was copied."));

	if ((fd = cw_scp_tcp_open((struct sockaddr *)&s->sa, s->salen, s->timeout_ms)) == -1)
		goto out;
	/* The server's identification line, maybe after other lines. */
	for (lines = 0; lines < MAX_BANNER_LINES; lines++) {
		used = 0;
		do {
			if (read_full(fd, &c, 1, s->timeout_ms) == -1)
				goto out;
			if (used + 1 < sizeof(line))
				line[used++] = (char)c;
		} while (c != '\n');
		line[used] = '\0';
		if (strncmp(line, "SSH-", 4) == 0)
			break;
	}
	if (lines == MAX_BANNER_LINES ||
	    send(fd, banner, sizeof(banner) - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof(banner) - 1) ||
	    read_full(fd, hdr, 5, s->timeout_ms) == -1)
		goto out;
	plen = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
	if (plen < 2 || plen > MAX_PACKET || hdr[4] >= plen - 1 ||
	    (pkt = malloc(plen - 1)) == NULL ||
	    read_full(fd, pkt, plen - 1, s->timeout_ms) == -1)
		goto out;
	cw_scp_kexinit_explain(s, pkt, plen - 1 - hdr[4], err);
out:
	free(pkt);
	if (fd != -1)
		close(fd);
	return -1;
}
