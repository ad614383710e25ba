/* proc.c - run a configured shell command, contained.
 *
 *   certwiz ──fork──▶ supervisor S (certwiz's image, never execs)
 *      ▲ ▲                 │ own process group, subreaper; ignores
 *      │ │                 │ INT, QUIT, HUP, TERM
 *      │ └─ socket ────────┤ certwiz → S: EOF = certwiz died
 *      │                   │ S → certwiz: one status record, at the end
 *      │                   └──fork──▶ command C = /bin/sh -c COMMAND
 *      └──── pipe (capped) ◀────────── stdout+stderr of C's group
 *                                      own process group (pgid C),
 *                                      PDEATHSIG = SIGKILL on S,
 *                                      env: PATH + locale, fds 0-2 only,
 *                                      working directory /
 *
 * Why a supervisor: PR_SET_PDEATHSIG reaches only the process that set it,
 * so the command's own children (in its group) would outlive a certwiz
 * killed with SIGKILL; and certwiz cannot act once it is dead.  S can: it
 * sees EOF on its end of the socket the moment certwiz is gone, for any
 * reason, with no race (EOF is sticky, unlike a signal sent before a
 * handler exists), and kills the group: SIGTERM, then SIGKILL after
 * CW_PROC_GRACE_MS.  It does the same on timeout and, for what the command
 * left behind, when the command has exited.  S is a subreaper, so the
 * group's orphans become its children: it reaps them and can tell when
 * the group is empty.  If S itself is killed, C dies by its PDEATHSIG
 * (checked against getppid() right after setting it: S may already be
 * gone).  A daemon started in a new session (setsid) has left the group on
 * purpose and is kept: that is how an init script restarts a service.
 *
 * Invariants:
 *  1. Between fork and _exit/execve, S and C call only async-signal-safe
 *     functions (certwiz may have threads, e.g. libcurl's resolver).
 *  2. S keeps no descriptor of certwiz's: 0 is /dev/null, 1-2 the output
 *     pipe until C is forked (then /dev/null), 3 the socket, 4-5 its
 *     SIGCHLD self-pipe.  C keeps 0-2 only.
 *  3. S sends one status record, after the group is empty (or after
 *     SIGKILL and a bounded wait), then exits; certwiz stops reading the
 *     output when the record (or EOF of the socket) arrives, so an escaped
 *     daemon holding the pipe cannot hang it.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
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

extern char **environ;

/* The locale variables a command inherits; everything else is dropped. */
static const char *const locale_vars[] = {
	"LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "LC_TIME",
	"LC_COLLATE", "LC_MONETARY", "LC_MESSAGES", "LC_PAPER", "LC_NAME",
	"LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION",
};
#define NLOCALE_VARS (sizeof(locale_vars) / sizeof(locale_vars[0]))

/* S's descriptors, dup'ed into place (invariant 2). */
enum { S_NULL, S_OUT, S_ERR, S_SOCK, S_SIGR, S_SIGW, S_NFD };

/* After SIGKILL, how long S waits for the group to empty (a process in
 * uninterruptible sleep dies only when its I/O ends). */
#define KILL_WAIT_MS 5000
/* S's poll tick while the group dies: not every death is its SIGCHLD. */
#define TICK_MS 100

struct status_msg {
	int started;	/* 0: S could not fork the command, err_no says why */
	int err_no;
	int wstatus;
	int timed_out;
};

static long fd_limit = 1024;	/* for closing without close_range */

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* closefrom(low), async-signal-safe. */
static void
close_from(int low)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)low, ~0U, 0) == 0)
		return;
#endif
	for (long fd = low; fd < fd_limit; fd++)
		close((int)fd);
}

static void
on_sigchld(int sig)
{
	int saved = errno;
	ssize_t r;

	(void)sig;
	r = write(S_SIGW, "c", 1);	/* full pipe: a wakeup is pending */
	(void)r;
	errno = saved;
}

static void
set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(sig, &sa, NULL);
}

/* In C, before execve: the default action for every signal, none blocked
 * (ignored signals and the mask survive execve). */
static void
reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			set_handler(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void
run_command(pid_t supervisor, char *const argv[], char *const envp[])
{
	setpgid(0, 0);
	/* S may have died between fork and prctl: then nobody would kill
	 * this process, so it must not start. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1 ||
	    getppid() != supervisor)
		_exit(127);
	reset_signals();
	close_from(3);
	/* Not wherever the admin happened to start certwiz. */
	if (chdir("/") == -1)
		_exit(127);
	execve("/bin/sh", argv, envp);
	_exit(127);
}

/* Sends sig to the command's group and, when it is still running (it may
 * have left the group with setsid), to the command itself. */
static void
signal_all(pid_t c, int c_done, int sig)
{
	kill(-c, sig);
	if (!c_done)
		kill(c, sig);
}

static int
group_empty(pid_t c)
{
	return kill(-c, 0) == -1 && errno == ESRCH;
}

static void __attribute__((noreturn))
supervise(char *const argv[], char *const envp[], long timeout_ms,
    const int from[S_NFD])
{
	struct status_msg st = { 0 };
	int tmp[S_NFD], ws, c_done = 0, gone = 0, term = 0, killed = 0;
	long deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0, until = 0;
	pid_t self = getpid(), c, w;
	char drain[64];
	ssize_t r;

	/* A group of its own: a signal to certwiz's group (the terminal's
	 * ^C or ^\, `kill -9 -PGID` of the job) does not reach S, which
	 * then sees certwiz die and cleans up.  It never touches the
	 * terminal, so being a background group costs nothing. */
	setpgid(0, 0);
	/* certwiz decides about those; S only watches certwiz's end. */
	set_handler(SIGINT, SIG_IGN);
	set_handler(SIGQUIT, SIG_IGN);
	set_handler(SIGHUP, SIG_IGN);
	set_handler(SIGTERM, SIG_IGN);
	set_handler(SIGPIPE, SIG_IGN);
	set_handler(SIGTSTP, SIG_IGN);
	set_handler(SIGTTIN, SIG_IGN);
	set_handler(SIGTTOU, SIG_IGN);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	/* Above every target first, then into place, then close the rest. */
	for (int i = 0; i < S_NFD; i++)
		if ((tmp[i] = fcntl(from[i], F_DUPFD, S_NFD)) == -1)
			_exit(127);
	for (int i = 0; i < S_NFD; i++)
		if (dup2(tmp[i], i) == -1)
			_exit(127);
	close_from(S_NFD);
	set_handler(SIGCHLD, on_sigchld);

	if ((c = fork()) == -1) {
		st.err_no = errno;
		r = send(S_SOCK, &st, sizeof(st), MSG_NOSIGNAL);
		_exit(0);
	}
	if (c == 0)
		run_command(self, argv, envp);
	setpgid(c, c);	/* both sides: no kill(-c) before the group exists */
	st.started = 1;
	dup2(S_NULL, S_OUT);	/* the pipe ends when the group's copies do */
	dup2(S_NULL, S_ERR);

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = S_SIGR, .events = POLLIN },
			{ .fd = S_SOCK, .events = POLLIN },
		};
		long now, wait_ms = -1;

		while (read(S_SIGR, drain, sizeof(drain)) > 0)
			;
		while ((w = waitpid(-1, &ws, WNOHANG)) > 0)
			if (w == c) {
				st.wstatus = ws;
				c_done = 1;
			}
		now = now_ms();
		if (!term && !c_done && !gone && deadline && now >= deadline)
			st.timed_out = 1;
		if (!term && (c_done || gone || st.timed_out)) {
			term = 1;
			until = now + CW_PROC_GRACE_MS;
			signal_all(c, c_done, SIGTERM);
		}
		if (term && c_done && group_empty(c))
			break;
		if (term && now >= until) {
			if (killed)
				break;	/* give up waiting: report */
			killed = 1;
			until = now + KILL_WAIT_MS;
			signal_all(c, c_done, SIGKILL);
		}
		if (term)
			wait_ms = until - now < TICK_MS ? until - now : TICK_MS;
		else if (deadline)
			wait_ms = deadline - now;
		if (wait_ms < 0)
			wait_ms = 0;
		if (poll(p, gone ? 1 : 2, (int)wait_ms) > 0 && !gone &&
		    p[1].revents != 0 && read(S_SOCK, drain, sizeof(drain)) <= 0)
			gone = 1;	/* certwiz never writes: EOF, it died */
	}
	r = send(S_SOCK, &st, sizeof(st), MSG_NOSIGNAL);
	(void)r;
	_exit(0);
}

/* PATH and the locale variables, first occurrence of each, pointing into
 * environ (the child's copy of it after fork). */
static void
build_env(char *envp[NLOCALE_VARS + 2])
{
	static char path[] = "PATH=" CW_PROC_PATH;
	int seen[NLOCALE_VARS] = { 0 };
	size_t n = 0;

	envp[n++] = path;
	for (char **e = environ; e != NULL && *e != NULL; e++)
		for (size_t i = 0; i < NLOCALE_VARS; i++) {
			size_t len = strlen(locale_vars[i]);

			if (!seen[i] && strncmp(*e, locale_vars[i], len) == 0 &&
			    (*e)[len] == '=') {
				seen[i] = 1;
				envp[n++] = *e;
				break;
			}
		}
	envp[n] = NULL;
}

/* Reads what the pipe holds.  Returns 1 (read some), 0 (nothing now) or
 * -1 (EOF: every writer is gone). */
static int
take_output(int fd, struct cw_proc_result *res)
{
	char sink[512];
	ssize_t n;

	if (res->output_len + 1 < sizeof(res->output))
		n = read(fd, res->output + res->output_len,
		    sizeof(res->output) - 1 - res->output_len);
	else
		n = read(fd, sink, sizeof(sink));	/* drain, keep the head */
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -1;
	if (res->output_len + 1 < sizeof(res->output))
		res->output_len += (size_t)n;
	else
		res->truncated = 1;
	return 1;
}

int
cw_proc_run(const char *command, int timeout_ms, struct cw_proc_result *res,
    struct cw_error *err)
{
	int out[2] = { -1, -1 }, sock[2] = { -1, -1 }, sig[2] = { -1, -1 };
	int nullfd = -1, eof = 0, got = 0, status = 0, rc = -1;
	char *envp[NLOCALE_VARS + 2];
	char *argv[] = { "sh", "-c", (char *)command, NULL };
	long backstop = timeout_ms > 0 ?
	    now_ms() + timeout_ms + 2L * CW_PROC_GRACE_MS + KILL_WAIT_MS + 5000 : 0;
	struct status_msg st;
	struct rlimit rl;
	pid_t pid = -1;

	memset(res, 0, sizeof(*res));
	memset(&st, 0, sizeof(st));
	build_env(envp);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		fd_limit = rl.rlim_cur < 1048576 ? (long)rl.rlim_cur : 1048576;
	if (pipe2(out, O_CLOEXEC) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) == -1 ||
	    pipe2(sig, O_CLOEXEC | O_NONBLOCK) == -1 ||
	    (nullfd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
	    (pid = fork()) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot run '%s'"), command);
		cw_error_detail(err, "%s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		const int from[S_NFD] = {
			[S_NULL] = nullfd, [S_OUT] = out[1], [S_ERR] = out[1],
			[S_SOCK] = sock[1], [S_SIGR] = sig[0], [S_SIGW] = sig[1],
		};

		supervise(argv, envp, timeout_ms, from);
	}
	close(out[1]);
	out[1] = -1;
	close(sock[1]);
	sock[1] = -1;
	for (int i = 0; i < 2; i++) {
		close(sig[i]);
		sig[i] = -1;
	}
	close(nullfd);
	nullfd = -1;
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = sock[0], .events = POLLIN },
			{ .fd = eof ? -1 : out[0], .events = POLLIN },
		};
		int wait_ms = -1;
		ssize_t n;

		if (backstop) {
			long left = backstop - now_ms();

			if (left <= 0) {
				/* S is stuck: its death kills C (PDEATHSIG). */
				kill(pid, SIGKILL);
				res->timed_out = 1;
				st.started = 1;
				st.wstatus = SIGKILL;	/* as if killed */
				got = 1;
				break;
			}
			wait_ms = (int)left;
		}
		if (poll(p, 2, wait_ms) <= 0)
			continue;
		if (p[1].revents != 0 && take_output(out[0], res) == -1)
			eof = 1;
		if (p[0].revents != 0) {
			do
				n = recv(sock[0], &st, sizeof(st), MSG_WAITALL);
			while (n == -1 && errno == EINTR);
			got = n == (ssize_t)sizeof(st);
			break;
		}
	}
	/* The group is gone: what it wrote is in the pipe.  Bounded, for a
	 * daemon that left the group and writes on. */
	for (int i = 0; i < 256 && !eof && take_output(out[0], res) == 1; i++)
		;
	res->output[res->output_len] = '\0';
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (!got || !st.started) {
		cw_error_set(err, CW_E_IO, _("cannot run '%s'"), command);
		cw_error_detail(err, "%s", !got ?
		    "the supervisor process ended without a status" :
		    strerror(st.err_no));
		goto out;
	}
	if (st.timed_out)
		res->timed_out = 1;
	if (WIFEXITED(st.wstatus))
		res->exit_code = WEXITSTATUS(st.wstatus);
	else if (WIFSIGNALED(st.wstatus))
		res->exit_code = 128 + WTERMSIG(st.wstatus);
	rc = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (out[i] != -1)
			close(out[i]);
		if (sock[i] != -1)
			close(sock[i]);
		if (sig[i] != -1)
			close(sig[i]);
	}
	if (nullfd != -1)
		close(nullfd);
	return rc;
}

void
cw_proc_sanitise_stdfd(void)
{
	int fd;

	/* open() returns the lowest free number: a closed 0, 1 or 2. */
	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
}
