/* scp-kexinit.c - why a handshake found no common algorithm.
 *
 * libssh names only the first list without a match.  To name every list
 * in the server's words, a second connection reads the server's KEXINIT
 * (sent in clear, RFC 4253 section 7.1) and compares each of its lists
 * with certwiz's policy (scp.c).  Every read is capped and bounded by the
 * timeout. */
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

/* The first name of certwiz's policy for method that the server's list
 * has (the one the handshake picks; *n its length), or NULL. */
static const char *
first_common(enum cw_scp_method method, const char *theirs, size_t *n)
{
	for (const char *p = cw_scp_policy(method); *p != '\0'; p += *n + (p[*n] == ',')) {
		*n = strcspn(p, ",");
		if (*n > 0 && cw_scp_in_list(theirs, p, *n))
			return p;
	}
	return NULL;
}

/* 1 when the cipher negotiated from the server's list is an AEAD one:
 * GCM and ChaCha20-Poly1305 bring their own MAC, and the MAC lists then
 * do not matter. */
static int
aead_chosen(enum cw_scp_method method, const char *theirs)
{
	size_t n;
	const char *p = first_common(method, theirs, &n);

	return p != NULL && (memmem(p, n, "-gcm@", 5) != NULL ||
	    memmem(p, n, "poly1305", 8) != NULL);
}

int
cw_scp_kexinit_explain(struct cw_scp *s, const unsigned char *pkt, size_t len,
    struct cw_error *err)
{
	/* RFC 4253 order: kex, host key, cipher c->s, cipher s->c, mac c->s... */
	static const char *const what[CW_SCP_METHOD__MAX] = {
		/* TRANSLATORS: these fill "SSH handshake with '%s' failed: no %s
		 * in common" (the kind of algorithm both sides lack). */
		N_("key exchange method"), N_("host key type"), N_("cipher"),
		N_("cipher"), N_("MAC"), N_("MAC"),
	};
	const unsigned char *p, *end = pkt + len;
	char *theirs[CW_SCP_METHOD__MAX] = { NULL };
	size_t n;
	int i;

	if (len < 17 || pkt[0] != 20)	/* SSH_MSG_KEXINIT + cookie */
		return -1;
	p = pkt + 17;
	for (i = 0; i < CW_SCP_METHOD__MAX; i++)
		if ((theirs[i] = next_list(&p, end)) == NULL)
			goto out;
	for (i = 0; i < CW_SCP_METHOD__MAX; i++) {
		if ((i == CW_SCP_MAC_CS &&
		    aead_chosen(CW_SCP_CIPHER_CS, theirs[CW_SCP_CIPHER_CS])) ||
		    (i == CW_SCP_MAC_SC &&
		    aead_chosen(CW_SCP_CIPHER_SC, theirs[CW_SCP_CIPHER_SC])))
			continue;
		if (first_common((enum cw_scp_method)i, theirs[i], &n) == NULL) {
			/* TRANSLATORS: %s: "cipher", "MAC"...; then the host. */
			cw_error_set(err, CW_E_NET, _("SSH handshake with '%s' failed: no %s in common"),
			    s->host, _(what[i]));
			/* TRANSLATORS: the two algorithm lists. */
			cw_error_detail(err, _("the server offers %s; certwiz supports %s"),
			    theirs[i], cw_scp_policy((enum cw_scp_method)i));
			cw_error_hint(err, _("Allow one of the supported algorithms on the server (sshd_config Ciphers, MACs, KexAlgorithms, HostKeyAlgorithms); see SSH NOTES in certwiz(1).  Nothing was copied."));
			break;
		}
	}
out:
	for (i = 0; i < CW_SCP_METHOD__MAX; i++)
		free(theirs[i]);
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
	cw_error_hint(err, _("See SSH NOTES in certwiz(1) for the algorithms certwiz supports; nothing was copied."));

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
