/* test_proc.c - running configured commands: exit code, output cap,
 * timeout, the minimal environment, no inherited descriptor, the group
 * killed (what the command left behind too), setsid daemons kept. */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/proc.h"
#include "testutil.h"

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
	assert_int_equal(cw_proc_run("kill -USR1 $$", 5000, &res, &err), 0);
	assert_int_equal(res.exit_code, 128 + SIGUSR1);
}

static void
test_proc_timeout_kills_group(void **state)
{
	struct cw_proc_result res;
	struct cw_error err;

	(void)state;
	/* SIGTERM first: both sleeps die of it. */
	assert_int_equal(cw_proc_run("sleep 30 & sleep 30", 200, &res, &err), 0);
	assert_int_equal(res.timed_out, 1);
	assert_int_equal(res.exit_code, 128 + SIGTERM);
	/* A command that ignores SIGTERM gets SIGKILL after the grace. */
	assert_int_equal(cw_proc_run("trap '' TERM; sleep 30 & sleep 30", 200, &res, &err), 0);
	assert_int_equal(res.timed_out, 1);
	assert_int_equal(res.exit_code, 128 + SIGKILL);
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

/* The shell's own environment as execve gave it: PATH and the locale
 * variables, not the secret in ours. */
static void
test_proc_minimal_environment(void **state)
{
	struct cw_proc_result res;
	struct cw_error err;
	char *line, *save = NULL;
	int path = 0, lang = 0;

	(void)state;
	setenv("FOO_TOKEN", "s3cret-token", 1);
	setenv("LANG", "C.UTF-8", 1);
	setenv("HOME", "/root", 1);
	assert_int_equal(cw_proc_run("tr '\\0' '\\n' < /proc/$$/environ", 5000, &res, &err), 0);
	assert_int_equal(res.exit_code, 0);
	assert_null(strstr(res.output, "s3cret-token"));
	for (line = strtok_r(res.output, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, "PATH=" CW_PROC_PATH) == 0)
			path++;
		else if (strcmp(line, "LANG=C.UTF-8") == 0)
			lang++;
		else if (strncmp(line, "LC_", 3) != 0 && strncmp(line, "LANGUAGE=", 9) != 0)
			fail_msg("unexpected variable in the command's environment: %s", line);
	}
	assert_int_equal(path, 1);
	assert_int_equal(lang, 1);
	unsetenv("FOO_TOKEN");
	unsetenv("HOME");
}

/* A descriptor certwiz holds without O_CLOEXEC does not reach the
 * command: ls sees 0-2 and its own directory (3), nothing else. */
static void
test_proc_no_inherited_fds(void **state)
{
	struct cw_proc_result res;
	struct cw_error err;
	int fd = open("/dev/null", O_RDONLY), high = dup2(fd, 77);

	(void)state;
	assert_true(fd > 2);
	assert_int_equal(high, 77);
	assert_int_equal(cw_proc_run("ls /proc/self/fd", 5000, &res, &err), 0);
	assert_string_equal(res.output, "0\n1\n2\n3\n");
	assert_int_equal(cw_proc_run("readlink /proc/self/fd/0", 5000, &res, &err), 0);
	assert_string_equal(res.output, "/dev/null\n");
	close(fd);
	close(high);
}

static pid_t
pid_of(const char *out)
{
	return (pid_t)strtol(out, NULL, 10);
}

/* What the command leaves behind in its group dies with it; a daemon
 * that made its own session (as start-stop-daemon does) is kept. */
static void
test_proc_leftovers_killed_setsid_kept(void **state)
{
	struct cw_proc_result res;
	struct cw_error err;
	char *dir = tu_mkdtemp(), cmd[1024];
	pid_t bg;

	(void)state;
	assert_int_equal(cw_proc_run("sleep 300 >/dev/null 2>&1 & echo $!", 5000, &res, &err), 0);
	assert_int_equal(res.exit_code, 0);
	assert_int_equal(res.timed_out, 0);
	bg = pid_of(res.output);
	assert_true(bg > 1);
	assert_int_equal(kill(bg, 0), -1);
	assert_int_equal(errno, ESRCH);

	/* The command waits until the daemon has its session (F written). */
	snprintf(cmd, sizeof(cmd),
	    "setsid sh -c 'echo $$ > %s/pid; exec sleep 300' </dev/null >/dev/null 2>&1 &"
	    " while [ ! -s %s/pid ]; do sleep 0.05; done; cat %s/pid", dir, dir, dir);
	assert_int_equal(cw_proc_run(cmd, 5000, &res, &err), 0);
	assert_int_equal(res.exit_code, 0);
	bg = pid_of(res.output);
	assert_true(bg > 1);
	assert_int_equal(kill(bg, 0), 0);
	kill(bg, SIGKILL);
	tu_rmtree(dir);
	free(dir);
}

static void
test_proc_sanitise_stdfd(void **state)
{
	pid_t pid;
	int st;

	(void)state;
	if ((pid = fork()) == 0) {
		close(0);
		close(2);
		cw_proc_sanitise_stdfd();
		_exit(fcntl(0, F_GETFD) != -1 && fcntl(2, F_GETFD) != -1 &&
		    fcntl(3, F_GETFD) == -1 ? 0 : 1);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_exit_code_and_output),
		cmocka_unit_test(test_proc_timeout_kills_group),
		cmocka_unit_test(test_proc_output_capped),
		cmocka_unit_test(test_proc_minimal_environment),
		cmocka_unit_test(test_proc_no_inherited_fds),
		cmocka_unit_test(test_proc_leftovers_killed_setsid_kept),
		cmocka_unit_test(test_proc_sanitise_stdfd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
