/* test_proc.c - running configured commands. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "core/proc.h"

static void
test_proc_exit_code_and_output(void **state)
{
	struct cw_proc_result res;
	struct cw_error err;

	(void)state;
	assert_int_equal(cw_proc_run("echo out; echo err >&2; exit 3", 5000, &res, &err), 0);
	assert_int_equal(res.exit_code, 3);
	assert_string_equal(res.output, "out\nerr\n");
	assert_int_equal(res.timed_out, 0);
	assert_int_equal(cw_proc_run("true", 0, &res, &err), 0);
	assert_int_equal(res.exit_code, 0);
	assert_int_equal(cw_proc_run("/nonexistent/cmd", 5000, &res, &err), 0);
	assert_int_equal(res.exit_code, 127);
}

static void
test_proc_timeout_kills_group(void **state)
{
	struct cw_proc_result res;
	struct cw_error err;

	(void)state;
	assert_int_equal(cw_proc_run("sleep 30 & sleep 30", 200, &res, &err), 0);
	assert_int_equal(res.timed_out, 1);
	assert_int_equal(res.exit_code, 128 + 9);
}

static void
test_proc_output_capped(void **state)
{
	struct cw_proc_result res;
	struct cw_error err;

	(void)state;
	assert_int_equal(cw_proc_run("head -c 100000 /dev/zero | tr '\\0' x", 5000, &res, &err), 0);
	assert_int_equal(res.exit_code, 0);
	assert_int_equal(res.truncated, 1);
	assert_int_equal(res.output_len, sizeof(res.output) - 1);
	assert_int_equal(strlen(res.output), sizeof(res.output) - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_exit_code_and_output),
		cmocka_unit_test(test_proc_timeout_kills_group),
		cmocka_unit_test(test_proc_output_capped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
