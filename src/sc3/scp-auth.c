/* scp-auth.c - SSH user authentication, in this order, each only when the
 * server offers its method:
 *
 *   1. ssh-agent (SSH_AUTH_SOCK), every identity it holds;
 *   2. the key file (--identity), its passphrase asked when it is encrypted;
 *   3. the password (--password-file, else asked): "password", then
 *      "keyboard-interactive" answering its hidden prompts.
 *
 * Refused: CW_E_AUTH naming the methods the server offers and the ones
 * tried.  Passwords and passphrases stay in struct cw_secret; libssh
 * copies them into its packet buffers and wipes those (ssh_burn). */
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
	return cw_scp_in_list(list, method, strlen(method));
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
	return ssh_userauth_agent(s->session, NULL) == SSH_AUTH_SUCCESS;
}

/* The methods the server named after "none", as OpenSSH writes them. */
static void
method_list(int bits, char *buf, size_t len)
{
	static const struct {
		int bit;
		const char *name;
	} names[] = {
		{ SSH_AUTH_METHOD_PUBLICKEY, "publickey" },
		{ SSH_AUTH_METHOD_GSSAPI_MIC, "gssapi-with-mic" },
		{ SSH_AUTH_METHOD_HOSTBASED, "hostbased" },
		{ SSH_AUTH_METHOD_PASSWORD, "password" },
		{ SSH_AUTH_METHOD_INTERACTIVE, "keyboard-interactive" },
	};

	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((bits & names[i].bit) && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
			    used > 0 ? "," : "", names[i].name);
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
	ssh_key key;
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
		key = NULL;
		r = ssh_pki_import_privkey_base64(cw_secret_data(text),
		    pass != NULL ? cw_secret_data(pass) : NULL, NULL, NULL, &key);
		if (r == SSH_OK) {
			r = ssh_userauth_publickey(s->session, NULL, key);
			ssh_key_free(key);
			if (r == SSH_AUTH_SUCCESS) {
				rc = 1;
				goto out;
			}
			if (r == SSH_AUTH_ERROR) {
				cw_error_set(err, CW_E_NET, _("the connection to '%s' broke during authentication"), s->host);
				cw_scp_lib_detail(s, err);
				goto out;
			}
			/* The server refused the key. */
			rc = 0;
			goto out;
		}
		if (!encrypted) {
			cw_error_set(err, CW_E_USAGE, _("cannot use the key file '%s'"), o->identity);
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
 * ones an empty answer; a server that keeps asking is given up on. */
static int
try_kbdint(struct cw_scp *s, const struct cw_secret *pw)
{
	char echo;
	int r, n, i, rounds;

	r = ssh_userauth_kbdint(s->session, NULL, NULL);
	for (rounds = 0; r == SSH_AUTH_INFO && rounds < 8; rounds++) {
		n = ssh_userauth_kbdint_getnprompts(s->session);
		for (i = 0; i < n; i++) {
			echo = 0;
			(void)ssh_userauth_kbdint_getprompt(s->session, (unsigned)i, &echo);
			if (ssh_userauth_kbdint_setanswer(s->session, (unsigned)i,
			    echo ? "" : cw_secret_data(pw)) < 0)
				return SSH_AUTH_ERROR;
		}
		r = ssh_userauth_kbdint(s->session, NULL, NULL);
	}
	return r;
}

int
cw_scp_auth(struct cw_scp *s, const struct cw_scp_opts *o, struct cw_error *err)
{
	struct cw_secret *asked = NULL;
	const struct cw_secret *pw = o->password;
	char methods[256] = "", tried[256] = "", prompt[CW_SCP_USER_MAX + CW_SCP_HOST_MAX + 64];
	int r, rc = -1;

	/* "none" first: it asks the server for its methods (and a server
	 * that wants no login is done). */
	if ((r = ssh_userauth_none(s->session, NULL)) == SSH_AUTH_SUCCESS)
		return 0;
	if (r == SSH_AUTH_ERROR) {
		cw_error_set(err, CW_E_NET, _("the SSH server '%s' closed the connection before authentication"), s->host);
		return cw_scp_lib_detail(s, err);
	}
	method_list(ssh_userauth_list(s->session, NULL), methods, sizeof(methods));

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
			r = SSH_AUTH_DENIED;
			if (offered(methods, "password"))
				r = ssh_userauth_password(s->session, NULL, cw_secret_data(pw));
			if (r == SSH_AUTH_DENIED && offered(methods, "keyboard-interactive"))
				r = try_kbdint(s, pw);
			if (r == SSH_AUTH_ERROR) {
				cw_error_set(err, CW_E_NET, _("the connection to '%s' broke during authentication"), s->host);
				cw_scp_lib_detail(s, err);
				goto out;
			}
			if (r == SSH_AUTH_SUCCESS) {
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
