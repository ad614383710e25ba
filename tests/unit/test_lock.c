/* test_lock.c - one certwiz changes state at a time. */
#include "config.h"

#include <sys/wait.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/lock.h"
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
test_lock_second_holder_refused(void **state)
{
	const char *dir = tu_path(*state, "state");
	struct cw_lock *lock = NULL;
	struct cw_error err;
	int pipefd[2], status;
	char pidstr[32], buf[8];
	pid_t pid;

	assert_int_equal(cw_lock_acquire(dir, &lock, &err), 0);
	assert_non_null(lock);
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		struct cw_lock *other = NULL;
		struct cw_error e2;
		int ok;

		close(pipefd[0]);
		ok = cw_lock_acquire(dir, &other, &e2) == -1 && e2.code == CW_E_LOCKED;
		snprintf(pidstr, sizeof(pidstr), "PID %ld", (long)getppid());
		ok = ok && strstr(e2.msg, pidstr) != NULL && e2.hint[0] != '\0';
		if (write(pipefd[1], ok ? "y" : "n", 1) != 1)
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], buf, 1), 1);
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(buf[0], 'y');

	/* Released: the next process gets it. */
	cw_lock_release(lock);
	pid = fork();
	if (pid == 0) {
		struct cw_lock *other = NULL;
		struct cw_error e2;
		int ok = cw_lock_acquire(dir, &other, &e2) == 0;
		cw_lock_release(other);
		_exit(ok ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	cw_lock_release(NULL);
}

static void
test_lock_released_when_holder_dies(void **state)
{
	const char *dir = tu_path(*state, "state");
	struct cw_lock *lock = NULL;
	struct cw_error err;
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		struct cw_lock *l = NULL;
		if (cw_lock_acquire(dir, &l, &err) == -1)
			_exit(1);
		_exit(0);	/* dies holding it, no release */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(cw_lock_acquire(dir, &lock, &err), 0);
	cw_lock_release(lock);
}

static void
test_lock_unusable_state_dir(void **state)
{
	const char *file = tu_path(*state, "afile");
	struct cw_lock *lock = NULL;
	struct cw_error err;

	tu_write(file, "x", 0644);
	assert_int_equal(cw_lock_acquire(file, &lock, &err), -1);
	assert_int_equal(err.code, CW_E_IO);
	assert_null(lock);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lock_second_holder_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_released_when_holder_dies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_unusable_state_dir, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
