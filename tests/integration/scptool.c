/* scptool.c - drives src/scp for the integration tests and the bench,
 * until `certwiz sc3` uses it.  Prints errors as certwiz does and a last
 * line "code=NAME" for the tests to assert on.
 *
 *   scptool [OPTIONS] connect  USER@HOST:PATH
 *   scptool [OPTIONS] upload   LOCAL USER@HOST:PATH    (then verifies size+SHA-256)
 *   scptool [OPTIONS] download USER@HOST:PATH LOCAL
 *   scptool [OPTIONS] probe    USER@HOST:DIR
 *   scptool [OPTIONS] verify   LOCAL USER@HOST:PATH    (size + SHA-256 of LOCAL)
 *   scptool parse SPEC
 *   scptool fingerprint FILE.pub
 *
 * OPTIONS: --port N --known-hosts F --accept-host-key FP --identity F
 *          --password-file F --timeout-ms N --no-agent --max-size N
 *          --no-save    an accepted host key is not saved (--dry-run)
 *          --no-verify  upload: confirm the size only, not the SHA-256
 *          --no-confirm upload: skip the confirmation (the bench)
 *          --marker F   create F once 1 MiB (or a quarter) moved, then go
 *                       slowly (the cut-connection test kills sshd then)
 *          --cancel-at N  cancel once N bytes moved
 *          --confirm yes|no  answer the unknown-host-key question (what the
 *                       TUI asks), printing what was shown
 *          --ask-file F answer every password/passphrase question with the
 *                       content of F (the tests have no terminal)
 */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/error.h"
#include "core/fileio.h"
#include "sc3/scp.h"
#include "cli/prompt.h"
#include "core/secret.h"

struct tool {
	int confirm;
	const char *ask_file;
	const char *marker;
	int marked;
	uint64_t cancel_at;
};

static int
progress(void *ctx, uint64_t done, uint64_t total)
{
	struct tool *t = ctx;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int fd;

	if (t->cancel_at > 0 && done >= t->cancel_at)
		return 1;
	/* Early (1 MiB in), so that less than the window plus the socket
	 * buffers has left the server when the test cuts or stalls it. */
	if (t->marker != NULL && total > 0 && done >= (total / 4 < (1u << 20) ? total / 4 : (1u << 20))) {
		if (!t->marked && (fd = open(t->marker, O_WRONLY | O_CREAT, 0600)) != -1) {
			close(fd);
			t->marked = 1;
		}
		nanosleep(&ts, NULL);
	}
	return 0;
}

static int
ask(void *ctx, enum cw_scp_ask what, const char *prompt, struct cw_secret **out,
    struct cw_error *err)
{
	struct tool *t = ctx;

	(void)what;
	if (t->ask_file != NULL) {
		fprintf(stderr, "asked: %s\n", prompt);
		return cw_secret_read_file(t->ask_file, 1024, 0, out, err);
	}
	return cw_scp_ask_tty(NULL, what, prompt, out, err);
}

static int
confirm_hostkey(void *ctx, const char *host, int port, const char *key_type,
    const char *fingerprint, struct cw_error *err)
{
	struct tool *t = ctx;

	(void)err;
	fprintf(stderr, "confirm: %s port %d %s %s\n", host, port, key_type, fingerprint);
	return t->confirm;
}

static int
sha256_file(const char *path, unsigned char md[32], uint64_t *size,
    struct cw_error *err)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char buf[65536];
	ssize_t n;
	int fd, rc = -1;

	*size = 0;
	if ((fd = open(path, O_RDONLY)) == -1) {
		EVP_MD_CTX_free(c);
		return cw_error_set(err, CW_E_IO, "cannot open '%s'", path);
	}
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		EVP_DigestUpdate(c, buf, (size_t)n);
		*size += (uint64_t)n;
	}
	if (n == 0 && EVP_DigestFinal_ex(c, md, NULL) == 1)
		rc = 0;
	else
		cw_error_set(err, CW_E_IO, "cannot read '%s'", path);
	close(fd);
	EVP_MD_CTX_free(c);
	return rc;
}

/* ssh-keygen -lf compatible: the fingerprint of "TYPE BASE64 [comment]". */
static int
fingerprint_pub(const char *path, struct cw_error *err)
{
	char *text = NULL, *b64, *end, fp[CW_SCP_FP_MAX];
	unsigned char blob[8192];
	size_t len;
	int n, pad = 0, rc = -1;

	if (cw_file_read(path, 16384, &text, &len, err) == -1)
		return -1;
	if ((b64 = strchr(text, ' ')) == NULL)
		goto bad;
	b64++;
	end = b64 + strcspn(b64, " \n");
	if ((end - b64) % 4 != 0 || (size_t)(end - b64) / 4 * 3 > sizeof(blob))
		goto bad;
	if ((n = EVP_DecodeBlock(blob, (unsigned char *)b64, (int)(end - b64))) < 0)
		goto bad;
	pad = (end[-1] == '=') + (end[-2] == '=');
	if (cw_scp_fingerprint_format(blob, (size_t)(n - pad), fp, sizeof(fp)) == -1)
		goto bad;
	printf("%s\n", fp);
	rc = 0;
	goto out;
bad:
	cw_error_set(err, CW_E_USAGE, "'%s' is not a public key file", path);
out:
	free(text);
	return rc;
}

int
main(int argc, char **argv)
{
	struct cw_scp_opts o = { 0 };
	struct cw_scp_target t;
	struct cw_error err;
	struct cw_scp *s = NULL;
	struct cw_secret *pw = NULL;
	struct tool tool = { 0 };
	uint64_t max_size = UINT64_MAX, size;
	unsigned char md[32];
	const char *cmd;
	char buf[2048];
	int i, verify = 1, confirm = 1, rc = 1;

	cw_error_clear(&err);
	cw_scp_opts_init(&o, NULL);
	o.ask = isatty(0) ? ask : NULL;
	o.ctx = &tool;
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--no-agent") == 0) { o.no_agent = 1; continue; }
		if (strcmp(a, "--no-save") == 0) { o.no_save = 1; continue; }
		if (strcmp(a, "--no-verify") == 0) { verify = 0; continue; }
		if (strcmp(a, "--no-confirm") == 0) { confirm = 0; continue; }
		if (v == NULL) {
			fprintf(stderr, "scptool: %s needs a value\n", a);
			return 2;
		}
		i++;
		if (strcmp(a, "--port") == 0) o.port = atoi(v);
		else if (strcmp(a, "--known-hosts") == 0) o.known_hosts = v;
		else if (strcmp(a, "--accept-host-key") == 0) o.accept_fingerprint = v;
		else if (strcmp(a, "--identity") == 0) o.identity = v;
		else if (strcmp(a, "--timeout-ms") == 0) o.timeout_ms = atoi(v);
		else if (strcmp(a, "--max-size") == 0) max_size = strtoull(v, NULL, 10);
		else if (strcmp(a, "--marker") == 0) tool.marker = v;
		else if (strcmp(a, "--confirm") == 0) {
			tool.confirm = strcmp(v, "yes") == 0;
			o.confirm_hostkey = confirm_hostkey;
		}
		else if (strcmp(a, "--ask-file") == 0) { tool.ask_file = v; o.ask = ask; }
		else if (strcmp(a, "--cancel-at") == 0) tool.cancel_at = strtoull(v, NULL, 10);
		else if (strcmp(a, "--password-file") == 0) {
			if (cw_secret_read_file(v, 1024, 0, &pw, &err) == -1)
				goto out;
			o.password = pw;
		} else {
			fprintf(stderr, "scptool: unknown option %s\n", a);
			return 2;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: scptool [OPTIONS] connect|upload|download|probe|parse|fingerprint ...\n");
		return 2;
	}
	cmd = argv[i++];
	if (strcmp(cmd, "fingerprint") == 0 && i < argc) {
		rc = fingerprint_pub(argv[i], &err) == 0 ? 0 : 1;
		goto out;
	}
	if (i >= argc || cw_scp_target_parse(argv[strcmp(cmd, "upload") == 0 || strcmp(cmd, "verify") == 0 ? i + 1 : i],
	    &t, &err) == -1)
		goto out;
	if (strcmp(cmd, "parse") == 0) {
		printf("user=%s\nhost=%s\npath=%s\n", t.user, t.host, t.path);
		rc = 0;
		goto out;
	}
	if (cw_scp_connect(&t, &o, &s, &err) == -1)
		goto out;
	if (strcmp(cmd, "connect") == 0) {
		printf("%s %s\n", cw_scp_key_type(s), cw_scp_fingerprint(s));
	} else if (strcmp(cmd, "upload") == 0) {
		if (cw_scp_upload(s, argv[i], t.path, 0600, progress, &tool, &err) == -1)
			goto out;
		if (confirm && (sha256_file(argv[i], md, &size, &err) == -1 ||
		    cw_scp_verify(s, t.path, size, verify ? md : NULL, NULL, NULL, &err) == -1))
			goto out;
	} else if (strcmp(cmd, "download") == 0 && i + 1 < argc) {
		if (cw_scp_download(s, t.path, argv[i + 1], 0600, max_size, progress,
		    &tool, &err) == -1)
			goto out;
	} else if (strcmp(cmd, "verify") == 0) {
		if (sha256_file(argv[i], md, &size, &err) == -1 ||
		    cw_scp_verify(s, t.path, size, verify ? md : NULL, NULL, NULL, &err) == -1)
			goto out;
	} else if (strcmp(cmd, "probe") == 0) {
		if (cw_scp_probe_dir(s, t.path, &err) == -1)
			goto out;
	} else {
		fprintf(stderr, "scptool: bad command %s\n", cmd);
		rc = 2;
		goto out;
	}
	rc = 0;
out:
	if (rc == 1) {
		fprintf(stderr, "scptool: %s\n", cw_error_format(&err, buf, sizeof(buf)));
		fprintf(stderr, "code=%s\n", cw_error_code_name(err.code));
		rc = cw_error_exit_code(err.code);
	}
	cw_scp_free(s);
	cw_secret_free(pw);
	return rc;
}
