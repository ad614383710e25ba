/* test_log.c - flow logs. */
#include "config.h"

#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/cfg.h"
#include "core/log.h"
#include "testutil.h"

static void
test_log_lines_appended_one_per_record(void **state)
{
	char *dir = tu_mkdtemp(), *text;
	struct cw_cfg cfg;
	struct cw_error err;
	struct cw_log *log = NULL;
	struct stat st;

	(void)state;
	assert_int_equal(cw_cfg_defaults(&cfg, &err), 0);
	free(cfg.log_dir);
	cfg.log_dir = strdup(tu_path(dir, "log/sub"));
	cfg.log_syslog = 0;
	assert_int_equal(cw_log_open(&cfg, "sc3migration", &log, &err), 0);
	assert_string_equal(cw_log_path(log), tu_path(dir, "log/sub/sc3migration.log"));
	cw_log_msg(log, CW_LOG_INFO, "SC3 Backup success");
	cw_log_msg(log, CW_LOG_WARNING, "two\nlines");
	cw_error_set(&err, CW_E_NET, "cannot reach '%s'", "h");
	cw_error_detail(&err, "refused");
	cw_log_error(log, &err);
	cw_log_close(log);
	/* Reopen appends. */
	assert_int_equal(cw_log_open(&cfg, "sc3migration", &log, &err), 0);
	cw_log_msg(log, CW_LOG_DEBUG, "again");
	cw_log_close(log);
	cw_log_close(NULL);

	text = tu_read(tu_path(dir, "log/sub/sc3migration.log"));
	assert_non_null(text);
	assert_non_null(strstr(text, "Z INFO SC3 Backup success\n"));
	assert_non_null(strstr(text, "Z WARNING two lines\n"));
	assert_non_null(strstr(text, "Z ERROR cannot reach 'h': refused\n"));
	assert_non_null(strstr(text, "Z DEBUG again\n"));
	{
		int lines = 0;
		for (char *p = text; *p; p++)
			lines += *p == '\n';
		assert_int_equal(lines, 4);
	}
	assert_int_equal(stat(tu_path(dir, "log/sub/sc3migration.log"), &st), 0);
	assert_int_equal(st.st_mode & 037, 0);	/* 0640 at most */
	free(text);
	cw_cfg_release(&cfg);
	tu_rmtree(dir);
	free(dir);
}

static void
test_log_unwritable_dir_is_an_error(void **state)
{
	char *dir = tu_mkdtemp();
	struct cw_cfg cfg;
	struct cw_error err;
	struct cw_log *log = NULL;

	(void)state;
	tu_write(tu_path(dir, "file"), "x", 0644);
	assert_int_equal(cw_cfg_defaults(&cfg, &err), 0);
	free(cfg.log_dir);
	cfg.log_dir = strdup(tu_path(dir, "file/log"));
	assert_int_equal(cw_log_open(&cfg, "x", &log, &err), -1);
	assert_int_equal(err.code, CW_E_IO);
	assert_null(log);
	cw_cfg_release(&cfg);
	tu_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_lines_appended_one_per_record),
		cmocka_unit_test(test_log_unwritable_dir_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
