/* test_fileio_stage.c - the streaming install (cw_file_stage_*): the target
 * is untouched until commit, abort leaves nothing, commit replaces whole. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/fileio.h"
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

static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_fileio_stage_commit_replaces(void **state)
{
	const char *dir = *state, *path = tu_path(dir, "bundle");
	struct cw_file_stage *st = NULL;
	struct cw_error err;
	struct stat sb;
	char *got;

	tu_write(path, "old", 0644);
	assert_int_equal(cw_file_stage_open(path, 0600, &st, &err), 0);
	assert_int_equal(cw_file_stage_write(st, "new ", 4, &err), 0);
	assert_int_equal(cw_file_stage_write(st, "content", 7, &err), 0);
	got = tu_read(path);
	assert_string_equal(got, "old");	/* untouched before commit */
	free(got);
	assert_int_equal(cw_file_stage_commit(st, CW_FILE_KEEP_PREV, &err), 0);
	got = tu_read(path);
	assert_string_equal(got, "new content");
	free(got);
	got = tu_read(tu_path(dir, "bundle.prev"));
	assert_string_equal(got, "old");
	free(got);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(count_entries(dir), 2);
}

static void
test_fileio_stage_abort_leaves_nothing(void **state)
{
	const char *dir = *state, *path = tu_path(dir, "bundle");
	struct cw_file_stage *st = NULL;
	struct cw_error err;
	char *got;

	tu_write(path, "good", 0600);
	assert_int_equal(cw_file_stage_open(path, 0600, &st, &err), 0);
	assert_int_equal(cw_file_stage_write(st, "partial", 7, &err), 0);
	cw_file_stage_abort(st);
	cw_file_stage_abort(NULL);
	got = tu_read(path);
	assert_string_equal(got, "good");
	free(got);
	assert_int_equal(count_entries(dir), 1);
}

static void
test_fileio_stage_open_bad_dir(void **state)
{
	struct cw_file_stage *st = NULL;
	struct cw_error err;

	assert_int_equal(cw_file_stage_open(tu_path(*state, "no/such/dir/f"), 0600,
	    &st, &err), -1);
	assert_int_equal(err.code, CW_E_IO);
	assert_null(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fileio_stage_commit_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fileio_stage_abort_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fileio_stage_open_bad_dir, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
