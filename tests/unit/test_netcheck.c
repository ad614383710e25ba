/* test_netcheck.c - the connectivity check's parsing, wildcard
 * representatives, progress and cancel, against a listener and a closed
 * port on 127.0.0.1 made in the test (the full matrix of peers is
 * tests/integration/check.sh). */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/cfg.h"
#include "pki/netcheck.h"

struct fixture {
	struct cw_cfg cfg;
	int listener;		/* accepts (the kernel completes the handshake) */
	int open_port, closed_port;
};

static int
bound_socket(int *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct cw_error err;
	int fd;

	assert_int_equal(cw_cfg_defaults(&f->cfg, &err), 0);
	f->listener = bound_socket(&f->open_port);
	assert_int_equal(listen(f->listener, 16), 0);
	fd = bound_socket(&f->closed_port);
	close(fd);	/* nothing listens there now: refused */
	f->cfg.timeout_ms = 20000;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	close(f->listener);
	cw_cfg_release(&f->cfg);
	free(f);
	return 0;
}

static void
set_endpoints(struct fixture *f, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(f->cfg.endpoints);
	f->cfg.endpoints = strdup(buf);
}

static void
test_netcheck_results_in_config_order(void **state)
{
	struct fixture *f = *state;
	struct cw_netcheck_report *rep = NULL;
	struct cw_error err;
	char want[64];

	set_endpoints(f, " 127.0.0.1:%d , 127.0.0.1:%d,nonexistent.invalid:443,*.wild.test:%d,*.other.invalid:80",
	    f->open_port, f->closed_port, f->open_port);
	free(f->cfg.wildcard_hosts);
	f->cfg.wildcard_hosts = strdup("*.wild.test = 127.0.0.1");
	assert_int_equal(cw_netcheck_run(&f->cfg, NULL, NULL, &rep, &err), 0);
	assert_int_equal(rep->n, 5);
	assert_int_equal(rep->failed, 3);

	snprintf(want, sizeof(want), "127.0.0.1:%d", f->open_port);
	assert_string_equal(rep->results[0].endpoint, want);
	assert_true(rep->results[0].ok);
	assert_int_equal(rep->results[0].stage, CW_NETCHECK_DONE);
	assert_false(rep->results[0].tls);

	assert_false(rep->results[1].ok);
	assert_int_equal(rep->results[1].stage, CW_NETCHECK_TCP);
	assert_int_equal(rep->results[1].port, f->closed_port);

	assert_false(rep->results[2].ok);
	assert_int_equal(rep->results[2].stage, CW_NETCHECK_DNS);
	assert_true(rep->results[2].tls);	/* 443 is in the default tls_ports */

	/* Wildcards: the configured representative, else the parent domain. */
	assert_string_equal(rep->results[3].host, "127.0.0.1");
	assert_true(rep->results[3].ok);
	assert_string_equal(rep->results[4].host, "other.invalid");
	assert_int_equal(rep->results[4].stage, CW_NETCHECK_DNS);
	assert_string_equal(cw_netcheck_stage_name(rep->results[4].stage), "dns");
	cw_netcheck_report_free(rep);
	cw_netcheck_report_free(NULL);
}

static void
test_netcheck_ipv6_literal(void **state)
{
	struct fixture *f = *state;
	struct cw_netcheck_report *rep = NULL;
	struct cw_error err;

	set_endpoints(f, "[::1]:%d", f->closed_port);
	assert_int_equal(cw_netcheck_run(&f->cfg, NULL, NULL, &rep, &err), 0);
	assert_int_equal(rep->n, 1);
	assert_string_equal(rep->results[0].host, "::1");
	assert_int_equal(rep->results[0].port, f->closed_port);
	assert_int_equal(rep->results[0].stage, CW_NETCHECK_TCP);
	cw_netcheck_report_free(rep);
}

static void
test_netcheck_bad_lists(void **state)
{
	struct fixture *f = *state;
	struct cw_netcheck_report *rep = NULL;
	struct cw_error err;

	set_endpoints(f, " , ");
	assert_int_equal(cw_netcheck_run(&f->cfg, NULL, NULL, &rep, &err), -1);
	assert_int_equal(err.code, CW_E_CONFIG);
	assert_null(rep);
	set_endpoints(f, "127.0.0.1:%d,no-port", f->open_port);
	assert_int_equal(cw_netcheck_run(&f->cfg, NULL, NULL, &rep, &err), -1);
	assert_int_equal(err.code, CW_E_CONFIG);
	set_endpoints(f, "[::1:80");
	assert_int_equal(cw_netcheck_run(&f->cfg, NULL, NULL, &rep, &err), -1);
	set_endpoints(f, "host:70000");
	assert_int_equal(cw_netcheck_run(&f->cfg, NULL, NULL, &rep, &err), -1);
	assert_null(rep);
}

struct progress {
	size_t calls, cancel_at;
};

static int
on_progress(void *ctx, size_t done, size_t total,
    const struct cw_netcheck_result *finished)
{
	struct progress *p = ctx;

	assert_non_null(finished);
	assert_true(done <= total);
	assert_int_equal(done, ++p->calls);
	return p->cancel_at != 0 && done == p->cancel_at;
}

static void
test_netcheck_progress_and_cancel(void **state)
{
	struct fixture *f = *state;
	struct cw_netcheck_report *rep = NULL;
	struct progress p = { 0, 0 };
	struct cw_error err;

	set_endpoints(f, "127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d",
	    f->open_port, f->closed_port, f->open_port);
	assert_int_equal(cw_netcheck_run(&f->cfg, on_progress, &p, &rep, &err), 0);
	assert_int_equal(p.calls, 3);
	cw_netcheck_report_free(rep);
	rep = NULL;

	p.calls = 0;
	p.cancel_at = 1;
	assert_int_equal(cw_netcheck_run(&f->cfg, on_progress, &p, &rep, &err), -1);
	assert_int_equal(err.code, CW_E_CANCELLED);
	assert_null(rep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_netcheck_results_in_config_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_netcheck_ipv6_literal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_netcheck_bad_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_netcheck_progress_and_cancel, setup, teardown),
	};

	/* Loopback only: no proxy from the environment. */
	unsetenv("http_proxy");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
