/* netcheck.c - the connectivity check: one easy handle per endpoint, all in
 * one multi handle, CURLOPT_CONNECT_ONLY so a check is DNS + TCP (+ TLS)
 * and nothing else.  The reason for a failure is built from the CURLcode
 * plus what libcurl measured (which phase finished, the socket errno, the
 * X.509 verify result), never from parsing libcurl's message text. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/x509_vfy.h>

#include "core/i18n.h"
#include "pki/est.h"
#include "pki/netcheck.h"

static const char *const stage_names[CW_NETCHECK__MAX] = {
	[CW_NETCHECK_DONE] = "ok",
	[CW_NETCHECK_PROXY] = "proxy",
	[CW_NETCHECK_DNS] = "dns",
	[CW_NETCHECK_TCP] = "tcp",
	[CW_NETCHECK_TLS] = "tls",
	[CW_NETCHECK_OTHER] = "other",
};

/* Per endpoint while the check runs. */
struct probe {
	CURL *easy;
	char url[300];
	char errbuf[CURL_ERROR_SIZE];
	int done;
};

const char *
cw_netcheck_stage_name(enum cw_netcheck_stage stage)
{
	if ((int)stage < 0 || stage >= CW_NETCHECK__MAX)
		return "?";
	return stage_names[stage];
}

void
cw_netcheck_report_free(struct cw_netcheck_report *report)
{
	if (report == NULL)
		return;
	for (size_t i = 0; i < report->n; i++) {
		free(report->results[i].endpoint);
		free(report->results[i].host);
	}
	free(report->results);
	free(report);
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Trims blanks around [*p, *p + *len). */
static void
trim(const char **p, size_t *len)
{
	while (*len > 0 && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*len)--;
	}
	while (*len > 0 && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t'))
		(*len)--;
}

static int
is_tls_port(const char *tls_ports, int port)
{
	for (const char *p = tls_ports; p != NULL && *p; ) {
		char *end;
		long n = strtol(p, &end, 10);

		if (end != p && n == port)
			return 1;
		if ((p = strchr(p, ',')) == NULL)
			break;
		p++;
	}
	return 0;
}

/* The representative host for a "*.domain" entry: the wildcard_hosts pair
 * for it, else "domain".  Returns a new string or NULL (out of memory). */
static char *
wildcard_host(const char *map, const char *pattern, size_t plen)
{
	for (const char *p = map; p != NULL && *p; ) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *eq;

		trim(&p, &len);
		eq = memchr(p, '=', len);
		if (eq != NULL) {
			const char *k = p;
			size_t klen = (size_t)(eq - p);

			trim(&k, &klen);
			if (klen != plen || strncasecmp(k, pattern, plen) != 0)
				eq = NULL;
		}
		if (eq != NULL) {
			const char *h = eq + 1;
			size_t hlen = (size_t)(p + len - h);

			trim(&h, &hlen);
			return strndup(h, hlen);
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return strndup(pattern + 2, plen - 2);
}

/* Fills r from one "host:port" / "[v6]:port" entry. */
static int
parse_entry(const struct cw_cfg *cfg, const char *s, size_t len,
    struct cw_netcheck_result *r, struct cw_error *err)
{
	const char *colon = NULL, *h = s;
	size_t hlen;
	char num[8];
	char *end;
	long port;

	if ((r->endpoint = strndup(s, len)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	if (len > 0 && s[0] == '[') {
		const char *rb = memchr(s, ']', len);
		if (rb != NULL && rb + 1 < s + len && rb[1] == ':') {
			colon = rb + 1;
			h = s + 1;
			hlen = (size_t)(rb - h);
		}
	} else {
		for (const char *p = s; p < s + len; p++)
			if (*p == ':')
				colon = p;
		hlen = colon ? (size_t)(colon - s) : 0;
	}
	if (colon == NULL || hlen == 0 || (size_t)(s + len - colon - 1) >= sizeof(num))
		goto bad;
	memcpy(num, colon + 1, (size_t)(s + len - colon - 1));
	num[s + len - colon - 1] = '\0';
	errno = 0;
	port = strtol(num, &end, 10);
	if (num[0] == '\0' || *end != '\0' || errno != 0 || port < 1 || port > 65535)
		goto bad;
	r->port = (int)port;
	r->tls = is_tls_port(cfg->tls_ports, r->port);
	if (hlen > 2 && h[0] == '*' && h[1] == '.')
		r->host = wildcard_host(cfg->wildcard_hosts, h, hlen);
	else
		r->host = strndup(h, hlen);
	if (r->host == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	return 0;
bad:
	cw_error_set(err, CW_E_CONFIG,
	    _("[network] endpoints: '%s' is not host:port"), r->endpoint);
	return cw_error_hint(err, _("Correct the list in the configuration file; nothing was checked."));
}

static int
parse_endpoints(const struct cw_cfg *cfg, struct cw_netcheck_report *rep,
    struct cw_error *err)
{
	const char *list = cfg->endpoints ? cfg->endpoints : "";
	size_t cap = 1;

	for (const char *p = list; *p; p++)
		if (*p == ',')
			cap++;
	if ((rep->results = calloc(cap, sizeof(*rep->results))) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	for (const char *p = list; *p; ) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *s = p;

		trim(&s, &len);
		if (len > 0) {
			if (parse_entry(cfg, s, len, &rep->results[rep->n], err) == -1) {
				rep->n++;	/* so the report frees it */
				return -1;
			}
			rep->n++;
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	if (rep->n == 0) {
		cw_error_set(err, CW_E_CONFIG, _("[network] endpoints is empty: there is nothing to check"));
		return cw_error_hint(err, _("List the host:port pairs to check in the configuration file."));
	}
	return 0;
}

/* "3 s", "1.5 s": the configured timeout the way a person says it. */
static void
fmt_seconds(char *buf, size_t len, int ms)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%d", ms / 1000);
	else
		snprintf(buf, len, "%.1f", ms / 1000.0);
}

/* 1 when host matches the no_proxy list the way libcurl reads it: "*",
 * or a name equal to an entry or ending in "." + entry. */
static int
no_proxy_match(const char *list, const char *host)
{
	size_t hlen = strlen(host);

	for (const char *p = list; p != NULL && *p; ) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *e = p;

		trim(&e, &len);
		if (len > 0 && *e == '.') {
			e++;
			len--;
		}
		if ((len == 1 && *e == '*') ||
		    (len == hlen && strncasecmp(e, host, len) == 0) ||
		    (len > 0 && len < hlen && host[hlen - len - 1] == '.' &&
		    strncasecmp(e, host + hlen - len, len) == 0))
			return 1;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return 0;
}

/* Whether libcurl goes through a proxy for r: [network] proxy, else the
 * variables libcurl reads for the scheme, minus no_proxy.  Only used to
 * word a failure: a refused connect through a proxy is the proxy's. */
static int
uses_proxy(const struct cw_cfg *cfg, const struct cw_netcheck_result *r)
{
	const char *v = NULL, *np;

	if ((np = getenv("no_proxy")) == NULL)
		np = getenv("NO_PROXY");
	if (np != NULL && no_proxy_match(np, r->host))
		return 0;
	if (cfg->proxy != NULL && cfg->proxy[0] != '\0')
		return 1;
	if (r->tls && (v = getenv("https_proxy")) == NULL)
		v = getenv("HTTPS_PROXY");
	if (!r->tls)
		v = getenv("http_proxy");	/* libcurl ignores HTTP_PROXY */
	if (v == NULL && (v = getenv("all_proxy")) == NULL)
		v = getenv("ALL_PROXY");
	return v != NULL && v[0] != '\0';
}

/* Builds r->stage and r->reason from what libcurl reports. */
static void
explain(const struct cw_cfg *cfg, CURL *easy, CURLcode code,
    struct cw_netcheck_result *r)
{
	curl_off_t t_dns = 0, t_tcp = 0;
	long os_errno = 0, verify = 0, connectcode = 0;
	int proxied = uses_proxy(cfg, r);
	char secs[16];
	size_t n = sizeof(r->reason);

	curl_easy_getinfo(easy, CURLINFO_NAMELOOKUP_TIME_T, &t_dns);
	curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &t_tcp);
	curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
	curl_easy_getinfo(easy, CURLINFO_SSL_VERIFYRESULT, &verify);
	curl_easy_getinfo(easy, CURLINFO_HTTP_CONNECTCODE, &connectcode);
	fmt_seconds(secs, sizeof(secs), cfg->timeout_ms);

	switch (code) {
	case CURLE_OK:
		r->ok = 1;
		r->stage = CW_NETCHECK_DONE;
		r->reason[0] = '\0';
		return;
	case CURLE_COULDNT_RESOLVE_PROXY:
		r->stage = CW_NETCHECK_PROXY;
		/* TRANSLATORS: the proxy's host name does not resolve. */
		snprintf(r->reason, n, "%s", _("proxy: no such host"));
		return;
	case CURLE_COULDNT_RESOLVE_HOST:
		r->stage = CW_NETCHECK_DNS;
		/* TRANSLATORS: DNS has no address for the endpoint's name. */
		snprintf(r->reason, n, "%s", _("DNS: no such host"));
		return;
	case CURLE_COULDNT_CONNECT:
		if (proxied) {
			/* Through a tunnel the endpoint's failure comes back as an
			 * HTTP status: a failed connect was the one to the proxy. */
			r->stage = CW_NETCHECK_PROXY;
			if (os_errno == ECONNREFUSED)
				snprintf(r->reason, n, "%s", _("proxy: connection refused"));
			else
				snprintf(r->reason, n, "%s", _("proxy: cannot connect"));
			return;
		}
		r->stage = CW_NETCHECK_TCP;
		switch (os_errno) {
		case ECONNREFUSED:
			/* TRANSLATORS: %d is a TCP port number. */
			snprintf(r->reason, n, _("TCP %d: connection refused"), r->port);
			return;
		case ENETUNREACH:
			snprintf(r->reason, n, _("TCP %d: network unreachable"), r->port);
			return;
		case EHOSTUNREACH:
			snprintf(r->reason, n, _("TCP %d: no route to host"), r->port);
			return;
		case ETIMEDOUT:
			/* TRANSLATORS: %d is a TCP port, %s a number of seconds. */
			snprintf(r->reason, n, _("TCP %d: timed out after %s s"), r->port, secs);
			return;
		default:
			snprintf(r->reason, n, _("TCP %d: cannot connect"), r->port);
			return;
		}
	case CURLE_OPERATION_TIMEDOUT:
		if (t_dns == 0) {
			r->stage = CW_NETCHECK_DNS;
			/* TRANSLATORS: %s is a number of seconds. */
			snprintf(r->reason, n, _("DNS: timed out after %s s"), secs);
		} else if (t_tcp == 0 && proxied) {
			r->stage = CW_NETCHECK_PROXY;
			snprintf(r->reason, n, _("proxy: timed out after %s s"), secs);
		} else if (t_tcp == 0) {
			r->stage = CW_NETCHECK_TCP;
			snprintf(r->reason, n, _("TCP %d: timed out after %s s"), r->port, secs);
		} else {
			r->stage = CW_NETCHECK_TLS;
			snprintf(r->reason, n, _("TLS: handshake timed out after %s s"), secs);
		}
		return;
	case CURLE_PEER_FAILED_VERIFICATION:
		r->stage = CW_NETCHECK_TLS;
		switch (verify) {
		case -1:
		case X509_V_OK:
		case X509_V_ERR_UNSPECIFIED:
		case X509_V_ERR_HOSTNAME_MISMATCH:
		case X509_V_ERR_IP_ADDRESS_MISMATCH:
			/* A chain failure stops the handshake and leaves its X.509
			 * code; curl's host name check runs after a good handshake
			 * and leaves none (0, or 1 = unspecified). */
			snprintf(r->reason, n, _("TLS: certificate is not for '%s'"), r->host);
			return;
		case X509_V_ERR_CERT_HAS_EXPIRED:
			snprintf(r->reason, n, "%s", _("TLS: certificate expired"));
			return;
		case X509_V_ERR_CERT_NOT_YET_VALID:
			snprintf(r->reason, n, "%s", _("TLS: certificate not yet valid (check the clock)"));
			return;
		default:
			snprintf(r->reason, n, "%s", _("TLS: certificate not trusted"));
			return;
		}
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_CACERT_BADFILE:
		r->stage = CW_NETCHECK_TLS;
		snprintf(r->reason, n, "%s", _("TLS: handshake failed"));
		return;
	case CURLE_PROXY:
		r->stage = CW_NETCHECK_PROXY;
		snprintf(r->reason, n, "%s", _("proxy: refused or failed"));
		return;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
		if (connectcode >= 502 && connectcode <= 504) {
			r->stage = CW_NETCHECK_PROXY;
			/* TRANSLATORS: the proxy could not connect to the endpoint;
			   %ld is an HTTP status code. */
			snprintf(r->reason, n, _("proxy: cannot reach it (HTTP %ld)"), connectcode);
		} else if (connectcode >= 300) {
			r->stage = CW_NETCHECK_PROXY;
			/* TRANSLATORS: %ld is an HTTP status code. */
			snprintf(r->reason, n, _("proxy: refused the tunnel (HTTP %ld)"), connectcode);
		} else if (r->tls) {
			r->stage = CW_NETCHECK_TLS;
			snprintf(r->reason, n, "%s", _("TLS: connection closed during the handshake"));
		} else {
			r->stage = CW_NETCHECK_TCP;
			snprintf(r->reason, n, _("TCP %d: connection reset"), r->port);
		}
		return;
	default:
		r->stage = CW_NETCHECK_OTHER;
		snprintf(r->reason, n, _("failed: %s"), curl_easy_strerror(code));
		return;
	}
}

static int
setup_probe(const struct cw_cfg *cfg, struct cw_netcheck_result *r,
    struct probe *pr, struct cw_error *err)
{
	int v6 = strchr(r->host, ':') != NULL;
	long t = cfg->timeout_ms;
	CURL *e;

	snprintf(pr->url, sizeof(pr->url), "%s://%s%s%s:%d/",
	    r->tls ? "https" : "http", v6 ? "[" : "", r->host, v6 ? "]" : "", r->port);
	if ((e = pr->easy = curl_easy_init()) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	if (curl_easy_setopt(e, CURLOPT_URL, pr->url) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, pr->errbuf) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, t) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, t) != CURLE_OK ||
	    /* Through a proxy, reach the endpoint itself, not just the proxy. */
	    curl_easy_setopt(e, CURLOPT_HTTPPROXYTUNNEL, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)r) != CURLE_OK)
		return cw_error_set(err, CW_E_NOMEM, _("cannot set up the check of '%s'"),
		    r->endpoint);
	/* Empty: libcurl takes the proxy from the environment by itself. */
	if (cfg->proxy != NULL && cfg->proxy[0] != '\0' &&
	    curl_easy_setopt(e, CURLOPT_PROXY, cfg->proxy) != CURLE_OK)
		return cw_error_set(err, CW_E_NOMEM, _("cannot set up the check of '%s'"),
		    r->endpoint);
	if (cfg->ca_file != NULL && cfg->ca_file[0] != '\0' &&
	    curl_easy_setopt(e, CURLOPT_CAINFO, cfg->ca_file) != CURLE_OK)
		return cw_error_set(err, CW_E_NOMEM, _("cannot set up the check of '%s'"),
		    r->endpoint);
	return 0;
}

int
cw_netcheck_run(const struct cw_cfg *cfg, cw_netcheck_progress_fn *progress,
    void *ctx, struct cw_netcheck_report **out, struct cw_error *err)
{
	struct cw_netcheck_report *rep = NULL;
	struct probe *probes = NULL;
	CURLM *multi = NULL;
	long start;
	size_t done = 0;
	int running = 0, rc = -1;

	*out = NULL;
	/* The EST client's init: whichever runs first installs the wiping
	 * allocators, so the OTP sent later in this process is wiped too. */
	if (cw_est_global_init(err) == -1)
		return -1;
	if ((rep = calloc(1, sizeof(*rep))) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	if (parse_endpoints(cfg, rep, err) == -1)
		goto out;
	if ((probes = calloc(rep->n, sizeof(*probes))) == NULL ||
	    (multi = curl_multi_init()) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < rep->n; i++) {
		if (setup_probe(cfg, &rep->results[i], &probes[i], err) == -1)
			goto out;
		if (curl_multi_add_handle(multi, probes[i].easy) != CURLM_OK) {
			cw_error_set(err, CW_E_NOMEM, _("out of memory"));
			goto out;
		}
	}

	start = now_ms();
	do {
		CURLMsg *msg;
		int left;
		CURLMcode mc = curl_multi_perform(multi, &running);

		if (mc != CURLM_OK) {
			cw_error_set(err, CW_E_NET, _("the connectivity check failed"));
			cw_error_detail(err, "%s", curl_multi_strerror(mc));
			goto out;
		}
		while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
			struct cw_netcheck_result *r = NULL;
			curl_off_t total = 0;
			size_t idx;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
			idx = (size_t)(r - rep->results);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_TOTAL_TIME_T, &total);
			r->time_ms = (long)(total / 1000);
			explain(cfg, msg->easy_handle, msg->data.result, r);
			if (!r->ok) {
				snprintf(r->detail, sizeof(r->detail), "%s",
				    probes[idx].errbuf[0] ? probes[idx].errbuf :
				    curl_easy_strerror(msg->data.result));
				rep->failed++;
			}
			probes[idx].done = 1;
			done++;
			if (progress != NULL && progress(ctx, done, rep->n, r) != 0) {
				cw_error_set(err, CW_E_CANCELLED, _("the connectivity check was cancelled"));
				goto out;
			}
		}
		if (running > 0 &&
		    (mc = curl_multi_poll(multi, NULL, 0, 200, NULL)) != CURLM_OK) {
			cw_error_set(err, CW_E_NET, _("the connectivity check failed"));
			cw_error_detail(err, "%s", curl_multi_strerror(mc));
			goto out;
		}
	} while (running > 0);
	rep->elapsed_ms = now_ms() - start;
	*out = rep;
	rep = NULL;
	rc = 0;
out:
	if (probes != NULL) {
		size_t n = *out ? (*out)->n : rep->n;

		for (size_t i = 0; i < n; i++) {
			if (probes[i].easy == NULL)
				continue;
			if (multi != NULL)
				curl_multi_remove_handle(multi, probes[i].easy);
			curl_easy_cleanup(probes[i].easy);
		}
	}
	curl_multi_cleanup(multi);
	free(probes);
	cw_netcheck_report_free(rep);
	curl_global_cleanup();
	return rc;
}
