/* test_cfg.c - configuration parsing. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/cfg.h"
#include "testutil.h"

struct warns {
	int count;
	char last[512];
};

static void
collect(void *ctx, const char *msg)
{
	struct warns *w = ctx;

	w->count++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
}

static int
setup(void **state)
{
	*state = tu_mkdtemp();
	return 0;
}

static int
teardown(void **state)
{
	tu_rmtree(*state);
	free(*state);
	return 0;
}

static void
test_cfg_defaults(void **state)
{
	struct cw_cfg cfg;
	struct cw_error err;

	(void)state;
	assert_int_equal(cw_cfg_defaults(&cfg, &err), 0);
	assert_int_equal(cfg.renew_before_days, 15);
	assert_int_equal(cfg.ntp_max_offset_ms, 1000);
	assert_int_equal(cfg.ntp_port, 123);
	assert_int_equal(cfg.timeout_ms, 3000);
	assert_int_equal(cfg.key_type, CW_KEY_EC_P256);
	assert_string_equal(cfg.state_dir, "/var/lib/certwiz");
	cw_cfg_release(&cfg);
	cw_cfg_release(&cfg);	/* twice is safe */
}

static void
test_cfg_good_file(void **state)
{
	const char *dir = *state;
	const char *path = tu_path(dir, "good.conf");
	struct cw_cfg cfg;
	struct cw_error err;
	struct warns w = { 0 };

	tu_write(path,
	    "; comment\n"
	    "[device]\nserial = 007951000123456\n"
	    "[paths]\nstate_dir = state\ncert_dir = /abs/cert\n"
	    "sc3_dir = sc3\nlog_dir = log\n"
	    "[enroll]\nurl = https://127.0.0.1:8443/.well-known/est\n"
	    "key_type = rsa-3072\nrenew_before_days = 20\n"
	    "[ntp]\nport = 12345\nmax_offset_ms = 250\n"
	    "[network]\nendpoints = a.example:443, [::1]:80,b.example:80\n"
	    "[log]\nsyslog = no\n", 0644);
	assert_int_equal(cw_cfg_load(&cfg, path, collect, &w, &err), 0);
	assert_int_equal(w.count, 0);
	assert_string_equal(cfg.device_serial, "007951000123456");
	assert_string_equal(cfg.state_dir, tu_path(dir, "state"));
	assert_string_equal(cfg.cert_dir, "/abs/cert");
	assert_string_equal(cfg.enroll_url, "https://127.0.0.1:8443/.well-known/est");
	assert_int_equal(cfg.key_type, CW_KEY_RSA_3072);
	assert_int_equal(cfg.renew_before_days, 20);
	assert_int_equal(cfg.ntp_port, 12345);
	assert_int_equal(cfg.ntp_max_offset_ms, 250);
	assert_int_equal(cfg.log_syslog, 0);
	assert_string_equal(cfg.path, path);
	/* Unset keys keep their defaults. */
	assert_int_equal(cfg.timeout_ms, 3000);
	cw_cfg_release(&cfg);
}

struct bad_case {
	const char *text;
	const char *key;	/* must be named in the message */
};

static void
test_cfg_bad_values(void **state)
{
	static const struct bad_case cases[] = {
		{ "[enroll]\nrenew_before_days = 0\n", "renew_before_days" },
		{ "[enroll]\nrenew_before_days = 90\n", "renew_before_days" },
		{ "[enroll]\nrenew_before_days = ten\n", "renew_before_days" },
		{ "[enroll]\nrenew_before_days = 15x\n", "renew_before_days" },
		{ "[enroll]\nrenew_before_days = 99999999999999999999\n", "renew_before_days" },
		{ "[enroll]\nkey_type = dsa\n", "key_type" },
		{ "[enroll]\nurl = http://insecure.example/est\n", "url" },
		{ "[enroll]\nurl = https://\n", "url" },
		{ "[ntp]\nport = 0\n", "port" },
		{ "[ntp]\nport = 65536\n", "port" },
		{ "[ntp]\nmax_offset_ms = -1\n", "max_offset_ms" },
		{ "[network]\ntimeout_ms = 5\n", "timeout_ms" },
		{ "[network]\nendpoints = host.example\n", "endpoints" },
		{ "[network]\nendpoints = host.example:99999\n", "endpoints" },
		{ "[network]\nendpoints = a.example:443,,\n", "endpoints" },
		{ "[network]\nendpoints = bad host:443\n", "endpoints" },
		{ "[device]\nserial = has space\n", "serial" },
		{ "[log]\nsyslog = maybe\n", "syslog" },
		{ "[sc3]\nmax_restore_bytes = 0\n", "max_restore_bytes" },
		{ "[sc3]\nmax_restore_bytes = 1023\n", "max_restore_bytes" },
		{ "[sc3]\nmax_restore_bytes = 12X\n", "max_restore_bytes" },
		{ "[sc3]\nmax_restore_bytes = -1G\n", "max_restore_bytes" },
		{ "[sc3]\nmax_restore_bytes = 99999999999999999999G\n", "max_restore_bytes" },
		{ "[device]\nmgmt_addresses = 192.0.2.300\n", "mgmt_addresses" },
		{ "[device]\nmgmt_addresses = 192.0.2.1,,::1\n", "mgmt_addresses" },
		{ "[device]\nmgmt_addresses = host.example\n", "mgmt_addresses" },
	};
	const char *dir = *state;
	const char *path = tu_path(dir, "bad.conf");

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cw_cfg cfg;
		struct cw_error err;

		tu_write(path, cases[i].text, 0644);
		assert_int_equal(cw_cfg_load(&cfg, path, NULL, NULL, &err), -1);
		assert_int_equal(err.code, CW_E_CONFIG);
		if (strstr(err.msg, cases[i].key) == NULL || strstr(err.msg, path) == NULL)
			fail_msg("case %zu: message lacks key or file: %s", i, err.msg);
		assert_true(err.hint[0] != '\0');
		/* Released on failure: nothing left to free. */
		assert_null(cfg.state_dir);
	}
}

/* [sc3] max_restore_bytes: bytes with K/M/G (1024-based), 1 GiB by
 * default; [device] mgmt_addresses: IPv4 and IPv6, blanks allowed. */
static void
test_cfg_sizes_and_addresses(void **state)
{
	static const struct { const char *v; uint64_t want; } sizes[] = {
		{ "1024", 1024 }, { "64K", 65536 }, { "3M", 3u << 20 },
		{ "2GiB", UINT64_C(2) << 30 }, { "1k", 1024 },
	};
	const char *path = tu_path(*state, "s.conf");
	struct cw_cfg cfg;
	struct cw_error err;
	char text[256];

	assert_int_equal(cw_cfg_defaults(&cfg, &err), 0);
	assert_true(cfg.max_restore_bytes == UINT64_C(1) << 30);
	assert_string_equal(cfg.mgmt_addresses, "");
	cw_cfg_release(&cfg);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(text, sizeof(text), "[sc3]\nmax_restore_bytes = %s\n"
		    "[device]\nmgmt_addresses = 192.0.2.1, 2001:db8::1 ,::1\n", sizes[i].v);
		tu_write(path, text, 0644);
		assert_int_equal(cw_cfg_load(&cfg, path, NULL, NULL, &err), 0);
		assert_true(cfg.max_restore_bytes == sizes[i].want);
		cw_cfg_release(&cfg);
	}
}

static void
test_cfg_syntax_error_names_line(void **state)
{
	const char *path = tu_path(*state, "syntax.conf");
	struct cw_cfg cfg;
	struct cw_error err;

	tu_write(path, "[paths]\nstate_dir = /x\nthis line is wrong\n", 0644);
	assert_int_equal(cw_cfg_load(&cfg, path, NULL, NULL, &err), -1);
	assert_int_equal(err.code, CW_E_CONFIG);
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.detail, "(3)"));
}

static void
test_cfg_unknown_key_warns(void **state)
{
	const char *path = tu_path(*state, "unknown.conf");
	struct cw_cfg cfg;
	struct cw_error err;
	struct warns w = { 0 };

	tu_write(path, "[paths]\nstate_dri = /x\n[bogus]\na = 1\n", 0644);
	assert_int_equal(cw_cfg_load(&cfg, path, collect, &w, &err), 0);
	assert_int_equal(w.count, 2);
	cw_cfg_release(&cfg);
	w.count = 0;
	tu_write(path, "[paths]\nstate_dri = /x\n", 0644);
	assert_int_equal(cw_cfg_load(&cfg, path, collect, &w, &err), 0);
	assert_int_equal(w.count, 1);
	assert_non_null(strstr(w.last, "state_dri"));
	cw_cfg_release(&cfg);
}

static void
test_cfg_missing_file(void **state)
{
	struct cw_cfg cfg;
	struct cw_error err;

	assert_int_equal(cw_cfg_load(&cfg, tu_path(*state, "nope.conf"), NULL, NULL, &err), -1);
	assert_int_equal(err.code, CW_E_CONFIG);
	assert_non_null(strstr(err.msg, "nope.conf"));
}

static void
test_cfg_unreadable_file(void **state)
{
	const char *path = tu_path(*state, "secret.conf");
	struct cw_cfg cfg;
	struct cw_error err;

	pid_t pid;
	int status;

	tu_write(path, "[paths]\n", 0000);
	/* CI runs as root, who reads anything: check as nobody. */
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) == -1 || setuid(65534) == -1))
			_exit(2);
		if (cw_cfg_load(&cfg, path, NULL, NULL, &err) != -1)
			_exit(3);
		_exit(err.code == CW_E_CONFIG && strstr(err.msg, path) ? 0 : 4);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_cfg_directory_as_file(void **state)
{
	struct cw_cfg cfg;
	struct cw_error err;

	/* Unreadable as a config even for root: a directory. */
	assert_int_equal(cw_cfg_load(&cfg, *state, NULL, NULL, &err), -1);
	assert_int_equal(err.code, CW_E_CONFIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfg_defaults),
		cmocka_unit_test(test_cfg_good_file),
		cmocka_unit_test(test_cfg_bad_values),
		cmocka_unit_test(test_cfg_sizes_and_addresses),
		cmocka_unit_test(test_cfg_syntax_error_names_line),
		cmocka_unit_test(test_cfg_unknown_key_warns),
		cmocka_unit_test(test_cfg_missing_file),
		cmocka_unit_test(test_cfg_unreadable_file),
		cmocka_unit_test(test_cfg_directory_as_file),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
