/* est.c - EST client (RFC 7030, with the RFC 8951 clarifications) on
 * libcurl and OpenSSL.
 *
 * One request:
 *
 *   build body (base64 DER, 64 columns) --> perform --> delivery
 *       NOT_SENT        no request byte left (connect, DNS, handshake)
 *       MAYBE_RECEIVED  request bytes left, no complete answer
 *       ANSWERED        status + capped body
 *   ANSWERED 202 --> wait Retry-After (bounded: polls and total time,
 *                    countdown through the progress callback) --> again
 *   ANSWERED 200 --> media type --> base64 (or binary) --> PKCS#7
 *                    certs-only --> certificates (enroll: the one for the
 *                    CSR key first)
 *
 * The bodies (PKCS#10 out, PKCS#7 in) are est-parse.c's.
 *
 * Invariants: every buffer filled from the network is capped
 * (MAX_RESPONSE); the Basic credentials exist only in struct cw_secret
 * buffers and in libcurl's own heap blocks, which the allocators installed
 * by cw_est_global_init() wipe when freed. */
#include "config.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "pki/est-int.h"
#include "pki/est.h"
#include "core/i18n.h"

#define DEFAULT_RETRY_S	5
#define TICK_MS		100

struct cw_est {
	CURL *curl;
	char *url;		/* base, no trailing '/' */
	enum cw_est_trust trust;
	char *trust_anchor;
	char *proxy;
	char *client_cert;
	char *client_key;
	long connect_timeout_ms;
	long timeout_ms;
	unsigned max_polls;
	long max_wait_s;
	cw_est_progress_fn *progress;
	void *progress_ctx;
	int max_tls12;

	/* the connection of the last request (set just before it is sent) */
	char tls_version[16];
	char conn_tlsu[96];	/* base64 tls-unique, "" if none (TLS 1.3) */
	char bound[96];		/* the tls-unique the CSR carries */
	char conn_id[72];	/* the connection's client random, hex */
	char bound_id[72];	/* the connection the CSR was signed for */
	int check_binding;	/* refuse to send on another connection */
	int rebind;		/* stopped before the first send: re-sign */
	int resend_blocked;	/* libcurl would resend on a new connection */
	int prereqs;		/* connections offered to this request */
	int linked;		/* the last POST carried a bound CSR */
	int warm;		/* the last request was answered: its
				 * connection (conn_*) may still be open */
	/* HTTP Digest instead of the Basic header (a Digest-only server) */
	int use_digest;
	const char *digest_user;
	const char *digest_pass;

	/* the last request */
	char reason[320];	/* the server's reason phrase + body excerpt */
	char errbuf[CURL_ERROR_SIZE];
	char *body;
	size_t body_len;
	int body_overflow;
	enum cw_est_delivery delivery;
	long status;
	unsigned polls;
};

/* ---- allocators that wipe what libcurl frees (its copies of headers) */

static void
wipe_free(void *p)
{
	if (p == NULL)
		return;
	OPENSSL_cleanse(p, malloc_usable_size(p));
	free(p);
}

static void *
wipe_malloc(size_t n)
{
	return malloc(n);
}

static void *
wipe_calloc(size_t n, size_t size)
{
	return calloc(n, size);
}

static void *
wipe_realloc(void *p, size_t n)
{
	size_t old;
	void *q;

	if (p == NULL)
		return malloc(n);
	if (n == 0) {
		wipe_free(p);
		return NULL;
	}
	old = malloc_usable_size(p);
	if (n <= old)
		return p;
	/* Never let realloc() free the old block unwiped. */
	if ((q = malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, old);
	wipe_free(p);
	return q;
}

static char *
wipe_strdup(const char *s)
{
	return strdup(s);
}

int
cw_est_global_init(struct cw_error *err)
{
	static int done;
	CURLcode rc;

	if (done)
		return 0;
	rc = curl_global_init_mem(CURL_GLOBAL_DEFAULT, wipe_malloc, wipe_free,
	    wipe_realloc, wipe_strdup, wipe_calloc);
	if (rc != CURLE_OK) {
		cw_error_set(err, CW_E_NOMEM, _("cannot initialise libcurl"));
		return cw_error_detail(err, "%s", curl_easy_strerror(rc));
	}
	done = 1;
	return 0;
}

/* ---- lifecycle */

void
cw_est_opts_init(struct cw_est_opts *opts, const struct cw_cfg *cfg)
{
	memset(opts, 0, sizeof(*opts));
	opts->url = cfg->enroll_url;
	opts->trust = CW_EST_TRUST_ANCHOR;
	opts->trust_anchor = cfg->trust_anchor;
	opts->proxy = cfg->proxy;
	opts->connect_timeout_ms = cfg->timeout_ms;
}

static int
dup_opt(const char *s, char **out)
{
	*out = NULL;
	if (s == NULL || s[0] == '\0')
		return 0;
	return (*out = strdup(s)) == NULL ? -1 : 0;
}

int
cw_est_new(const struct cw_est_opts *opts, struct cw_est **out,
    struct cw_error *err)
{
	struct cw_est *est = NULL;
	size_t n;

	*out = NULL;
	if (opts->url == NULL || strncasecmp(opts->url, "https://", 8) != 0)
		return cw_error_set(err, CW_E_CONFIG,
		    _("the enrollment URL '%s' is not an https:// URL"),
		    opts->url ? opts->url : "");
	if (opts->trust >= CW_EST_TRUST__MAX ||
	    (opts->trust == CW_EST_TRUST_ANCHOR &&
	    (opts->trust_anchor == NULL || opts->trust_anchor[0] == '\0')))
		return cw_error_set(err, CW_E_CONFIG,
		    _("no trust anchor is configured for the enrollment server"));
	if (cw_est_global_init(err) < 0)
		return -1;
	if ((est = calloc(1, sizeof(*est))) == NULL)
		goto nomem;
	if (dup_opt(opts->url, &est->url) < 0 ||
	    dup_opt(opts->trust_anchor, &est->trust_anchor) < 0 ||
	    dup_opt(opts->proxy, &est->proxy) < 0 ||
	    dup_opt(opts->client_cert, &est->client_cert) < 0 ||
	    dup_opt(opts->client_key, &est->client_key) < 0)
		goto nomem;
	n = strlen(est->url);
	while (n > 8 && est->url[n - 1] == '/')
		est->url[--n] = '\0';
	est->trust = opts->trust;
	est->connect_timeout_ms = opts->connect_timeout_ms > 0 ?
	    opts->connect_timeout_ms : 10000;
	est->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 60000;
	est->max_polls = opts->max_polls > 0 ? opts->max_polls : 10;
	est->max_wait_s = opts->max_wait_s > 0 ? opts->max_wait_s : 600;
	est->progress = opts->progress;
	est->progress_ctx = opts->progress_ctx;
	est->max_tls12 = opts->max_tls12;
	if ((est->curl = curl_easy_init()) == NULL)
		goto nomem;
	*out = est;
	return 0;
nomem:
	cw_est_free(est);
	return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
}

static void
body_clear(struct cw_est *est)
{
	free(est->body);
	est->body = NULL;
	est->body_len = 0;
	est->body_overflow = 0;
}

void
cw_est_free(struct cw_est *est)
{
	if (est == NULL)
		return;
	if (est->curl != NULL)
		curl_easy_cleanup(est->curl);
	body_clear(est);
	free(est->url);
	free(est->trust_anchor);
	free(est->proxy);
	free(est->client_cert);
	free(est->client_key);
	free(est);
}

enum cw_est_delivery
cw_est_delivery(const struct cw_est *est)
{
	return est->delivery;
}

long
cw_est_http_status(const struct cw_est *est)
{
	return est->status;
}

const char *
cw_est_tls_version(const struct cw_est *est)
{
	return est->tls_version;
}

int
cw_est_linked(const struct cw_est *est)
{
	return est->linked;
}

const char *
cw_est_reason(const struct cw_est *est)
{
	return est->reason;
}

const char *
cw_est_delivery_name(enum cw_est_delivery d)
{
	static const char *const names[CW_EST_DELIVERY__MAX] = {
		[CW_EST_NOT_SENT] = "not-sent",
		[CW_EST_MAYBE_RECEIVED] = "maybe-received",
		[CW_EST_ANSWERED] = "answered",
	};

	return (unsigned)d < CW_EST_DELIVERY__MAX ? names[d] : "unknown";
}

/* ---- one request */

static size_t
on_body(char *ptr, size_t size, size_t nmemb, void *ctx)
{
	struct cw_est *est = ctx;
	size_t n = size * nmemb;
	char *p;

	if (n > MAX_RESPONSE - est->body_len) {
		est->body_overflow = 1;
		return 0;	/* CURLE_WRITE_ERROR */
	}
	if ((p = realloc(est->body, est->body_len + n + 1)) == NULL)
		return 0;
	est->body = p;
	memcpy(est->body + est->body_len, ptr, n);
	est->body_len += n;
	est->body[est->body_len] = '\0';
	return n;
}

static int
on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct cw_est *est = ctx;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	if (est->progress == NULL)
		return 0;
	return est->progress(est->progress_ctx, CW_EST_PHASE_TRANSFER,
	    est->polls, 0) != 0;
}

/* The status line's reason phrase ("HTTP/1.1 401 Proof of Possession
 * Mismatch"): the last one seen (a Digest round has two). */
static size_t
on_header(char *ptr, size_t size, size_t nmemb, void *ctx)
{
	struct cw_est *est = ctx;
	size_t n = size * nmemb, i = 0, j = 0;
	int spaces = 0;

	if (n < 12 || strncmp(ptr, "HTTP/", 5) != 0)
		return n;
	/* Skip "HTTP/x" and the status code. */
	while (i < n && spaces < 2) {
		if (ptr[i] == ' ')
			spaces++;
		i++;
	}
	for (; i < n && j + 1 < sizeof(est->reason) && j < 160; i++) {
		unsigned char c = (unsigned char)ptr[i];

		if (c == '\r' || c == '\n')
			break;
		est->reason[j++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	est->reason[j] = '\0';
	return n;
}

/* The connection the request is about to go out on: its TLS version and
 * tls-unique (RFC 5929: the first Finished message of the handshake, the
 * client's in a full one).  With check_binding, a request on another
 * connection than the one the CSR was signed for is stopped here, before
 * a byte of it is written. */
#if LIBCURL_VERSION_NUM >= 0x075000
static int
on_prereq(void *ctx, char *ip, char *lip, int port, int lport)
{
	struct cw_est *est = ctx;
	struct curl_tlssessioninfo *ti = NULL;
	unsigned char fin[EVP_MAX_MD_SIZE];
	size_t n;

	(void)ip;
	(void)lip;
	(void)port;
	(void)lport;
	est->tls_version[0] = est->conn_tlsu[0] = est->conn_id[0] = '\0';
	est->prereqs++;
	if (curl_easy_getinfo(est->curl, CURLINFO_TLS_SSL_PTR, &ti) == CURLE_OK &&
	    ti != NULL && ti->backend == CURLSSLBACKEND_OPENSSL && ti->internals != NULL) {
		SSL *ssl = ti->internals;

		unsigned char rnd[32];
		size_t k, m = SSL_get_client_random(ssl, rnd, sizeof(rnd));

		for (k = 0; k < m && k < 32; k++)
			snprintf(est->conn_id + 2 * k, 3, "%02x", rnd[k]);
		snprintf(est->tls_version, sizeof(est->tls_version), "%s",
		    SSL_get_version(ssl));
		if (SSL_version(ssl) == TLS1_2_VERSION) {
			n = SSL_session_reused(ssl) ? SSL_get_peer_finished(ssl, fin, sizeof(fin)) :
			    SSL_get_finished(ssl, fin, sizeof(fin));
			if (n > 0 && n <= 48)
				EVP_EncodeBlock((unsigned char *)est->conn_tlsu, fin, (int)n);
		}
	}
	if (est->check_binding && (strcmp(est->conn_tlsu, est->bound) != 0 ||
	    strcmp(est->conn_id, est->bound_id) != 0)) {
		/* The first connection offered: nothing sent yet, sign again.
		 * A later one: libcurl resending a request whose connection
		 * died after it was sent; never with the OTP again. */
		if (est->prereqs == 1)
			est->rebind = 1;
		else
			est->resend_blocked = 1;
		return CURL_PREREQFUNC_ABORT;
	}
	return CURL_PREREQFUNC_OK;
}
#endif

/* A short, printable excerpt of an error body for the detail. */
static void
body_excerpt(const struct cw_est *est, char *buf, size_t len)
{
	size_t i, j = 0;
	int space = 0;

	for (i = 0; i < est->body_len && j + 1 < len && j < 200; i++) {
		unsigned char c = (unsigned char)est->body[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = j > 0;
			continue;
		}
		if (space && j + 2 < len)
			buf[j++] = ' ';
		space = 0;
		buf[j++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	buf[j] = '\0';
}

static int
curl_failed(struct cw_est *est, CURLcode rc, const char *op,
    struct cw_error *err)
{
	const char *detail = est->errbuf[0] ? est->errbuf : curl_easy_strerror(rc);
	int tls = 0;

	switch (rc) {
	case CURLE_ABORTED_BY_CALLBACK:
		cw_error_set(err, CW_E_CANCELLED, _("the request to '%s' was cancelled"),
		    op);
		break;
	case CURLE_WRITE_ERROR:
		if (est->body_overflow) {
			est->delivery = CW_EST_ANSWERED;
			cw_error_set(err, CW_E_PROTO,
			    _("the EST server's answer to '%s' is larger than %d bytes"),
			    op, MAX_RESPONSE);
			break;
		}
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		break;
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		cw_error_set(err, CW_E_CONFIG, _("the enrollment URL '%s' is not valid"),
		    est->url);
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
		tls = 1;
		break;
	default:
		/* TLS 1.3: the server refuses our certificate after the client
		 * considers the handshake done: an alert on the first read. */
		tls = strstr(detail, "alert") != NULL;
		break;
	}
	if (err == NULL || err->code == CW_E_OK) {
		if (tls)
			cw_error_set(err, CW_E_TLS,
			    _("the TLS connection to the EST server '%s' failed"),
			    est->url);
		else
			cw_error_set(err, CW_E_NET,
			    _("the request '%s' to the EST server '%s' failed"),
			    op, est->url);
	}
	cw_error_detail(err, "%s", detail);
	if (err != NULL && err->code == CW_E_TLS && rc == CURLE_PEER_FAILED_VERIFICATION)
		cw_error_hint(err, _("The server's certificate is not signed by the "
		    "trust anchor: check [enroll] trust_anchor and url."));
	return -1;
}

static int
append_hdr(struct curl_slist **list, const char *line)
{
	struct curl_slist *p;

	if ((p = curl_slist_append(*list, line)) == NULL)
		return -1;
	*list = p;
	return 0;
}

/* Performs one request.  body == NULL: GET.  auth: a complete
 * "Authorization: ..." header line or NULL.  Returns 0 when the server
 * answered (any status, body in est->body), else -1. */
static int
perform(struct cw_est *est, const char *op, const char *body, size_t len,
    const struct cw_secret *auth, int client_cert, struct cw_error *err)
{
	struct curl_slist *hdrs = NULL, *tail, authnode;
	char url[2048];
	curl_off_t reqsize = 0;
	CURLcode rc;
	CURL *c = est->curl;
	int ret = -1;

	body_clear(est);
	est->status = 0;
	est->delivery = CW_EST_NOT_SENT;
	est->errbuf[0] = '\0';
	if ((size_t)snprintf(url, sizeof(url), "%s/%s", est->url, op) >= sizeof(url))
		return cw_error_set(err, CW_E_CONFIG,
		    _("the enrollment URL '%s' is too long"), est->url);

	if ((body != NULL && (append_hdr(&hdrs, "Content-Type: application/pkcs10") < 0 ||
	    /* RFC 7030 names it, RFC 8951 says to ignore it: harmless. */
	    append_hdr(&hdrs, "Content-Transfer-Encoding: base64") < 0)) ||
	    append_hdr(&hdrs, "Accept: application/pkcs7-mime") < 0 ||
	    /* No "Expect: 100-continue" round trip before the body. */
	    append_hdr(&hdrs, "Expect:") < 0)
		goto nomem;
	for (tail = hdrs; tail->next != NULL; tail = tail->next)
		;
	if (auth != NULL && !est->use_digest) {
		/* Linked in place, never copied by curl_slist_append. */
		authnode.data = (char *)cw_secret_data(auth);
		authnode.next = NULL;
		tail->next = &authnode;
	}

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, est->errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "certwiz/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, est->connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, est->timeout_ms);
	curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2 |
	    (est->max_tls12 ? CURL_SSLVERSION_MAX_TLSv1_2 : 0L));
	/* Every connection a full handshake of its own: no session resumed
	 * from an earlier one (the bootstrap's), and a tls-unique that is the
	 * client's Finished. */
	curl_easy_setopt(c, CURLOPT_SSL_SESSIONID_CACHE, 0L);
#if LIBCURL_VERSION_NUM >= 0x074100
	/* A connection kept from the preflight while someone typed the OTP
	 * is reused only if it was idle less than this: a firewall or NAT
	 * may have dropped an older one without a word, and a request sent
	 * into it would look "maybe received" after the timeout. */
	curl_easy_setopt(c, CURLOPT_MAXAGE_CONN, 30L);
#endif
	switch (est->trust) {
	case CW_EST_TRUST_ANCHOR:
		/* The anchor alone: no system bundle, no CA directory. */
		curl_easy_setopt(c, CURLOPT_CAINFO, est->trust_anchor);
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
#if LIBCURL_VERSION_NUM >= 0x074700
		curl_easy_setopt(c, CURLOPT_SSL_OPTIONS, 0L);
#endif
#if LIBCURL_VERSION_NUM >= 0x075700
		curl_easy_setopt(c, CURLOPT_CA_CACHE_TIMEOUT, 0L);
#endif
		break;
	case CW_EST_TRUST_SYSTEM:
		break;
	default:
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
		break;
	}
	if (est->proxy != NULL)
		curl_easy_setopt(c, CURLOPT_PROXY, est->proxy);
	if (client_cert) {
		curl_easy_setopt(c, CURLOPT_SSLCERT, est->client_cert);
		curl_easy_setopt(c, CURLOPT_SSLKEY, est->client_key);
	}
	if (auth != NULL && est->use_digest) {
		/* libcurl's copies are wiped when freed (cw_est_global_init). */
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_DIGEST);
		curl_easy_setopt(c, CURLOPT_USERNAME, est->digest_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, est->digest_pass);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, est);
#if LIBCURL_VERSION_NUM >= 0x075000
	curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(c, CURLOPT_PREREQDATA, est);
#endif
	est->rebind = est->resend_blocked = est->prereqs = 0;
	est->reason[0] = '\0';
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, est);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, est);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);

	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &est->status);
	curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &reqsize);
	/* Drop every reference to our buffers before they go away. */
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(c, CURLOPT_PASSWORD, NULL);
	est->warm = rc == CURLE_OK;
	if (rc == CURLE_OK) {
		est->delivery = CW_EST_ANSWERED;
		ret = 0;
	} else {
		/* Any request byte sent: the server may have acted on it. */
		est->delivery = reqsize > 0 || est->status > 0 || est->resend_blocked ?
		    CW_EST_MAYBE_RECEIVED : CW_EST_NOT_SENT;
		cw_error_clear(err);
		if (est->resend_blocked)
			cw_error_set(err, CW_E_NET,
			    _("the connection to the EST server '%s' broke after the request '%s' was sent"),
			    est->url, op);
		else
			curl_failed(est, rc, op, err);
		if (err != NULL && err->hint[0] == '\0' && err->code != CW_E_CANCELLED &&
		    est->delivery == CW_EST_MAYBE_RECEIVED)
			cw_error_hint(err, _("The request was sent but no complete "
			    "answer came back: the server may have acted on it."));
		else if (err != NULL && err->hint[0] == '\0' &&
		    est->delivery == CW_EST_NOT_SENT)
			cw_error_hint(err, _("Nothing was sent to the server."));
	}
	tail->next = NULL;
	curl_slist_free_all(hdrs);
	return ret;
nomem:
	curl_slist_free_all(hdrs);
	return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
}

static int
parse_answer(struct cw_est *est, const char *op, X509_REQ *csr,
    struct cw_est_certs *certs, struct cw_error *err)
{
	const char *cte = NULL;
	char *ctype = NULL;

	curl_easy_getinfo(est->curl, CURLINFO_CONTENT_TYPE, &ctype);
#if LIBCURL_VERSION_NUM >= 0x075300
	{
		struct curl_header *h = NULL;

		if (curl_easy_header(est->curl, "Content-Transfer-Encoding", 0,
		    CURLH_HEADER, -1, &h) == CURLHE_OK && h != NULL)
			cte = h->value;
	}
#endif
	return cw_est_certs_parse(op, ctype, cte, est->body, est->body_len, csr, certs, err);
}

/* The server's own words for a refusal: the reason phrase, then a
 * printable excerpt of the body (when it says more). */
static void
reason_text(struct cw_est *est)
{
	char excerpt[256], phrase[200];

	body_excerpt(est, excerpt, sizeof(excerpt));
	snprintf(phrase, sizeof(phrase), "%.199s", est->reason);
	if (excerpt[0] == '\0' || strstr(excerpt, phrase) != NULL)
		snprintf(est->reason, sizeof(est->reason), "%.255s",
		    excerpt[0] ? excerpt : phrase);
	else if (phrase[0] == '\0' || strstr(phrase, excerpt) != NULL)
		snprintf(est->reason, sizeof(est->reason), "%.255s", phrase[0] ? phrase : excerpt);
	else
		snprintf(est->reason, sizeof(est->reason), "%.100s: %.200s", phrase, excerpt);
}

static int
status_error(struct cw_est *est, const char *op, int otp, struct cw_error *err)
{
	/* TRANSLATORS: appended to hints after the server refused a request
	 * that carried the one-time password. */
	const char *counted = otp ? _("The server answered, so it may have counted this attempt.") : "";
	long s = est->status;

	reason_text(est);
	switch (cw_est_refusal_classify(s, est->reason, est->reason, strlen(est->reason))) {
	case CW_EST_REFUSED_AUTH:
		if (otp) {
			cw_error_set(err, CW_E_AUTH,
			    _("the EST server refused the one-time password (HTTP %ld)"), s);
			cw_error_hint(err, _("%s If the OTP was wrong, used or expired, generate a new OTP in the support portal. Nothing was installed."),
			    counted);
		} else {
			cw_error_set(err, CW_E_AUTH,
			    _("the EST server refused the request '%s' (HTTP %ld)"), op, s);
			cw_error_hint(err, _("The current certificate was not accepted: "
			    "enroll again with a new OTP. Nothing was installed."));
		}
		break;
	case CW_EST_REFUSED_POP:
		cw_error_set(err, CW_E_POP,
		    _("the EST server refused the proof-of-possession linking (HTTP %ld)"), s);
		if (est->linked)
			cw_error_hint(err, _("%s The request carried the tls-unique value of its own TLS 1.2 connection; a TLS-terminating proxy between this appliance and the service breaks the linking. The OTP was not refused as wrong. Nothing was installed."),
			    counted);
		else
			cw_error_hint(err, _("%s This connection used %s, which has no tls-unique value: set [enroll] pop_linking = required (TLS 1.2) and run the command again. The OTP was not refused as wrong. Nothing was installed."),
			    counted, est->tls_version[0] ? est->tls_version : "TLS 1.3");
		break;
	case CW_EST_REFUSED_CSRATTRS:
		cw_error_set(err, CW_E_CSRATTRS,
		    _("the EST server refused the request: CSR attributes are missing (HTTP %ld)"), s);
		cw_error_hint(err, _("%s Check what the service's /csrattrs asks for (see the log) and set the matching [device] keys. The OTP was not refused as wrong. Nothing was installed."),
		    counted);
		break;
	case CW_EST_REFUSED_POLICY:
		cw_error_set(err, CW_E_POLICY,
		    _("the EST server's policy refused the request '%s' (HTTP %ld)"), op, s);
		cw_error_hint(err, _("%s Ask the operator of the certificate service what its policy needs. Nothing was installed."),
		    counted);
		break;
	default:
		if (s == 404) {
			cw_error_set(err, CW_E_PROTO,
			    _("there is no EST service at '%s/%s' (HTTP 404)"), est->url, op);
			cw_error_hint(err, _("Check [enroll] url. Nothing was installed."));
		} else if (s >= 400 && s < 500) {
			cw_error_set(err, CW_E_PROTO,
			    _("the EST server refused the request '%s' (HTTP %ld)"), op, s);
			cw_error_hint(err, _("%s The request was not accepted; nothing was installed."),
			    counted);
		} else if (s >= 500) {
			cw_error_set(err, CW_E_PROTO,
			    _("the EST server failed on '%s' (HTTP %ld)"), op, s);
			cw_error_hint(err, _("%s Try again later. Nothing was installed."), counted);
		} else {
			cw_error_set(err, CW_E_PROTO,
			    _("the EST server gave an unexpected answer to '%s' (HTTP %ld)"), op, s);
			cw_error_hint(err, _("Nothing was installed."));
		}
		break;
	}
	/* The server's own reason, always. */
	if (est->reason[0] != '\0')
		cw_error_detail(err, _("the server says: %s"), est->reason);
	return -1;
}

int
cw_est_answer_error(struct cw_est *est, const char *op, long status,
    const char *head, size_t head_len, const char *body, size_t body_len,
    int otp, struct cw_error *err)
{
	const char *p = head, *end = head + head_len, *nl;
	int rc;

	/* What libcurl hands the callbacks: one header line per call. */
	body_clear(est);
	est->reason[0] = '\0';
	est->status = status;
	for (; p < end; p = nl) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl != NULL ? nl + 1 : end;
		on_header((char *)p, 1, (size_t)(nl - p), est);
	}
	if (on_body((char *)body, 1, body_len, est) != body_len && body_len > 0)
		body_clear(est);	/* over the cap: libcurl would have failed */
	rc = status_error(est, op, otp, err);
	body_clear(est);
	return rc;
}

/* Waits secs seconds (202 Retry-After), counting down.  -1 if cancelled. */
static int
wait_retry(struct cw_est *est, long secs, struct cw_error *err)
{
	struct timespec start, now, tick = { 0, TICK_MS * 1000000L };
	long elapsed_ms;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed_ms = (now.tv_sec - start.tv_sec) * 1000 +
		    (now.tv_nsec - start.tv_nsec) / 1000000;
		if (elapsed_ms >= secs * 1000)
			return 0;
		if (est->progress != NULL && est->progress(est->progress_ctx,
		    CW_EST_PHASE_WAITING, est->polls,
		    (secs * 1000 - elapsed_ms + 999) / 1000) != 0)
			return cw_error_set(err, CW_E_CANCELLED,
			    _("waiting for the EST server was cancelled"));
		nanosleep(&tick, NULL);
	}
}

/* The last answer challenges for HTTP Digest (and not Basic)? */
static int
digest_challenge(struct cw_est *est)
{
#if LIBCURL_VERSION_NUM >= 0x075300
	struct curl_header *h = NULL;
	size_t i, n = 0;
	int digest = 0, basic = 0;

	if (curl_easy_header(est->curl, "WWW-Authenticate", 0, CURLH_HEADER, -1,
	    &h) != CURLHE_OK || h == NULL)
		return 0;
	n = h->amount;
	for (i = 0; i < n; i++) {
		if (curl_easy_header(est->curl, "WWW-Authenticate", i, CURLH_HEADER,
		    -1, &h) != CURLHE_OK || h == NULL)
			break;
		if (strncasecmp(h->value, "Digest", 6) == 0)
			digest = 1;
		if (strncasecmp(h->value, "Basic", 5) == 0)
			basic = 1;
	}
	return digest && !basic;
#else
	(void)est;
	return 0;
#endif
}

/* One POST on the connection its CSR was signed for: a GET /cacerts opens
 * (or reuses) the connection and tells its tls-unique, sign() makes the
 * CSR for it, and the POST goes out only on that same connection (the
 * prereq check); on another one nothing is sent and it starts over.
 * A handle whose last request was answered (the preflight's) skips that
 * GET the first time: the CSR is signed for the connection that request
 * went out on, which libcurl reuses when it is still open; when it was
 * closed meanwhile, the new connection fails the prereq check before a
 * byte is sent and the round starts over with the GET.
 * Without sign, the fixed CSR in *req/body is sent as it is. */
static int
post_once(struct cw_est *est, const char *op, const struct cw_secret *auth,
    int client_cert, cw_est_sign_fn *sign, void *sign_ctx, X509_REQ **req,
    char **body, size_t *body_len, struct cw_error *err)
{
	char *csr = NULL;
	size_t csrlen = 0;
	long nconn = -1;
	int tries, ret = -1;

	est->linked = 0;
	est->check_binding = 0;
	if (sign == NULL)
		return perform(est, op, *body, *body_len, auth, client_cert, err);
	for (tries = 0; tries < 3; tries++) {
		est->check_binding = 0;
		if ((tries > 0 || !est->warm || est->conn_id[0] == '\0') &&
		    perform(est, "cacerts", NULL, 0, NULL, client_cert, err) < 0)
			return -1;
		free(csr);
		csr = NULL;
		X509_REQ_free(*req);
		*req = NULL;
		free(*body);
		*body = NULL;
		if (sign(sign_ctx, est->conn_tlsu[0] ? est->conn_tlsu : NULL, &csr,
		    &csrlen, err) < 0 ||
		    cw_est_csr_load(csr, csrlen, req, err) < 0 ||
		    cw_est_csr_body(*req, body, body_len, err) < 0)
			goto out;
		snprintf(est->bound, sizeof(est->bound), "%s", est->conn_tlsu);
		snprintf(est->bound_id, sizeof(est->bound_id), "%s", est->conn_id);
		est->check_binding = 1;
		est->linked = est->bound[0] != '\0';
		if (perform(est, op, *body, *body_len, auth, client_cert, err) == 0) {
			/* The POST went out on the GET's connection. */
			curl_easy_getinfo(est->curl, CURLINFO_NUM_CONNECTS, &nconn);
			if (nconn != 0) {
				cw_error_set(err, CW_E_POP,
				    _("the request went out on another TLS connection than the one its tls-unique came from"));
				goto out;
			}
			ret = 0;
			goto out;
		}
		if (!est->rebind)
			goto out;
		/* Another connection than the signed one: nothing was sent. */
		cw_error_clear(err);
	}
	cw_error_set(err, CW_E_NET,
	    _("the EST server '%s' closes every connection before the request: the request cannot be bound to its connection"),
	    est->url);
	cw_error_hint(err, _("Nothing was sent: the one-time password was not used."));
out:
	est->check_binding = 0;
	free(csr);
	return ret;
}

/* The POST operations: send, poll on 202, parse. */
static int
enroll(struct cw_est *est, const char *op, const struct cw_secret *auth,
    int client_cert, const void *csr, size_t len, cw_est_sign_fn *sign,
    void *sign_ctx, struct cw_est_certs *certs, struct cw_error *err)
{
	X509_REQ *req = NULL;
	char *body = NULL;
	size_t body_len = 0;
	long waited = 0;
	curl_off_t ra;
	int ret = -1;

	memset(certs, 0, sizeof(*certs));
	est->polls = 0;
	est->delivery = CW_EST_NOT_SENT;
	est->status = 0;
	est->use_digest = 0;
	if (sign == NULL && (cw_est_csr_load(csr, len, &req, err) < 0 ||
	    cw_est_csr_body(req, &body, &body_len, err) < 0))
		goto out;
	for (;;) {
		if (est->progress != NULL && est->progress(est->progress_ctx,
		    CW_EST_PHASE_CONNECTING, est->polls, 0) != 0) {
			cw_error_set(err, CW_E_CANCELLED, _("the request to '%s' was cancelled"), op);
			goto out;
		}
		if (post_once(est, op, auth, client_cert, sign, sign_ctx, &req, &body,
		    &body_len, err) < 0)
			goto out;
		if (est->status == 401 && auth != NULL && !est->use_digest &&
		    digest_challenge(est)) {
			/* A Digest-only server: the same request with Digest. */
			est->use_digest = 1;
			continue;
		}
		if (est->status != 202)
			break;
		est->polls++;
		ra = 0;
		curl_easy_getinfo(est->curl, CURLINFO_RETRY_AFTER, &ra);
		if (ra <= 0)
			ra = DEFAULT_RETRY_S;
		if (est->polls > est->max_polls || waited + ra > est->max_wait_s) {
			reason_text(est);
			cw_error_set(err, CW_E_PENDING,
			    _("the EST server has not issued the certificate yet: it waits for manual approval (asked to retry in %ld s after %u tries)"),
			    (long)ra, est->polls);
			if (est->reason[0] != '\0')
				cw_error_detail(err, _("the server says: %s"), est->reason);
			cw_error_hint(err, _("The request was accepted: run the same command again later "
			    "with the same one-time password; the same request is sent. Nothing was installed."));
			goto out;
		}
		if (wait_retry(est, (long)ra, err) < 0)
			goto out;
		waited += (long)ra;
	}
	if (est->status != 200) {
		status_error(est, op, auth != NULL, err);
		goto out;
	}
	ret = parse_answer(est, op, req, certs, err);
out:
	X509_REQ_free(req);
	free(body);
	body_clear(est);
	return ret;
}

int
cw_est_cacerts(struct cw_est *est, struct cw_est_certs *certs,
    struct cw_error *err)
{
	int ret = -1;

	memset(certs, 0, sizeof(*certs));
	est->polls = 0;
	if (perform(est, "cacerts", NULL, 0, NULL, 0, err) < 0)
		goto out;
	if (est->status != 200) {
		status_error(est, "cacerts", 0, err);
		goto out;
	}
	ret = parse_answer(est, "cacerts", NULL, certs, err);
out:
	body_clear(est);
	return ret;
}

int
cw_est_csrattrs(struct cw_est *est, struct cw_est_csrattrs *out,
    struct cw_error *err)
{
	int ret = -1;

	memset(out, 0, sizeof(*out));
	est->polls = 0;
	if (perform(est, "csrattrs", NULL, 0, NULL, 0, err) < 0)
		goto out;
	if (est->status == 404 || est->status == 204) {
		ret = 0;	/* none */
		goto out;
	}
	if (est->status != 200) {
		status_error(est, "csrattrs", 0, err);
		goto out;
	}
	ret = cw_est_csrattrs_parse(est->body ? est->body : "", est->body_len, out, err);
out:
	body_clear(est);
	return ret;
}

/* "Authorization: Basic base64(serial:otp)" built in a secret buffer. */
static int
basic_auth(const char *serial, const struct cw_secret *otp,
    struct cw_secret **out, struct cw_error *err)
{
	static const char prefix[] = "Authorization: Basic ";
	struct cw_secret *plain = NULL, *hdr = NULL;
	unsigned char chunk[64 + 1];
	const unsigned char *p;
	size_t i, n, len;
	int ret = -1;

	*out = NULL;
	len = strlen(serial) + 1 + cw_secret_len(otp);
	if ((plain = cw_secret_new(len)) == NULL ||
	    (hdr = cw_secret_new(sizeof(prefix) + (len + 2) / 3 * 4)) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	if (cw_secret_append(plain, serial, strlen(serial), err) < 0 ||
	    cw_secret_append(plain, ":", 1, err) < 0 ||
	    cw_secret_append(plain, cw_secret_data(otp), cw_secret_len(otp), err) < 0 ||
	    cw_secret_append(hdr, prefix, sizeof(prefix) - 1, err) < 0)
		goto out;
	p = (const unsigned char *)cw_secret_data(plain);
	for (i = 0; i < len; i += 48) {
		n = len - i < 48 ? len - i : 48;
		n = (size_t)EVP_EncodeBlock(chunk, p + i, (int)n);
		if (cw_secret_append(hdr, chunk, n, err) < 0)
			goto out;
	}
	*out = hdr;
	hdr = NULL;
	ret = 0;
out:
	OPENSSL_cleanse(chunk, sizeof(chunk));
	cw_secret_free(plain);
	cw_secret_free(hdr);
	return ret;
}

static int
simpleenroll(struct cw_est *est, const char *serial,
    const struct cw_secret *otp, const void *csr, size_t len,
    cw_est_sign_fn *sign, void *sign_ctx, struct cw_est_certs *certs,
    struct cw_error *err)
{
	struct cw_secret *auth = NULL;
	const char *s;
	int ret;

	memset(certs, 0, sizeof(*certs));
	est->delivery = CW_EST_NOT_SENT;
	est->status = 0;
	if (serial == NULL || serial[0] == '\0')
		return cw_error_set(err, CW_E_CONFIG, _("the device serial number is not configured"));
	for (s = serial; *s != '\0'; s++)
		if (*s == ':' || (unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return cw_error_set(err, CW_E_CONFIG,
			    _("the device serial number '%s' is not valid"), serial);
	if (cw_secret_len(otp) == 0)
		return cw_error_set(err, CW_E_USAGE, _("the one-time password is empty"));
	if (basic_auth(serial, otp, &auth, err) < 0)
		return -1;
	est->digest_user = serial;
	est->digest_pass = cw_secret_data(otp);
	ret = enroll(est, "simpleenroll", auth, 0, csr, len, sign, sign_ctx, certs, err);
	est->digest_user = est->digest_pass = NULL;
	cw_secret_free(auth);
	if (ret < 0 && err != NULL && (err->code == CW_E_NET || err->code == CW_E_TLS ||
	    err->code == CW_E_CANCELLED)) {
		if (est->delivery == CW_EST_MAYBE_RECEIVED)
			cw_error_hint(err, _("The request was sent but no answer came "
			    "back: the one-time password may be used up. Retry with the "
			    "same OTP and the same request; if it is refused, generate a "
			    "new OTP in the support portal. Nothing was installed."));
		else if (est->delivery == CW_EST_NOT_SENT) {
			char prev[CW_ERR_HINT_MAX];

			/* Keep what the failure itself says to check. */
			snprintf(prev, sizeof(prev), "%s",
			    strcmp(err->hint, _("Nothing was sent to the server.")) == 0 ?
			    "" : err->hint);
			/* TRANSLATORS: the first two %s are an earlier hint
			 * and a space, or two empty strings. */
			cw_error_hint(err, _("%s%sNothing was sent: the one-time "
			    "password was not used. Nothing was installed."), prev,
			    prev[0] ? " " : "");
		}
	}
	return ret;
}

/* POST /simplereenroll, authenticated by the client certificate: with the
 * fixed csr, or (sign) signed on its connection. */
static int
reenroll(struct cw_est *est, const void *csr, size_t len, cw_est_sign_fn *sign,
    void *sign_ctx, struct cw_est_certs *certs, struct cw_error *err)
{
	memset(certs, 0, sizeof(*certs));
	est->delivery = CW_EST_NOT_SENT;
	est->status = 0;
	if (est->client_cert == NULL || est->client_key == NULL)
		return cw_error_set(err, CW_E_STATE,
		    _("re-enrollment needs the current certificate and key"));
	return enroll(est, "simplereenroll", NULL, 1, csr, len, sign, sign_ctx, certs, err);
}

int
cw_est_simplereenroll(struct cw_est *est, const void *csr, size_t len,
    struct cw_est_certs *certs, struct cw_error *err)
{
	return reenroll(est, csr, len, NULL, NULL, certs, err);
}

int
cw_est_simplereenroll_linked(struct cw_est *est, cw_est_sign_fn *sign,
    void *sign_ctx, struct cw_est_certs *certs, struct cw_error *err)
{
	return reenroll(est, NULL, 0, sign, sign_ctx, certs, err);
}

int
cw_est_simpleenroll(struct cw_est *est, const char *serial,
    const struct cw_secret *otp, const void *csr, size_t len,
    struct cw_est_certs *certs, struct cw_error *err)
{
	return simpleenroll(est, serial, otp, csr, len, NULL, NULL, certs, err);
}

int
cw_est_simpleenroll_linked(struct cw_est *est, const char *serial,
    const struct cw_secret *otp, cw_est_sign_fn *sign, void *sign_ctx,
    struct cw_est_certs *certs, struct cw_error *err)
{
	return simpleenroll(est, serial, otp, NULL, 0, sign, sign_ctx, certs, err);
}
