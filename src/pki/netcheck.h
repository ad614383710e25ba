/* netcheck.h - the connectivity check ("Check prerequisites", `certwiz
 * check`): every [network] endpoint is checked at the same time with the
 * libcurl multi interface, so the whole check lasts about as long as the
 * slowest endpoint.  Per endpoint: DNS, TCP connect, and a TLS handshake
 * (verified against the system trust store or [network] ca_file) when the
 * port is one of [network] tls_ports.  Nothing is sent beyond the handshake
 * (CURLOPT_CONNECT_ONLY).  A proxy comes from [network] proxy, else from
 * the environment the way libcurl reads it (https_proxy, http_proxy,
 * no_proxy...); through a proxy every endpoint is reached with a CONNECT
 * tunnel.
 *
 * A wildcard entry (`*.gpcloudservice.com:443`) cannot be resolved: it is
 * checked through the host [network] wildcard_hosts gives for it
 * (`*.gpcloudservice.com=HOST`), else through the parent domain.
 *
 * The report is owned by the caller (cw_netcheck_report_free). */
#ifndef CW_NETCHECK_H
#define CW_NETCHECK_H

#include <stddef.h>

#include "core/cfg.h"
#include "core/error.h"

/* Where a check stopped. */
enum cw_netcheck_stage {
	CW_NETCHECK_DONE = 0,	/* every step passed */
	CW_NETCHECK_PROXY,	/* the proxy itself failed */
	CW_NETCHECK_DNS,
	CW_NETCHECK_TCP,
	CW_NETCHECK_TLS,
	CW_NETCHECK_OTHER,
	CW_NETCHECK__MAX
};

#define CW_NETCHECK_REASON_MAX 256

struct cw_netcheck_result {
	char *endpoint;		/* as configured, e.g. "*.example.com:443" */
	char *host;		/* the host checked (representative for a wildcard) */
	int port;
	int tls;		/* a TLS handshake was part of the check */
	int ok;
	enum cw_netcheck_stage stage;
	long time_ms;		/* this endpoint's time, start to result */
	char reason[CW_NETCHECK_REASON_MAX];	/* translated, "" when ok */
	char detail[CW_NETCHECK_REASON_MAX];	/* libcurl's error text */
};

struct cw_netcheck_report {
	size_t n;
	struct cw_netcheck_result *results;	/* in configuration order */
	long elapsed_ms;	/* the whole check */
	size_t failed;		/* how many endpoints failed */
};

/* Called after each endpoint finishes; a nonzero return cancels the check
 * (CW_E_CANCELLED).  May be NULL. */
typedef int cw_netcheck_progress_fn(void *ctx, size_t done, size_t total,
    const struct cw_netcheck_result *finished);

/* Runs the check over cfg's endpoints.  Returns 0 with a report (even when
 * endpoints failed: see report->failed) or -1 when the check itself could
 * not run (bad [network] values: CW_E_CONFIG; libcurl: CW_E_NOMEM...). */
int cw_netcheck_run(const struct cw_cfg *cfg, cw_netcheck_progress_fn *progress,
    void *ctx, struct cw_netcheck_report **out, struct cw_error *err);

/* Frees a report.  NULL is a no-op. */
void cw_netcheck_report_free(struct cw_netcheck_report *report);

/* A stable lower-case name for a stage ("dns", "tcp"...), for JSON. */
const char *cw_netcheck_stage_name(enum cw_netcheck_stage stage);

#endif
