/* scp-auth.c - SSH user authentication, in this order, each only when the
 * server offers its method:
 *
 *   1. ssh-agent (SSH_AUTH_SOCK), every identity it holds;
 *   2. the key file (--identity), its passphrase asked when it is encrypted;
 *   3. the password (--password-file, else asked): "password", then
 *      "keyboard-interactive" answering its hidden prompts.
 *
 * Refused: CW_E_AUTH naming the methods the server offers and the ones
 * tried.  Passwords and passphrases stay in struct cw_secret; libssh2 copies
 * them into its packet buffers, which we cannot wipe. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/i18n.h"
#include "sc3/scp-int.h"

#define KEY_FILE_CAP 65536
#define PASSWORD_CAP 1024

static int
offered(const char *list, const char *method)
{
	size_t n = strlen(method);
	const char *p = list;

	while ((p = strstr(p, method)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

static void
add_tried(char *buf, size_t len, const char *what)
{
	size_t used = strlen(buf);

	snprintf(buf + used, len - used, "%s%s", used > 0 ? ", " : "", what);
}

static int
try_agent(struct cw_scp *s)
{
	LIBSSH2_AGENT *agent;
	struct libssh2_agent_publickey *id = NULL, *prev = NULL;
	int ok = 0;

	if ((agent = libssh2_agent_init(s->session)) == NULL)
		return 0;
	if (libssh2_agent_connect(agent) == 0 &&
	    libssh2_agent_list_identities(agent) == 0) {
		while (!ok && libssh2_agent_get_identity(agent, &id, prev) == 0) {
			ok = libssh2_agent_userauth(agent, s->user, id) == 0;
			prev = id;
		}
		libssh2_agent_disconnect(agent);
	}
	libssh2_agent_free(agent);
	return ok;
}

/* 1 when the PEM or OpenSSH key text is protected by a passphrase. */
static int
key_is_encrypted(const char *pem)
{
	static const char openssh[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
	unsigned char b64[68], bin[52];
	const char *p;
	size_t n = 0;
	uint32_t clen;
	int rc = 0;

	if (strstr(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----") != NULL ||
	    strstr(pem, "Proc-Type: 4,ENCRYPTED") != NULL)
		return 1;
	if ((p = strstr(pem, openssh)) == NULL)
		return 0;
	/* openssh-key-v1: magic "openssh-key-v1\0", then the cipher name as
	 * an SSH string; "none" means not encrypted.  64 base64 characters
	 * cover the header and none of the key. */
	for (p += sizeof(openssh) - 1; *p != '\0' && n < 64; p++)
		if (*p != '\n' && *p != '\r' && *p != ' ')
			b64[n++] = (unsigned char)*p;
	if (n == 64 && EVP_DecodeBlock(bin, b64, 64) == 48 &&
	    memcmp(bin, "openssh-key-v1", 15) == 0) {
		clen = (uint32_t)bin[15] << 24 | (uint32_t)bin[16] << 16 |
		    (uint32_t)bin[17] << 8 | bin[18];
		rc = !(clen == 4 && memcmp(bin + 19, "none", 4) == 0);
	}
	OPENSSL_cleanse(bin, sizeof(bin));
	OPENSSL_cleanse(b64, sizeof(b64));
	return rc;
}

/* 1 = authenticated, 0 = refused by the server, -1 = error (err set). */
static int
try_key_file(struct cw_scp *s, const struct cw_scp_opts *o, struct cw_error *err)
{
	struct cw_secret *text = NULL, *pass = NULL;
	char prompt[CW_SCP_PATH_MAX + 64];
	int encrypted, attempt, r, rc = -1;

	if (cw_secret_read_file(o->identity, KEY_FILE_CAP, 0, &text, err) == -1)
		return cw_error_hint(err, _("Check the key file given with --identity; nothing was copied."));
	encrypted = key_is_encrypted(cw_secret_data(text));
	for (attempt = 0; attempt < 3; attempt++) {
		if (encrypted) {
			if (o->ask == NULL) {
				cw_error_set(err, CW_E_USAGE,
				    _("the key file '%s' is protected by a passphrase and there is no one to ask"),
				    o->identity);
				cw_error_hint(err, _("Run certwiz on a terminal, or load the key into ssh-agent; nothing was copied."));
				goto out;
			}
			cw_secret_free(pass);
			pass = NULL;
			snprintf(prompt, sizeof(prompt), _("Passphrase for the key '%s': "), o->identity);
			if (o->ask(o->ctx, CW_SCP_ASK_PASSPHRASE, prompt, &pass, err) == -1)
				goto out;
		}
		r = libssh2_userauth_publickey_fromfile_ex(s->session, s->user,
		    (unsigned)strlen(s->user), NULL, o->identity,
		    pass != NULL ? cw_secret_data(pass) : NULL);
		if (r == 0) {
			rc = 1;
			goto out;
		}
		if (r != LIBSSH2_ERROR_FILE) {
			/* The server refused the key (or the link broke). */
			if (r == LIBSSH2_ERROR_SOCKET_RECV || r == LIBSSH2_ERROR_SOCKET_SEND ||
			    r == LIBSSH2_ERROR_TIMEOUT || r == LIBSSH2_ERROR_SOCKET_DISCONNECT) {
				cw_error_set(err, CW_E_NET, _("the connection to '%s' broke during authentication"), s->host);
				cw_scp_lib_detail(s, err);
				goto out;
			}
			rc = 0;
			goto out;
		}
		if (!encrypted) {
			cw_error_set(err, CW_E_USAGE, _("cannot use the key file '%s'"), o->identity);
			cw_scp_lib_detail(s, err);
			cw_error_hint(err, _("Give an OpenSSH or PEM private key (RSA, ECDSA or Ed25519); nothing was copied."));
			goto out;
		}
	}
	cw_error_set(err, CW_E_AUTH, _("wrong passphrase for the key file '%s'"), o->identity);
	cw_error_hint(err, _("Nothing was copied."));
out:
	cw_secret_free(pass);
	cw_secret_free(text);
	return rc;
}

/* keyboard-interactive: every hidden prompt gets the password, visible
 * ones an empty answer.  The password comes through the session's
 * abstract pointer. */
static void
kbd_answer(const char *name, int name_len, const char *instruction,
    int instruction_len, int num_prompts,
    const LIBSSH2_USERAUTH_KBDINT_PROMPT *prompts,
    LIBSSH2_USERAUTH_KBDINT_RESPONSE *responses, void **abstract)
{
	const struct cw_secret *pw = *abstract;
	int i;

	(void)name;
	(void)name_len;
	(void)instruction;
	(void)instruction_len;
	for (i = 0; i < num_prompts; i++) {
		const char *ans = prompts[i].echo ? "" : cw_secret_data(pw);
		size_t n = prompts[i].echo ? 0 : cw_secret_len(pw);

		/* libssh2 frees (and our allocator wipes) each answer. */
		if ((responses[i].text = cw_scp_alloc(n + 1)) == NULL) {
			responses[i].length = 0;
			continue;
		}
		memcpy(responses[i].text, ans, n + 1);
		responses[i].length = (unsigned)n;
	}
}

int
cw_scp_auth(struct cw_scp *s, const struct cw_scp_opts *o, struct cw_error *err)
{
	struct cw_secret *asked = NULL;
	const struct cw_secret *pw = o->password;
	char methods[256] = "", tried[256] = "", prompt[CW_SCP_USER_MAX + CW_SCP_HOST_MAX + 64];
	const char *list;
	void **abstract;
	int r, rc = -1;

	list = libssh2_userauth_list(s->session, s->user, (unsigned)strlen(s->user));
	if (list == NULL) {
		if (libssh2_userauth_authenticated(s->session))
			return 0;
		cw_error_set(err, CW_E_NET, _("the SSH server '%s' closed the connection before authentication"), s->host);
		return cw_scp_lib_detail(s, err);
	}
	snprintf(methods, sizeof(methods), "%s", list);

	if (offered(methods, "publickey")) {
		if (!o->no_agent && getenv("SSH_AUTH_SOCK") != NULL) {
			if (try_agent(s))
				return 0;
			add_tried(tried, sizeof(tried), "ssh-agent");
		}
		if (o->identity != NULL) {
			if ((r = try_key_file(s, o, err)) != 0)
				return r == 1 ? 0 : -1;
			add_tried(tried, sizeof(tried), o->identity);
		}
	}
	if (!o->no_password &&
	    (offered(methods, "password") || offered(methods, "keyboard-interactive"))) {
		if (pw == NULL && o->ask != NULL) {
			snprintf(prompt, sizeof(prompt), _("Password for %s@%s: "), s->user, s->host);
			if (o->ask(o->ctx, CW_SCP_ASK_PASSWORD, prompt, &asked, err) == -1)
				goto out;
			pw = asked;
		}
		if (pw != NULL) {
			r = -1;
			if (offered(methods, "password"))
				r = libssh2_userauth_password_ex(s->session, s->user,
				    (unsigned)strlen(s->user), cw_secret_data(pw),
				    (unsigned)cw_secret_len(pw), NULL);
			if (r != 0 && offered(methods, "keyboard-interactive") &&
			    !libssh2_userauth_authenticated(s->session)) {
				abstract = libssh2_session_abstract(s->session);
				*abstract = (void *)pw;
				r = libssh2_userauth_keyboard_interactive_ex(s->session,
				    s->user, (unsigned)strlen(s->user), kbd_answer);
				*abstract = NULL;
			}
			if (r == 0) {
				rc = 0;
				goto out;
			}
			/* TRANSLATORS: an SSH login method, listed after "tried:". */
			add_tried(tried, sizeof(tried), _("password"));
		}
	}
	cw_error_set(err, CW_E_AUTH, _("the SSH server '%s' refused to log in '%s'"),
	    s->host, s->user);
	/* TRANSLATORS: first %s: the server's auth methods, second: what we tried. */
	cw_error_detail(err, _("the server accepts: %s; tried: %s"), methods,
	    /* TRANSLATORS: after "tried:" when no login method was tried. */
	    tried[0] != '\0' ? tried : _("nothing"));
	cw_error_hint(err, _("Give a key file authorised for this account (--identity) or its password (--password-file); nothing was copied."));
	cw_error_fix(err, "ssh.auth");
out:
	cw_secret_free(asked);
	return rc;
}
