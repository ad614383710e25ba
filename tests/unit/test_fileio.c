/* test_fileio.c - atomic install, directory creation, bounded reads. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void
test_fileio_install_new_and_replace(void **state)
{
	const char *dir = *state;
	const char *path = tu_path(dir, "cert.pem");
	struct cw_error err;
	struct stat st;
	char *got;

	assert_int_equal(cw_file_install(path, "one\n", 4, 0644, CW_FILE_KEEP_PREV, &err), 0);
	got = tu_read(path);
	assert_string_equal(got, "one\n");
	free(got);
	/* No .prev for a file that did not exist. */
	assert_null(tu_read(tu_path(dir, "cert.pem.prev")));

	assert_int_equal(cw_file_install(path, "two\n", 4, 0600, CW_FILE_KEEP_PREV, &err), 0);
	got = tu_read(path);
	assert_string_equal(got, "two\n");
	free(got);
	got = tu_read(tu_path(dir, "cert.pem.prev"));
	assert_string_equal(got, "one\n");
	free(got);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* The previous version keeps its own mode. */
	assert_int_equal(stat(tu_path(dir, "cert.pem.prev"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(count_entries(dir), 2);
}

static void
test_fileio_mode_applied_despite_umask(void **state)
{
	const char *path = tu_path(*state, "key.pem");
	struct cw_error err;
	struct stat st;
	mode_t old = umask(0);

	assert_int_equal(cw_file_install(path, "k", 1, 0600, 0, &err), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	old = umask(077);
	assert_int_equal(cw_file_install(path, "k", 1, 0644, 0, &err), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
}

static void
test_fileio_failure_before_rename_keeps_old(void **state)
{
	const char *dir = *state;
	const char *path = tu_path(dir, "target");
	const char *sub = tu_path(dir, "sub");
	struct cw_error err;
	char *got;

	/* Failure injected before rename: the target name is a non-empty
	 * directory, so rename() fails after the temp file was written. */
	assert_int_equal(mkdir(sub, 0700), 0);
	tu_write(tu_path(sub, "keep"), "old\n", 0644);
	assert_int_equal(cw_file_install(sub, "new", 3, 0644, 0, &err), -1);
	assert_int_equal(err.code, CW_E_IO);
	got = tu_read(tu_path(sub, "keep"));
	assert_string_equal(got, "old\n");
	free(got);
	/* No temporary left behind. */
	assert_int_equal(count_entries(dir), 1);

	/* A directory that does not exist: error, nothing created. */
	assert_int_equal(cw_file_install(tu_path(dir, "missing/x"), "n", 1, 0644, 0, &err), -1);
	assert_int_equal(err.code, CW_E_IO);
	assert_true(err.hint[0] != '\0');
	assert_null(tu_read(path));
}

static void
test_fileio_readonly_dir_keeps_old(void **state)
{
	const char *dir = *state;
	const char *ro = tu_path(dir, "ro");
	const char *path = tu_path(ro, "f");
	struct cw_error err;
	char *got;
	pid_t pid;
	int status;

	assert_int_equal(mkdir(ro, 0755), 0);
	tu_write(path, "old", 0644);
	assert_int_equal(chmod(ro, 0555), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	/* As nobody when root (root ignores directory modes). */
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) == -1 || setuid(65534) == -1))
			_exit(2);
		_exit(cw_file_install(path, "new", 3, 0644, CW_FILE_KEEP_PREV, &err) == -1 &&
		    err.code == CW_E_IO ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	got = tu_read(path);
	assert_string_equal(got, "old");
	free(got);
	assert_int_equal(count_entries(ro), 1);
}

/* A temporary left by a killed install of the same file is removed; other
 * files are not. */
static void
test_fileio_install_removes_stale_temporaries(void **state)
{
	const char *dir = *state;
	struct cw_error err;

	tu_write(tu_path(dir, ".key.pem.Ab3xYz"), "half a key", 0600);
	tu_write(tu_path(dir, ".key.pem.keepme1"), "not ours", 0600);
	tu_write(tu_path(dir, ".cert.pem.Ab3xYz"), "another file's", 0600);
	assert_int_equal(cw_file_install(tu_path(dir, "key.pem"), "k\n", 2, 0600, 0, &err), 0);
	assert_null(tu_read(tu_path(dir, ".key.pem.Ab3xYz")));
	assert_int_equal(count_entries(dir), 3);
}

static void
test_fileio_mkdirs(void **state)
{
	const char *dir = *state;
	struct cw_error err;
	struct stat st;

	assert_int_equal(cw_file_mkdirs(tu_path(dir, "a/b/c"), 0700, &err), 0);
	assert_int_equal(stat(tu_path(dir, "a/b/c"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(cw_file_mkdirs(tu_path(dir, "a/b/c"), 0700, &err), 0);
	tu_write(tu_path(dir, "file"), "x", 0644);
	assert_int_equal(cw_file_mkdirs(tu_path(dir, "file"), 0700, &err), -1);
	assert_int_equal(cw_file_mkdirs(tu_path(dir, "file/sub"), 0700, &err), -1);
}

static void
test_fileio_read_capped(void **state)
{
	const char *path = tu_path(*state, "r");
	struct cw_error err;
	char *buf;
	size_t len;

	tu_write(path, "0123456789", 0644);
	assert_int_equal(cw_file_read(path, 10, &buf, &len, &err), 0);
	assert_int_equal(len, 10);
	assert_string_equal(buf, "0123456789");
	free(buf);
	assert_int_equal(cw_file_read(path, 9, &buf, &len, &err), -1);
	assert_null(buf);
	assert_int_equal(cw_file_read(tu_path(*state, "none"), 9, &buf, &len, &err), -1);
	assert_int_equal(err.code, CW_E_IO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fileio_install_new_and_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fileio_mode_applied_despite_umask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fileio_failure_before_rename_keeps_old, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fileio_readonly_dir_keeps_old, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fileio_install_removes_stale_temporaries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fileio_mkdirs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fileio_read_capped, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
