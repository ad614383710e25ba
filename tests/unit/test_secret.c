/* test_secret.c - the secret buffer. */
#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/secret.h"
#include "testutil.h"

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
test_secret_append_cap_trim(void **state)
{
	struct cw_secret *s = cw_secret_new(8);
	struct cw_error err;

	(void)state;
	assert_non_null(s);
	assert_int_equal(cw_secret_append(s, "  ab", 4, &err), 0);
	assert_int_equal(cw_secret_append(s, "cd\r\n", 4, &err), 0);
	assert_int_equal(cw_secret_append(s, "x", 1, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
	/* The error never quotes the secret. */
	assert_null(strstr(err.msg, "abcd"));
	cw_secret_trim(s);
	assert_string_equal(cw_secret_data(s), "abcd");
	assert_int_equal(cw_secret_len(s), 4);
	cw_secret_clear(s);
	assert_int_equal(cw_secret_len(s), 0);
	assert_string_equal(cw_secret_data(s), "");
	cw_secret_free(s);
	cw_secret_free(NULL);
}

static void
test_secret_read_file(void **state)
{
	const char *path = tu_path(*state, "otp");
	struct cw_secret *s = NULL, *t = NULL;
	struct cw_error err;

	tu_write(path, "  9f86d081884c7d65\n", 0600);
	assert_int_equal(cw_secret_read_file(path, 64, 0, &s, &err), 0);
	assert_string_equal(cw_secret_data(s), "9f86d081884c7d65");
	assert_int_equal(cw_secret_read_file(path, 64, 0, &t, &err), 0);
	assert_true(cw_secret_equal(s, t));
	cw_secret_free(t);

	/* Group/other-readable secret file is refused unless allowed. */
	tu_write(path, "9f86d081884c7d65\n", 0644);
	assert_int_equal(cw_secret_read_file(path, 64, 0, &t, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
	assert_null(t);
	assert_null(strstr(err.msg, "9f86"));
	assert_int_equal(cw_secret_read_file(path, 64, 1, &t, &err), 0);
	cw_secret_free(t);

	/* Too long, empty, missing. */
	tu_write(path, "0123456789", 0600);
	assert_int_equal(cw_secret_read_file(path, 4, 0, &t, &err), -1);
	tu_write(path, " \n", 0600);
	assert_int_equal(cw_secret_read_file(path, 4, 0, &t, &err), -1);
	assert_int_equal(cw_secret_read_file(tu_path(*state, "none"), 4, 0, &t, &err), -1);
	assert_int_equal(err.code, CW_E_IO);
	cw_secret_free(s);
}

static void
test_secret_harden_disables_core(void **state)
{
	struct rlimit rl;

	(void)state;
	cw_secret_harden_process();
	assert_int_equal(getrlimit(RLIMIT_CORE, &rl), 0);
	assert_int_equal(rl.rlim_cur, 0);
#ifndef __SANITIZE_ADDRESS__
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secret_append_cap_trim),
		cmocka_unit_test(test_secret_read_file),
		cmocka_unit_test(test_secret_harden_disables_core),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
