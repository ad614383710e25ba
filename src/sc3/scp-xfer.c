/* scp-xfer.c - the SCP protocol over libssh exec channels.
 *
 * libssh's ssh_scp_* API is deprecated and drops the server's error line
 * ("scp: /x: Permission denied"); the protocol itself is four lines, so it
 * is spoken here over ssh_channel_request_exec() to keep the server's
 * words for the message.
 *
 *   upload:   exec "scp -t -- PATH.part" ─► ack ─► "C0600 SIZE NAME\n" ─► ack
 *             ─► SIZE bytes ─► "\0" ─► ack ─► exec "mv -f -- PATH.part PATH"
 *   download: exec "scp -f -- PATH" ─► "\0" ─► "C0600 SIZE NAME\n" (size
 *             capped) ─► "\0" ─► SIZE bytes into a stage file ─► status
 *             byte ─► "\0" ─► commit (fsync, rename)
 *
 * An ack is one byte: 0 = ok, 1 = warning, 2 = fatal, the latter two
 * followed by a message line (read up to MSG_MAX bytes).
 *
 * Speed (issue 17): the session's thread encrypts and MACs every packet,
 * so the file side (read, write, fsync kicks, the verify hash) runs in a
 * second thread handing large slots through a two-slot pipe.  libssh
 * grows the receive window to what a read asks for, so a download's
 * reads ask for a whole slot: the window then stays larger than what
 * loopback or a LAN has in flight.  (libssh2 1.10, used before, encrypted
 * one 16-byte block per EVP call and could not pass half of OpenSSH's
 * speed on 512 MiB.) */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/fileio.h"
#include "core/i18n.h"
#include "sc3/scp-int.h"

#define XFER_BUF (4u * 1024 * 1024)
#define MSG_MAX 1024
#define STDERR_MAX 1024

static int
broken(struct cw_scp *s, const char *what, struct cw_error *err)
{
	cw_error_set(err, CW_E_NET, _("the connection to '%s' broke while %s"),
	    s->host, what);
	return cw_scp_lib_detail(s, err);
}

static int
timed_out(struct cw_scp *s, const char *what, struct cw_error *err)
{
	/* TRANSLATORS: %s host, %d milliseconds, %s "uploading"... */
	return cw_error_set(err, CW_E_NET, _("no answer from '%s' for %d ms while %s"),
	    s->host, s->timeout_ms, what);
}

static void
chan_close(ssh_channel ch)
{
	if (ch == NULL)
		return;
	ssh_channel_free(ch);
}

static ssh_channel
open_exec(struct cw_scp *s, const char *cmd, struct cw_error *err)
{
	ssh_channel ch;

	if ((ch = ssh_channel_new(s->session)) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		return NULL;
	}
	if (ssh_channel_open_session(ch) != SSH_OK) {
		if (!ssh_is_connected(s->session))
			broken(s, _("opening a channel"), err);
		else {
			cw_error_set(err, CW_E_PROTO, _("the SSH server '%s' refused to open a channel"), s->host);
			cw_scp_lib_detail(s, err);
		}
		chan_close(ch);
		return NULL;
	}
	if (ssh_channel_request_exec(ch, cmd) != SSH_OK) {
		if (!ssh_is_connected(s->session))
			broken(s, _("starting a command"), err);
		else {
			cw_error_set(err, CW_E_PROTO,
			    _("the SSH server '%s' does not allow running commands (scp)"), s->host);
			cw_scp_lib_detail(s, err);
			cw_error_hint(err, _("The account must allow scp; nothing was copied."));
		}
		chan_close(ch);
		return NULL;
	}
	return ch;
}

/* Reads up to len bytes: > 0 bytes, 0 at the end of the data, -1 with err
 * set (the link broke or nothing came for the timeout). */
static ssize_t
read_some(struct cw_scp *s, ssh_channel ch, void *buf, size_t len,
    const char *what, struct cw_error *err)
{
	int n;

	if (len > INT32_MAX)
		len = INT32_MAX;
	n = ssh_channel_read_timeout(ch, buf, (uint32_t)len, 0, s->timeout_ms);
	if (n > 0)
		return n;
	if (n < 0 || !ssh_is_connected(s->session))
		return broken(s, what, err);
	/* 0: the end of the data, or the timeout ran out. */
	if (ssh_channel_is_eof(ch) || ssh_channel_is_closed(ch))
		return 0;
	return timed_out(s, what, err);
}

static int
read_full(struct cw_scp *s, ssh_channel ch, void *buf, size_t len,
    const char *what, struct cw_error *err)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = read_some(s, ch, p, len, what, err)) == -1)
			return -1;
		if (n == 0) {
			cw_error_set(err, CW_E_NET, _("the connection to '%s' ended early while %s"),
			    s->host, what);
			return cw_scp_lib_detail(s, err);
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
write_full(struct cw_scp *s, ssh_channel ch, const void *buf, size_t len,
    const char *what, struct cw_error *err)
{
	const char *p = buf;
	uint32_t chunk;
	int n;

	while (len > 0) {
		chunk = len > INT32_MAX ? INT32_MAX : (uint32_t)len;
		n = ssh_channel_write(ch, p, chunk);
		if (n < 0 || !ssh_is_connected(s->session))
			return broken(s, what, err);
		/* A blocking write returns short only when the peer's window
		 * stayed shut for the timeout. */
		if ((uint32_t)n < chunk)
			return timed_out(s, what, err);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Where fetched bytes go. */
struct sink {
	struct cw_file_stage *stage;	/* download */
	EVP_MD_CTX *md;			/* verify */
	cw_scp_sink_fn *fn;		/* download_stream */
	void *fn_ctx;
};

/* A two-slot pipe between the session's thread and the file thread:
 * the producer fills a slot, the consumer empties it. */
#define SLOTS 2
struct xpipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned char *buf[SLOTS];
	size_t len[SLOTS];
	int full[SLOTS];
	int stop;		/* the session side gave up */
	int failed;		/* the file side failed: ferr says why */
	int done;		/* the file side finished (upload: read all) */
	struct cw_error ferr;
	/* the file side's work */
	int fd;			/* upload: the local file */
	uint64_t size;
	struct sink *sk;	/* download/verify */
};

static int xp_sink_write(struct sink *sk, const unsigned char *buf, size_t n,
    struct cw_error *err);

static int
xp_init(struct xpipe *xp)
{
	int i;

	memset(xp, 0, sizeof(*xp));
	for (i = 0; i < SLOTS; i++)
		if ((xp->buf[i] = malloc(XFER_BUF)) == NULL)
			goto nomem;
	if (pthread_mutex_init(&xp->mu, NULL) != 0)
		goto nomem;
	if (pthread_cond_init(&xp->cv, NULL) != 0) {
		pthread_mutex_destroy(&xp->mu);
		goto nomem;
	}
	return 0;
nomem:
	for (i = 0; i < SLOTS; i++)
		free(xp->buf[i]);
	return -1;
}

static void
xp_free(struct xpipe *xp)
{
	int i;

	pthread_cond_destroy(&xp->cv);
	pthread_mutex_destroy(&xp->mu);
	for (i = 0; i < SLOTS; i++)
		free(xp->buf[i]);
}

/* Waits until slot i is in state want (1 full, 0 empty) or the other
 * side stopped; returns 0 when it is, -1 when the pipe is over. */
static int
xp_wait(struct xpipe *xp, int i, int want, int producer_is_file)
{
	int rc;

	pthread_mutex_lock(&xp->mu);
	for (;;) {
		if (xp->full[i] == want) {
			rc = 0;
			break;
		}
		/* the session side waits on the file side and vice versa */
		if (producer_is_file ? xp->stop : (xp->failed || (want && xp->done))) {
			rc = -1;
			break;
		}
		pthread_cond_wait(&xp->cv, &xp->mu);
	}
	pthread_mutex_unlock(&xp->mu);
	return rc;
}

static void
xp_set(struct xpipe *xp, int i, int full, size_t len)
{
	pthread_mutex_lock(&xp->mu);
	xp->full[i] = full;
	xp->len[i] = len;
	pthread_cond_broadcast(&xp->cv);
	pthread_mutex_unlock(&xp->mu);
}

static void
xp_flag(struct xpipe *xp, int *flag)
{
	pthread_mutex_lock(&xp->mu);
	*flag = 1;
	pthread_cond_broadcast(&xp->cv);
	pthread_mutex_unlock(&xp->mu);
}

/* Download/verify file thread: empties full slots into the sink until
 * the session side stops (then the remaining full slots are written). */
static void *
xp_writer(void *arg)
{
	struct xpipe *xp = arg;
	int i = 0;

	for (;;) {
		pthread_mutex_lock(&xp->mu);
		while (!xp->full[i] && !xp->stop)
			pthread_cond_wait(&xp->cv, &xp->mu);
		if (!xp->full[i]) {
			pthread_mutex_unlock(&xp->mu);
			break;
		}
		pthread_mutex_unlock(&xp->mu);
		if (xp_sink_write(xp->sk, xp->buf[i], xp->len[i], &xp->ferr) == -1) {
			xp_flag(xp, &xp->failed);
			break;
		}
		xp_set(xp, i, 0, 0);
		i = (i + 1) % SLOTS;
	}
	return NULL;
}

/* Upload file thread: fills empty slots from the local file. */
static void *
xp_reader(void *arg)
{
	struct xpipe *xp = arg;
	uint64_t done = 0;
	size_t used, want;
	ssize_t n;
	int i = 0;

	while (done < xp->size) {
		if (xp_wait(xp, i, 0, 1) == -1)
			return NULL;
		want = xp->size - done < XFER_BUF ? (size_t)(xp->size - done) : XFER_BUF;
		for (used = 0; used < want; used += (size_t)n) {
			n = read(xp->fd, xp->buf[i] + used, want - used);
			if (n == -1 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n <= 0) {
				cw_error_set(&xp->ferr, CW_E_IO,
				    _("cannot read the local file (it shrank or failed)"));
				cw_error_detail(&xp->ferr, "%s", n == 0 ? "EOF" : strerror(errno));
				xp_flag(xp, &xp->failed);
				return NULL;
			}
		}
		done += want;
		xp_set(xp, i, 1, want);
		i = (i + 1) % SLOTS;
	}
	xp_flag(xp, &xp->done);
	return NULL;
}

/* Copies the file thread's error to err.  Returns -1. */
static int
xp_error(struct xpipe *xp, struct cw_error *err)
{
	if (err != NULL)
		*err = xp->ferr;
	return -1;
}

/* Reads a line ending in '\n' (not stored), at most MSG_MAX-1 bytes kept. */
static int
read_line(struct cw_scp *s, ssh_channel ch, char *line, size_t len,
    const char *what, struct cw_error *err)
{
	size_t used = 0;
	char c;

	for (;;) {
		if (read_full(s, ch, &c, 1, what, err) == -1)
			return -1;
		if (c == '\n')
			break;
		if (used + 1 < len)
			line[used++] = c;
		else
			return cw_error_set(err, CW_E_PROTO,
			    _("the SSH server '%s' sent an over-long SCP line"), s->host);
	}
	line[used] = '\0';
	return 0;
}

/* Reads an ack.  On an error ack, err gets the server's line as detail
 * and the caller's message. */
static int
read_ack(struct cw_scp *s, ssh_channel ch, const char *what,
    const char *path, struct cw_error *err)
{
	char c, line[MSG_MAX];

	if (read_full(s, ch, &c, 1, what, err) == -1)
		return -1;
	if (c == 0)
		return 0;
	if (c != 1 && c != 2)
		return cw_error_set(err, CW_E_PROTO,
		    _("the SSH server '%s' answered SCP with an unexpected byte 0x%02x"),
		    s->host, (unsigned char)c);
	if (read_line(s, ch, line, sizeof(line), what, err) == -1)
		return -1;
	cw_error_set(err, CW_E_IO, _("the server '%s' refused '%s'"), s->host, path);
	return cw_error_detail(err, "%s", line);
}

/* Waits for the command to finish; its exit status (or -1). */
static int
finish(struct cw_scp *s, ssh_channel ch, char *errbuf, size_t errlen)
{
	char buf[4096];
	size_t used = 0;
	int n;

	if (errlen > 0)
		errbuf[0] = '\0';
	(void)ssh_channel_send_eof(ch);
	while ((n = ssh_channel_read_timeout(ch, buf, sizeof(buf), 0, s->timeout_ms)) > 0)
		;
	while ((n = ssh_channel_read_timeout(ch, buf, sizeof(buf), 1, s->timeout_ms)) > 0) {
		if (used + 1 < errlen) {
			size_t k = (size_t)n < errlen - 1 - used ? (size_t)n : errlen - 1 - used;

			memcpy(errbuf + used, buf, k);
			used += k;
			errbuf[used] = '\0';
		}
	}
	if (n < 0)
		return -1;
	/* Keep the first line only: enough to explain, little to print. */
	errbuf[strcspn(errbuf, "\r\n")] = '\0';
	return ssh_channel_get_exit_status(ch);
}

int
cw_scp_exec(struct cw_scp *s, const char *cmd, struct cw_error *err)
{
	ssh_channel ch;
	char errbuf[STDERR_MAX];
	int status;

	if ((ch = open_exec(s, cmd, err)) == NULL)
		return -1;
	status = finish(s, ch, errbuf, sizeof(errbuf));
	chan_close(ch);
	if (status != 0) {
		cw_error_set(err, CW_E_PROTO, _("a command on '%s' failed (exit status %d)"),
		    s->host, status);
		if (errbuf[0] != '\0')
			cw_error_detail(err, "%s", errbuf);
		return -1;
	}
	return 0;
}

static int
progress_cb(cw_scp_progress_fn *progress, void *ctx, uint64_t done,
    uint64_t total, struct cw_error *err)
{
	if (progress != NULL && progress(ctx, done, total) != 0) {
		cw_error_set(err, CW_E_CANCELLED, _("the transfer was cancelled"));
		return -1;
	}
	return 0;
}

static int
check_remote_path(const char *path, struct cw_error *err)
{
	const char *p;

	if (*path == '\0' || strlen(path) >= CW_SCP_PATH_MAX - 8)
		return cw_error_set(err, CW_E_USAGE, _("the remote path '%s' is empty or too long"), path);
	for (p = path; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			return cw_error_set(err, CW_E_USAGE,
			    _("the remote path '%s' contains control characters"), path);
	if (path[strlen(path) - 1] == '/')
		return cw_error_set(err, CW_E_USAGE,
		    _("the remote path '%s' names a directory: add the file name"), path);
	return 0;
}

static int
xp_sink_write(struct sink *sk, const unsigned char *buf, size_t n,
    struct cw_error *err)
{
	if (sk->stage != NULL && cw_file_stage_write(sk->stage, buf, n, err) == -1)
		return -1;
	if (sk->md != NULL && EVP_DigestUpdate(sk->md, buf, n) != 1) {
		cw_error_set(err, CW_E_CRYPTO, _("cannot compute SHA-256"));
		return cw_error_openssl(err);
	}
	if (sk->fn != NULL)
		return sk->fn(sk->fn_ctx, buf, n, err);
	return 0;
}

/* Starts the file thread on fd (upload) or sk (download). */
static int
xp_start(struct xpipe *xp, pthread_t *th, void *(*fn)(void *),
    int fd, uint64_t size, struct sink *sk, struct cw_error *err)
{
	if (xp_init(xp) == -1)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	xp->fd = fd;
	xp->size = size;
	xp->sk = sk;
	if (pthread_create(th, NULL, fn, xp) != 0) {
		xp_free(xp);
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	return 0;
}

/* Stops the file thread (it finishes the slots handed to it).  Returns
 * -1 with err set when the file side failed. */
static int
xp_finish(struct xpipe *xp, pthread_t th, int rc, struct cw_error *err)
{
	xp_flag(xp, &xp->stop);
	pthread_join(th, NULL);
	if (rc == 0 && xp->failed)
		rc = xp_error(xp, err);
	xp_free(xp);
	return rc;
}

/* Fills slot buf with want bytes from ch; -1 with err set. */
static int
fill_slot(struct cw_scp *s, ssh_channel ch, unsigned char *buf, size_t want,
    struct cw_error *err)
{
	ssize_t n;

	for (size_t used = 0; used < want; used += (size_t)n) {
		/* TRANSLATORS: fills "... while %s" in the transfer errors. */
		n = read_some(s, ch, buf + used, want - used, _("downloading"), err);
		if (n == -1)
			return -1;
		if (n == 0) {
			cw_error_set(err, CW_E_NET, _("the connection to '%s' ended early while %s"),
			    s->host, _("downloading"));
			return cw_scp_lib_detail(s, err);
		}
	}
	return 0;
}

/* The bulk of a transfer, size bytes: upload (fd != -1) sends the slots
 * the file thread read from fd; download fills slots for the file thread
 * to write into sk. */
static int
xfer_bulk(struct cw_scp *s, ssh_channel ch, int fd, struct sink *sk,
    uint64_t size, cw_scp_progress_fn *progress, void *ctx, struct cw_error *err)
{
	struct xpipe xp;
	pthread_t th;
	uint64_t done = 0;
	int up = fd != -1, i = 0, rc = -1;
	size_t len;

	if (xp_start(&xp, &th, up ? xp_reader : xp_writer, fd, size, sk, err) == -1)
		return -1;
	while (done < size) {
		/* upload: wait for a full slot; download: for an empty one */
		if (xp_wait(&xp, i, up, 0) == -1) {
			xp_error(&xp, err);
			goto out;
		}
		if (up) {
			len = xp.len[i];
			/* TRANSLATORS: fills "... while %s" in the transfer errors. */
			if (write_full(s, ch, xp.buf[i], len, _("uploading"), err) == -1)
				goto out;
		} else {
			len = size - done < XFER_BUF ? (size_t)(size - done) : XFER_BUF;
			if (fill_slot(s, ch, xp.buf[i], len, err) == -1)
				goto out;
		}
		xp_set(&xp, i, !up, up ? 0 : len);
		done += len;
		i = (i + 1) % SLOTS;
		if (progress_cb(progress, ctx, done, size, err) == -1)
			goto out;
	}
	rc = 0;
out:
	return xp_finish(&xp, th, rc, err);
}

/* "scp -t|-f -- 'PATH'" */
static int
scp_command(const char *flag, const char *path, char *cmd, size_t len,
    struct cw_error *err)
{
	snprintf(cmd, len, "scp %s -- ", flag);
	if (cw_scp_shell_quote(path, cmd, len) == -1)
		return cw_error_set(err, CW_E_USAGE, _("the remote path '%s' is too long"), path);
	return 0;
}

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/* Sends size bytes from fd (or nothing when fd is -1) as the file
 * remote, with the SCP sink on the server. */
static int
send_file(struct cw_scp *s, int fd, uint64_t size, const char *remote,
    mode_t mode, int *started, cw_scp_progress_fn *progress, void *ctx,
    struct cw_error *err)
{
	ssh_channel ch = NULL;
	char cmd[2 * CW_SCP_PATH_MAX + 64], line[CW_SCP_PATH_MAX + 64];
	char errbuf[STDERR_MAX];
	int rc = -1, status;

	if (scp_command("-t", remote, cmd, sizeof(cmd), err) == -1)
		return -1;
	if ((ch = open_exec(s, cmd, err)) == NULL)
		return -1;
	if (read_ack(s, ch, _("starting the upload"), remote, err) == -1)
		goto out;
	snprintf(line, sizeof(line), "C%04o %" PRIu64 " %s\n", (unsigned)(mode & 07777),
	    size, base_name(remote));
	if (write_full(s, ch, line, strlen(line), _("starting the upload"), err) == -1 ||
	    read_ack(s, ch, _("starting the upload"), remote, err) == -1)
		goto out;
	/* The server created the file: from here a failure leaves a part. */
	*started = 1;
	if (progress_cb(progress, ctx, 0, size, err) == -1)
		goto out;
	if (size > 0 && xfer_bulk(s, ch, fd, NULL, size, progress, ctx, err) == -1)
		goto out;
	if (write_full(s, ch, "", 1, _("finishing the upload"), err) == -1 ||
	    read_ack(s, ch, _("finishing the upload"), remote, err) == -1)
		goto out;
	if ((status = finish(s, ch, errbuf, sizeof(errbuf))) != 0) {
		cw_error_set(err, CW_E_PROTO, _("scp on '%s' failed (exit status %d)"), s->host, status);
		if (errbuf[0] != '\0')
			cw_error_detail(err, "%s", errbuf);
		goto out;
	}
	rc = 0;
out:
	chan_close(ch);
	return rc;
}

int
cw_scp_upload(struct cw_scp *s, const char *local_path, const char *remote_path,
    mode_t mode, cw_scp_progress_fn *progress, void *ctx, struct cw_error *err)
{
	char part[CW_SCP_PATH_MAX], cmd[3 * CW_SCP_PATH_MAX];
	struct cw_error sub;
	struct stat st;
	int fd = -1, started = 0, rc = -1;

	cw_error_clear(&sub);
	if (check_remote_path(remote_path, err) == -1)
		return -1;
	snprintf(part, sizeof(part), "%s.part", remote_path);
	if ((fd = open(local_path, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &st) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot open '%s'"), local_path);
		cw_error_detail(err, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		cw_error_set(err, CW_E_USAGE, _("'%s' is not a regular file"), local_path);
		goto out;
	}
	if (send_file(s, fd, (uint64_t)st.st_size, part, mode, &started, progress,
	    ctx, err) == -1) {
		if (!started) {
			cw_error_hint(err, _("'%s' on the server was not changed."), remote_path);
			goto out;
		}
		if (err != NULL && err->code == CW_E_CANCELLED) {
			/* Best effort: do not leave the partial copy behind. */
			snprintf(cmd, sizeof(cmd), "rm -f -- ");
			if (cw_scp_shell_quote(part, cmd, sizeof(cmd)) == 0)
				(void)cw_scp_exec(s, cmd, NULL);
		}
		cw_error_hint(err, _("'%s' on the server was not changed; a partial copy may remain as '%s'."),
		    remote_path, part);
		goto out;
	}
	snprintf(cmd, sizeof(cmd), "mv -f -- ");
	if (cw_scp_shell_quote(part, cmd, sizeof(cmd)) == -1 ||
	    strlen(cmd) + 2 >= sizeof(cmd) ||
	    (memcpy(cmd + strlen(cmd), " ", 2) == NULL) ||
	    cw_scp_shell_quote(remote_path, cmd, sizeof(cmd)) == -1) {
		cw_error_set(err, CW_E_USAGE, _("the remote path '%s' is too long"), remote_path);
		goto out;
	}
	if (cw_scp_exec(s, cmd, &sub) == -1) {
		if (sub.code == CW_E_NET) {
			if (err != NULL)
				*err = sub;
			cw_error_hint(err, _("'%s' on the server may still be the old file; the new copy is in '%s'."),
			    remote_path, part);
			goto out;
		}
		cw_error_set(err, CW_E_PROTO,
		    _("the upload is complete as '%s' but the server did not rename it to '%s'"),
		    part, remote_path);
		cw_error_detail(err, "%s%s%s", sub.msg, sub.detail[0] != '\0' ? ": " : "", sub.detail);
		cw_error_hint(err, _("The account may allow scp only (no other commands).  '%s' was not changed; rename '%s' on the server by hand."),
		    remote_path, part);
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	return rc;
}


/* Fetches remote with "scp -f".  *size gets the size the server announced.
 * header_only: stop after the size. */
static int
fetch(struct cw_scp *s, const char *remote, uint64_t max_size, int header_only,
    struct sink *sk, const char *local, mode_t mode, cw_scp_progress_fn *progress,
    void *ctx, uint64_t *size, struct cw_error *err)
{
	ssh_channel ch = NULL;
	char cmd[2 * CW_SCP_PATH_MAX + 64], line[MSG_MAX], errbuf[STDERR_MAX], *end;
	unsigned long long sz;
	unsigned fmode;
	int rc = -1;

	if (check_remote_path(remote, err) == -1 ||
	    scp_command("-f", remote, cmd, sizeof(cmd), err) == -1)
		return -1;
	if ((ch = open_exec(s, cmd, err)) == NULL)
		return -1;
	if (write_full(s, ch, "", 1, _("starting the download"), err) == -1)
		goto out;
	if (read_full(s, ch, line, 1, _("starting the download"), err) == -1)
		goto out;
	if (line[0] == 1 || line[0] == 2) {
		if (read_line(s, ch, line, sizeof(line), _("starting the download"), err) == -1)
			goto out;
		cw_error_set(err, CW_E_IO, _("the server '%s' cannot send '%s'"), s->host, remote);
		cw_error_detail(err, "%s", line);
		goto out;
	}
	if (line[0] != 'C') {
		cw_error_set(err, CW_E_PROTO, _("'%s' on '%s' is not a regular file"), remote, s->host);
		goto out;
	}
	if (read_line(s, ch, line + 1, sizeof(line) - 1, _("starting the download"), err) == -1)
		goto out;
	/* "C0644 12345 name" */
	errno = 0;
	fmode = (unsigned)strtoul(line + 1, &end, 8);
	if (*end != ' ' || (end[1] < '0' || end[1] > '9') ||
	    ((sz = strtoull(end + 1, &end, 10)), errno != 0) || *end != ' ') {
		cw_error_set(err, CW_E_PROTO, _("the SSH server '%s' sent a bad SCP header"), s->host);
		cw_error_detail(err, "%.80s", line);
		goto out;
	}
	(void)fmode;
	*size = (uint64_t)sz;
	if (header_only) {
		rc = 0;
		goto out;
	}
	if (*size > max_size) {
		cw_error_set(err, CW_E_PROTO,
		    _("'%s' on '%s' is %" PRIu64 " bytes, more than the %" PRIu64 " accepted"),
		    remote, s->host, *size, max_size);
		goto out;
	}
	if (local != NULL && cw_file_stage_open(local, mode, &sk->stage, err) == -1)
		goto out;
	/* TRANSLATORS: fills "... while %s" in the transfer errors. */
	if (write_full(s, ch, "", 1, _("downloading"), err) == -1)
		goto out;
	if (progress_cb(progress, ctx, 0, *size, err) == -1 ||
	    xfer_bulk(s, ch, -1, sk, *size, progress, ctx, err) == -1)
		goto out;
	if (read_ack(s, ch, _("finishing the download"), remote, err) == -1 ||
	    write_full(s, ch, "", 1, _("finishing the download"), err) == -1)
		goto out;
	(void)finish(s, ch, errbuf, sizeof(errbuf));
	if (sk->stage != NULL) {
		struct cw_file_stage *st = sk->stage;

		sk->stage = NULL;
		if (cw_file_stage_commit(st, 0, err) == -1)
			goto out;
	}
	rc = 0;
out:
	chan_close(ch);
	if (sk->stage != NULL) {
		cw_file_stage_abort(sk->stage);
		sk->stage = NULL;
	}
	return rc;
}

int
cw_scp_download(struct cw_scp *s, const char *remote_path, const char *local_path,
    mode_t mode, uint64_t max_size, cw_scp_progress_fn *progress, void *ctx,
    struct cw_error *err)
{
	struct sink sk = { 0 };
	uint64_t size = 0;

	if (fetch(s, remote_path, max_size, 0, &sk, local_path, mode, progress, ctx,
	    &size, err) == -1) {
		if (err != NULL && err->hint[0] == '\0')
			cw_error_hint(err, _("'%s' was not changed."), local_path);
		return -1;
	}
	return 0;
}

int
cw_scp_download_stream(struct cw_scp *s, const char *remote_path, uint64_t max_size,
    cw_scp_sink_fn *fn, void *fn_ctx, cw_scp_progress_fn *progress, void *ctx,
    struct cw_error *err)
{
	struct sink sk = { .fn = fn, .fn_ctx = fn_ctx };
	uint64_t size = 0;

	return fetch(s, remote_path, max_size, 0, &sk, NULL, 0, progress, ctx, &size, err);
}

int
cw_scp_verify(struct cw_scp *s, const char *remote_path, uint64_t size,
    const unsigned char *sha256, cw_scp_progress_fn *progress, void *ctx,
    struct cw_error *err)
{
	struct sink sk = { 0 };
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	uint64_t got = 0;
	int rc = -1;

	if (sha256 != NULL) {
		if ((sk.md = EVP_MD_CTX_new()) == NULL ||
		    EVP_DigestInit_ex(sk.md, EVP_sha256(), NULL) != 1) {
			cw_error_set(err, CW_E_CRYPTO, _("cannot compute SHA-256"));
			cw_error_openssl(err);
			goto out;
		}
	}
	if (fetch(s, remote_path, size, sha256 == NULL, &sk, NULL, 0, progress, ctx,
	    &got, err) == -1) {
		if (err != NULL && err->code == CW_E_PROTO && got != size)
			goto mismatch;
		goto out;
	}
	if (got != size)
		goto mismatch;
	if (sha256 != NULL) {
		if (EVP_DigestFinal_ex(sk.md, md, &mdlen) != 1) {
			cw_error_set(err, CW_E_CRYPTO, _("cannot compute SHA-256"));
			cw_error_openssl(err);
			goto out;
		}
		if (mdlen != 32 || CRYPTO_memcmp(md, sha256, 32) != 0) {
			cw_error_set(err, CW_E_PROTO,
			    _("the copy of '%s' on '%s' differs from the local file (SHA-256)"),
			    remote_path, s->host);
			cw_error_hint(err, _("Run the transfer again."));
			goto out;
		}
	}
	rc = 0;
	goto out;
mismatch:
	cw_error_set(err, CW_E_PROTO,
	    _("the copy of '%s' on '%s' has %" PRIu64 " bytes, not %" PRIu64),
	    remote_path, s->host, got, size);
	cw_error_hint(err, _("Run the transfer again."));
out:
	EVP_MD_CTX_free(sk.md);
	return rc;
}

int
cw_scp_probe_dir(struct cw_scp *s, const char *remote_dir, struct cw_error *err)
{
	char path[CW_SCP_PATH_MAX], cmd[2 * CW_SCP_PATH_MAX + 32];
	unsigned char rnd[6];
	size_t dl = strlen(remote_dir);
	int started = 0;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return cw_error_openssl(err);
	if ((size_t)snprintf(path, sizeof(path), "%s%s.certwiz-probe-%02x%02x%02x%02x%02x%02x",
	    remote_dir, dl > 0 && remote_dir[dl - 1] == '/' ? "" : "/",
	    rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]) >= sizeof(path))
		return cw_error_set(err, CW_E_USAGE, _("the remote path '%s' is too long"), remote_dir);
	if (send_file(s, -1, 0, path, 0600, &started, NULL, NULL, err) == -1) {
		cw_error_hint(err, _("Choose a directory the account can write to; nothing was copied."));
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "rm -f -- ");
	if (cw_scp_shell_quote(path, cmd, sizeof(cmd)) == -1 || cw_scp_exec(s, cmd, err) == -1) {
		cw_error_set(err, CW_E_PROTO,
		    _("the server '%s' accepted the probe file '%s' but did not run a command to remove it"),
		    s->host, path);
		return cw_error_hint(err, _("The account may allow scp only: an upload could not be renamed into place.  Remove '%s' by hand."), path);
	}
	return 0;
}
