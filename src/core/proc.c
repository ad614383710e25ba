/* proc.c - run a configured shell command, capture its output. */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/proc.h"

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int
cw_proc_run(const char *command, int timeout_ms, struct cw_proc_result *res,
    struct cw_error *err)
{
	int pfd[2], status = 0, devnull;
	long deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
	char sink[512];
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(pfd, O_CLOEXEC) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot run '%s'"), command);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	if ((pid = fork()) == -1) {
		close(pfd[0]);
		close(pfd[1]);
		cw_error_set(err, CW_E_IO, _("cannot run '%s'"), command);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	if (pid == 0) {
		setpgid(0, 0);
		devnull = open("/dev/null", O_RDONLY);
		if (devnull != -1)
			dup2(devnull, STDIN_FILENO);
		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	close(pfd[1]);
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		int wait_ms = -1, r;
		ssize_t n;

		if (deadline) {
			wait_ms = (int)(deadline - now_ms());
			if (wait_ms <= 0) {
				res->timed_out = 1;
				kill(-pid, SIGKILL);
				break;
			}
		}
		r = poll(&p, 1, wait_ms);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		if (res->output_len + 1 < sizeof(res->output))
			n = read(pfd[0], res->output + res->output_len,
			    sizeof(res->output) - 1 - res->output_len);
		else
			n = read(pfd[0], sink, sizeof(sink));	/* drain, keep the head */
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (res->output_len + 1 < sizeof(res->output))
			res->output_len += (size_t)n;
		else
			res->truncated = 1;
	}
	close(pfd[0]);
	res->output[res->output_len] = '\0';
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (WIFEXITED(status))
		res->exit_code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		res->exit_code = 128 + WTERMSIG(status);
	return 0;
}
