/* ntp-sntp.c - certwiz's own SNTP client (RFC 5905 client mode, RFC 4330
 * checks) with the symmetric-key MAC: key ID (4 bytes) followed by
 * digest(key || packet), MD5 (16 bytes) or SHA1 (20 bytes).
 *
 * One query: resolve (IPv4 and IPv6), then per address: connected UDP
 * socket, send, wait until the deadline for an answer to *this* request
 * (origin timestamp = our random transmit timestamp).  A reply with the
 * right origin but a bad or missing MAC is remembered, not believed: the
 * real answer may still come, and a forger must not be able to cut the wait
 * short.  An authentic kiss-o'-death (with a verified MAC when the query
 * has a key) and "unsynchronised" end the wait. */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/i18n.h"
#include "ntp/ntp.h"

#define NTP_UNIX_EPOCH	2208988800ULL	/* 1900-01-01 to 1970-01-01, s */
#define MAX_ADDRESSES	4

static const char *const status_names[CW_NTP_STATUS__MAX] = {
	[CW_NTP_OK] = "ok",
	[CW_NTP_RESOLVE] = "resolve",
	[CW_NTP_UNREACHABLE] = "unreachable",
	[CW_NTP_TIMEOUT] = "timeout",
	[CW_NTP_NO_MAC] = "no_mac",
	[CW_NTP_BAD_MAC] = "bad_mac",
	[CW_NTP_CRYPTO_NAK] = "crypto_nak",
	[CW_NTP_KEY_REJECTED] = "key_rejected",
	[CW_NTP_KOD] = "kiss_of_death",
	[CW_NTP_UNSYNC] = "unsynchronised",
	[CW_NTP_BAD_REPLY] = "bad_reply",
	[CW_NTP_OFFSET] = "offset",
};

const char *
cw_ntp_status_name(enum cw_ntp_status s)
{
	return s < CW_NTP_STATUS__MAX ? status_names[s] : "?";
}

uint64_t
cw_ntp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec + NTP_UNIX_EPOCH) << 32 |
	    (((uint64_t)ts.tv_nsec << 32) / 1000000000ULL);
}

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t
get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Difference of two NTP timestamps in ms; wraps correctly across eras. */
static double
diff_ms(uint64_t a, uint64_t b)
{
	return (double)(int64_t)(a - b) / 4294967296.0 * 1000.0;
}

void
cw_ntp_request_build(uint8_t pkt[CW_NTP_PACKET_LEN], uint64_t xmt)
{
	memset(pkt, 0, CW_NTP_PACKET_LEN);
	pkt[0] = 0 << 6 | 4 << 3 | 3;	/* LI 0, version 4, mode 3 */
	put64(pkt + 40, xmt);
}

int
cw_ntp_mac(enum cw_ntp_alg alg, const uint8_t *key, size_t key_len,
    const uint8_t *data, size_t len, uint8_t *mac, size_t *mac_len,
    struct cw_error *err)
{
	EVP_MD *md = NULL;
	EVP_MD_CTX *ctx = NULL;
	unsigned int n = 0;
	int rc = -1;

	/* Fetched, not EVP_md5(): a FIPS provider has no MD5 and says so. */
	if ((md = EVP_MD_fetch(NULL, cw_ntp_alg_name(alg), NULL)) == NULL) {
		cw_error_set(err, CW_E_CRYPTO,
		    _("the NTP authentication algorithm %s is not available"),
		    cw_ntp_alg_name(alg));
		cw_error_openssl(err);
		goto out;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, md, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, key, key_len) != 1 ||
	    EVP_DigestUpdate(ctx, data, len) != 1 ||
	    EVP_DigestFinal_ex(ctx, mac, &n) != 1 ||
	    n != cw_ntp_alg_mac_len(alg)) {
		cw_error_set(err, CW_E_CRYPTO, _("cannot compute the NTP MAC"));
		cw_error_openssl(err);
		goto out;
	}
	*mac_len = n;
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return rc;
}

static void
format_refid(const uint8_t *p, int stratum, char *out, size_t len)
{
	/* Stratum 0 and 1 carry four ASCII characters (kiss code, clock
	 * source); higher strata the server's upstream IPv4 address (or a
	 * hash of an IPv6 one, shown the same way). */
	if (stratum <= 1) {
		size_t j = 0;

		for (int i = 0; i < 4 && j + 1 < len; i++)
			if (isprint(p[i]) && p[i] != ' ')
				out[j++] = (char)p[i];
		out[j] = '\0';
	} else
		snprintf(out, len, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
}

enum cw_ntp_status
cw_ntp_reply_check(const uint8_t *buf, size_t len, uint64_t xmt, uint64_t t1,
    uint64_t t4, const struct cw_ntp_query *q, struct cw_ntp_sample *out,
    int *foreign)
{
	enum cw_ntp_status auth = CW_NTP_OK;
	uint64_t t2, t3;
	int mode;

	*foreign = 0;
	if (len < CW_NTP_PACKET_LEN)
		return CW_NTP_BAD_REPLY;
	mode = buf[0] & 7;
	if (mode != 4 || get64(buf + 24) != xmt) {
		*foreign = 1;	/* not the server's answer to this request */
		return CW_NTP_BAD_REPLY;
	}
	out->leap = buf[0] >> 6;
	out->version = buf[0] >> 3 & 7;
	out->stratum = buf[1];
	format_refid(buf + 12, out->stratum, out->refid, sizeof(out->refid));
	out->authenticated = 0;

	if (q->key != NULL) {
		size_t want = cw_ntp_alg_mac_len(q->alg);
		uint8_t mac[20];
		size_t mac_len = 0;

		if (len == CW_NTP_PACKET_LEN)
			auth = CW_NTP_NO_MAC;
		else if (len == CW_NTP_PACKET_LEN + 4 &&
		    get32(buf + CW_NTP_PACKET_LEN) == 0)
			auth = CW_NTP_CRYPTO_NAK;
		else if (len != CW_NTP_PACKET_LEN + 4 + want ||
		    get32(buf + CW_NTP_PACKET_LEN) != q->key_id ||
		    cw_ntp_mac(q->alg, (const uint8_t *)cw_secret_data(q->key),
		    cw_secret_len(q->key), buf, CW_NTP_PACKET_LEN, mac,
		    &mac_len, NULL) == -1 ||
		    CRYPTO_memcmp(mac, buf + CW_NTP_PACKET_LEN + 4, want) != 0)
			auth = CW_NTP_BAD_MAC;
		else
			out->authenticated = 1;
		OPENSSL_cleanse(mac, sizeof(mac));
	}
	/* A kiss code ends the query, so it is believed only when it is
	 * authentic: for a query with a key, only with a MAC that verifies.
	 * Anyone on the path can send an unauthenticated one; it is a bad or
	 * forged reply like any other, and the genuine answer may still come
	 * (RFC 5905 section 7.4, RFC 8633 section 3.3).  Without a key there
	 * is nothing to verify and its words help the admin. */
	if (auth != CW_NTP_OK)
		return auth;
	if (out->stratum == 0)
		return CW_NTP_KOD;
	if (out->version < 1 || out->version > 4)
		return CW_NTP_BAD_REPLY;
	if (out->leap == 3 || out->stratum >= 16)
		return CW_NTP_UNSYNC;
	t2 = get64(buf + 32);
	t3 = get64(buf + 40);
	if (t3 == 0 || t2 == 0)
		return CW_NTP_BAD_REPLY;
	out->offset_ms = (diff_ms(t2, t1) + diff_ms(t3, t4)) / 2.0;
	out->delay_ms = diff_ms(t4, t1) - diff_ms(t3, t2);
	if (out->delay_ms < 0)
		out->delay_ms = 0;	/* clock steps during the exchange */
	return CW_NTP_OK;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sets res->err for status, naming the server, what happened, what to do. */
static void
explain(const struct cw_ntp_query *q, struct cw_ntp_result *res,
    const char *detail)
{
	struct cw_error *e = &res->err;
	const char *h = q->host, *alg = cw_ntp_alg_name(q->alg);
	const char *kiss = res->sample.refid;

	switch (res->status) {
	case CW_NTP_OK:
	case CW_NTP_STATUS__MAX:
		cw_error_clear(e);
		return;
	case CW_NTP_RESOLVE:
		cw_error_set(e, CW_E_NET, _("cannot resolve the NTP server name '%s'"), h);
		cw_error_hint(e, _("Check the name and the appliance's DNS settings, or enter an IP address."));
		break;
	case CW_NTP_UNREACHABLE:
		cw_error_set(e, CW_E_NET, _("the NTP server '%s' cannot be reached on UDP port %d"),
		    h, q->port);
		cw_error_hint(e, _("Check the address, the port ([ntp] port) and that an NTP server runs there."));
		break;
	case CW_NTP_TIMEOUT:
		if (q->key != NULL) {
			cw_error_set(e, CW_E_NET,
			    _("the NTP server '%s' did not answer the query authenticated with key ID %u (%s) within %d ms"),
			    h, q->key_id, alg, q->timeout_ms);
			cw_error_hint(e, _("A server silently drops queries with a key ID or key it does not know: check that both match its keys file; check also the address, the port and the firewall (UDP %d)."),
			    q->port);
		} else {
			cw_error_set(e, CW_E_NET,
			    _("the NTP server '%s' did not answer within %d ms"),
			    h, q->timeout_ms);
			cw_error_hint(e, _("Check the address, the port and that the firewall lets UDP port %d through."),
			    q->port);
		}
		break;
	case CW_NTP_NO_MAC:
		cw_error_set(e, CW_E_AUTH,
		    _("the NTP server '%s' answered without authentication although the query carried key ID %u"),
		    h, q->key_id);
		cw_error_hint(e, _("Its time is not trusted.  The server does not use this key, or something on the way strips it: check the server's key configuration."));
		break;
	case CW_NTP_BAD_MAC:
		cw_error_set(e, CW_E_AUTH,
		    _("the NTP server '%s' answered with a MAC that does not verify with key ID %u (%s)"),
		    h, q->key_id, alg);
		cw_error_hint(e, _("Its time is not trusted: the answer may be forged, or the key differs from the server's.  Check the key and algorithm."));
		break;
	case CW_NTP_CRYPTO_NAK:
		cw_error_set(e, CW_E_AUTH, _("the NTP server '%s' rejected key ID %u"), h, q->key_id);
		cw_error_hint(e, _("Check that the key ID, algorithm and key match the server's keys file."));
		break;
	case CW_NTP_KEY_REJECTED:
		cw_error_set(e, CW_E_AUTH,
		    _("the NTP server '%s' answers, but ignored the query authenticated with key ID %u (%s)"),
		    h, q->key_id, alg);
		cw_error_hint(e, _("The server does not know this key ID, or its key differs: check that key ID, algorithm and key match the server's keys file."));
		break;
	case CW_NTP_KOD:
		/* TRANSLATORS: "kiss-o'-death" is the NTP term for a refusal;
		 * %s is its four-letter code such as DENY or RATE. */
		cw_error_set(e, CW_E_PROTO, _("the NTP server '%s' refused with kiss-o'-death code '%s'"),
		    h, kiss);
		if (strcmp(kiss, "RATE") == 0)
			cw_error_hint(e, _("The server limits how often it may be asked: wait a minute, then try again."));
		else if (strcmp(kiss, "AUTH") == 0 || strcmp(kiss, "CRYP") == 0 ||
		    strcmp(kiss, "NKEY") == 0)
			cw_error_hint(e, _("The server requires authentication with a key it knows: set the server's authentication to Symmetric Key with its key ID, algorithm and key."));
		else if (strcmp(kiss, "DENY") == 0 || strcmp(kiss, "RSTR") == 0)
			cw_error_hint(e, _("The server refuses to serve this appliance: ask its administrator to allow it, or use another server."));
		else
			cw_error_hint(e, _("Use another NTP server or ask the server's administrator."));
		break;
	case CW_NTP_UNSYNC:
		cw_error_set(e, CW_E_TIME,
		    _("the NTP server '%s' is not synchronised itself (stratum %d, leap indicator %d)"),
		    h, res->sample.stratum, res->sample.leap);
		cw_error_hint(e, _("It has no reliable time to give: wait until it synchronises, or use another server."));
		break;
	case CW_NTP_BAD_REPLY:
		cw_error_set(e, CW_E_PROTO, _("the NTP server '%s' sent an answer certwiz cannot use"), h);
		cw_error_hint(e, _("Check that the address and port belong to an NTP server."));
		break;
	case CW_NTP_OFFSET:
		break;	/* judged by cw_ntp_probe() */
	}
	if (detail != NULL && detail[0] != '\0')
		cw_error_detail(e, "%s", detail);
}

/* Which outcome tells the admin most when several addresses or replies
 * differ: an answer first, then a refusal, then auth failures... */
static int
rank(enum cw_ntp_status s)
{
	switch (s) {
	case CW_NTP_OK:
		return 10;
	case CW_NTP_KOD:
	case CW_NTP_UNSYNC:
		return 6;
	case CW_NTP_BAD_MAC:
	case CW_NTP_NO_MAC:
	case CW_NTP_CRYPTO_NAK:
	case CW_NTP_KEY_REJECTED:
		return 4;
	case CW_NTP_BAD_REPLY:
		return 3;
	case CW_NTP_TIMEOUT:
		return 2;
	case CW_NTP_UNREACHABLE:
		return 1;
	default:
		return 0;
	}
}

/* Queries one address.  Returns the status; *sample filled when a reply
 * to this request arrived. */
static enum cw_ntp_status
query_addr(const struct cw_ntp_query *q, const struct addrinfo *ai,
    struct cw_ntp_sample *sample, char *detail, size_t dlen)
{
	uint8_t req[CW_NTP_MAX_AUTH_LEN], buf[CW_NTP_RECV_CAP + 1];
	uint32_t nonce;
	uint64_t xmt, t1, t4;
	size_t reqlen = CW_NTP_PACKET_LEN, maclen = 0;
	enum cw_ntp_status st, seen = CW_NTP_TIMEOUT;
	struct cw_ntp_sample tmp;
	int64_t deadline;
	int fd = -1, foreign;
	ssize_t n;

	if ((fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		snprintf(detail, dlen, "%s", strerror(errno));
		st = CW_NTP_UNREACHABLE;
		goto out;
	}
	/* The transmit timestamp is our nonce: real seconds (servers may
	 * look at them), random fraction so a blind forger cannot guess the
	 * origin the reply must carry.  t1 is kept here, exactly. */
	if (RAND_bytes((unsigned char *)&nonce, sizeof(nonce)) != 1) {
		snprintf(detail, dlen, "RAND_bytes failed");
		st = CW_NTP_BAD_REPLY;
		goto out;
	}
	t1 = cw_ntp_now();
	xmt = (t1 & 0xffffffff00000000ULL) | nonce;
	cw_ntp_request_build(req, xmt);
	if (q->key != NULL) {
		uint32_t id = q->key_id;

		req[48] = (uint8_t)(id >> 24);
		req[49] = (uint8_t)(id >> 16);
		req[50] = (uint8_t)(id >> 8);
		req[51] = (uint8_t)id;
		if (cw_ntp_mac(q->alg, (const uint8_t *)cw_secret_data(q->key),
		    cw_secret_len(q->key), req, CW_NTP_PACKET_LEN, req + 52,
		    &maclen, NULL) == -1) {
			snprintf(detail, dlen, _("the %s digest is not available"),
			    cw_ntp_alg_name(q->alg));
			st = CW_NTP_BAD_REPLY;
			goto out;
		}
		reqlen += 4 + maclen;
	}
	deadline = mono_ms() + q->timeout_ms;
	t1 = cw_ntp_now();
	if (send(fd, req, reqlen, 0) != (ssize_t)reqlen) {
		snprintf(detail, dlen, "%s", strerror(errno));
		st = CW_NTP_UNREACHABLE;
		goto out;
	}
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - mono_ms();
		int r;

		if (left <= 0) {
			st = seen;
			break;
		}
		r = poll(&pfd, 1, (int)left);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(detail, dlen, "%s", strerror(errno));
			st = CW_NTP_UNREACHABLE;
			break;
		}
		if (r == 0)
			continue;
		/* One byte more than the cap tells an oversized datagram. */
		n = recv(fd, buf, sizeof(buf), MSG_TRUNC);
		t4 = cw_ntp_now();
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			/* On a connected socket an ICMP port unreachable
			 * comes back as ECONNREFUSED. */
			snprintf(detail, dlen, "%s", strerror(errno));
			st = CW_NTP_UNREACHABLE;
			break;
		}
		if ((size_t)n > CW_NTP_RECV_CAP) {
			snprintf(detail, dlen, _("a datagram of %zd bytes"), n);
			seen = rank(CW_NTP_BAD_REPLY) > rank(seen) ? CW_NTP_BAD_REPLY : seen;
			continue;
		}
		memset(&tmp, 0, sizeof(tmp));
		st = cw_ntp_reply_check(buf, (size_t)n, xmt, t1, t4, q, &tmp, &foreign);
		if (foreign)
			continue;
		*sample = tmp;
		if (st == CW_NTP_OK || st == CW_NTP_KOD || st == CW_NTP_UNSYNC)
			break;
		/* Bad MAC, no MAC, NAK, malformed, an unauthenticated kiss:
		 * remember, keep waiting for the genuine answer until the
		 * deadline. */
		if (tmp.stratum == 0)
			snprintf(detail, dlen,
			    _("a kiss-o'-death '%s' without a valid MAC was ignored"),
			    tmp.refid);
		if (rank(st) >= rank(seen))
			seen = st;
	}
out:
	OPENSSL_cleanse(req, sizeof(req));
	if (fd != -1)
		close(fd);
	return st;
}

int
cw_ntp_query_run(const struct cw_ntp_query *q, struct cw_ntp_result *res)
{
	struct addrinfo hints, *list = NULL, *ai;
	char port[8], detail[256] = "", best_detail[256] = "";
	enum cw_ntp_status st, best = CW_NTP_STATUS__MAX;
	struct cw_ntp_sample sample, best_sample;
	int gai, tried = 0;

	memset(res, 0, sizeof(*res));
	memset(&best_sample, 0, sizeof(best_sample));
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_protocol = IPPROTO_UDP;
	snprintf(port, sizeof(port), "%d", q->port);
	if ((gai = getaddrinfo(q->host, port, &hints, &list)) != 0) {
		res->status = CW_NTP_RESOLVE;
		explain(q, res, gai_strerror(gai));
		return -1;
	}
	for (ai = list; ai != NULL && tried < MAX_ADDRESSES; ai = ai->ai_next, tried++) {
		memset(&sample, 0, sizeof(sample));
		detail[0] = '\0';
		st = query_addr(q, ai, &sample, detail, sizeof(detail));
		if (st == CW_NTP_TIMEOUT && q->key != NULL) {
			struct cw_ntp_query plain = *q;
			struct cw_ntp_sample ignored;
			char d2[64];

			plain.key = NULL;
			memset(&ignored, 0, sizeof(ignored));
			if (query_addr(&plain, ai, &ignored, d2, sizeof(d2)) == CW_NTP_OK)
				st = CW_NTP_KEY_REJECTED;
		}
		getnameinfo(ai->ai_addr, ai->ai_addrlen, sample.address,
		    sizeof(sample.address), NULL, 0, NI_NUMERICHOST);
		if (best == CW_NTP_STATUS__MAX || rank(st) > rank(best)) {
			best = st;
			best_sample = sample;
			memcpy(best_detail, detail, sizeof(best_detail));
		}
		if (st == CW_NTP_OK)
			break;
	}
	freeaddrinfo(list);
	res->status = best;
	res->sample = best_sample;
	res->answered = best == CW_NTP_OK || best == CW_NTP_KOD ||
	    best == CW_NTP_UNSYNC;
	explain(q, res, best_detail);
	return best == CW_NTP_OK ? 0 : -1;
}

int
cw_ntp_probe(const struct cw_cfg *cfg, const struct cw_ntp_config *c,
    struct cw_ntp_result res[CW_NTP_ROLE__MAX], struct cw_error *err)
{
	int good = 0, configured = 0, off = -1, failed = -1;
	const struct cw_error *e;

	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		const struct cw_ntp_server *s = &c->server[i];
		struct cw_ntp_query q = {
			.host = s->host,
			.port = cfg->ntp_port,
			.timeout_ms = cfg->ntp_timeout_ms,
			.key_id = s->key_id,
			.alg = s->alg,
			.key = s->auth == CW_NTP_AUTH_SYMKEY ? s->key : NULL,
		};

		memset(&res[i], 0, sizeof(res[i]));
		if (s->host[0] == '\0')
			continue;
		configured++;
		if (s->auth == CW_NTP_AUTH_SYMKEY && s->key == NULL) {
			res[i].status = CW_NTP_CRYPTO_NAK;
			cw_error_set(&res[i].err, CW_E_STATE,
			    _("the key of the NTP server '%s' is not known"), s->host);
		} else if (cw_ntp_query_run(&q, &res[i]) == 0 &&
		    (res[i].sample.offset_ms > cfg->ntp_max_offset_ms ||
		    res[i].sample.offset_ms < -cfg->ntp_max_offset_ms)) {
			res[i].status = CW_NTP_OFFSET;
			cw_error_set(&res[i].err, CW_E_TIME,
			    _("the clock is off by %.0f ms according to the NTP server '%s' (at most %d ms are allowed)"),
			    res[i].sample.offset_ms, s->host, cfg->ntp_max_offset_ms);
			cw_error_hint(&res[i].err, _("Let the time daemon correct the clock (see 'chronyc tracking'), then run 'certwiz ntp test' again; enrollment waits until then."));
		}
		if (res[i].status == CW_NTP_OK)
			good++;
		else if (res[i].status == CW_NTP_OFFSET && off == -1)
			off = i;
		else if (failed == -1)
			failed = i;
	}
	if (configured == 0)
		return cw_error_set(err, CW_E_STATE, _("no NTP server is configured"));
	/* One authentic server saying the clock is far off outweighs another
	 * saying it is fine: one of them is wrong, certwiz does not guess. */
	if (off != -1) {
		e = &res[off].err;
		cw_error_set(err, CW_E_TIME, _("the time is not proven: %s"), e->msg);
	} else if (good == 0 && configured == 1) {
		e = &res[failed].err;
		cw_error_set(err, CW_E_TIME, _("the time is not proven: %s"), e->msg);
		cw_error_detail(err, "%s", e->detail);
	} else if (good == 0) {
		e = &res[CW_NTP_PRIMARY].err;
		cw_error_set(err, CW_E_TIME,
		    _("the time is not proven: neither NTP server answered authentically"));
		cw_error_detail(err, "%s: %.200s; %s: %.200s",
		    cw_ntp_role_label(CW_NTP_PRIMARY), res[CW_NTP_PRIMARY].err.msg,
		    cw_ntp_role_label(CW_NTP_SECONDARY), res[CW_NTP_SECONDARY].err.msg);
	} else
		return 0;
	cw_error_hint(err, "%s", e->hint);
	return -1;
}
