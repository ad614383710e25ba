/* scp-hostkey.c - the server's host key against known_hosts.
 *
 * known_hosts is read line by line (capped) and each line handed to
 * libssh2_knownhost_readline(), which understands plain and hashed
 * (|1|salt|hash) names and the [host]:port form.  A line libssh2 cannot
 * parse (a key type it lacks, @cert-authority) is skipped instead of
 * failing the whole file, except @revoked lines, which we check ourselves:
 * a revoked key is refused.
 *
 * Before the handshake the key types known_hosts holds for the host are
 * asked for first (libssh2_session_method_pref), as OpenSSH does.  A host
 * with any key in known_hosts has no "unknown" key: a key of another type
 * than the known ones is a changed key.
 *
 *   match ──► ok
 *   unknown (no key at all for host/port) ──► --accept-host-key equal to it, or confirm_hostkey says yes
 *                 ──► appended to known_hosts (atomic) ──► ok
 *           └─► else CW_E_HOSTKEY, fingerprint in the message
 *   changed (other key, or other type) / revoked ──► CW_E_HOSTKEY, both
 *           fingerprints, never accepted (--accept-host-key or not)
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/fileio.h"
#include "core/i18n.h"
#include "sc3/scp-int.h"

#define KNOWN_HOSTS_CAP (4u << 20)
#define KEY_BLOB_MAX 16384
#define LINE_MAX_KH 16384

static const struct {
	int hostkey_type;	/* LIBSSH2_HOSTKEY_TYPE_* */
	int knownhost_bit;	/* LIBSSH2_KNOWNHOST_KEY_* */
	const char *name;	/* the key's type in known_hosts */
	const char *methods;	/* the host key algorithms that sign with it */
} key_types[] = {
	/* OpenSSH's order of preference. */
	{ LIBSSH2_HOSTKEY_TYPE_ED25519, LIBSSH2_KNOWNHOST_KEY_ED25519, "ssh-ed25519", "ssh-ed25519" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_256, LIBSSH2_KNOWNHOST_KEY_ECDSA_256, "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_384, LIBSSH2_KNOWNHOST_KEY_ECDSA_384, "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_521, LIBSSH2_KNOWNHOST_KEY_ECDSA_521, "ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521" },
	/* An RSA key signs with SHA-2 for OpenSSH >= 8.8 (ssh-rsa is SHA-1);
	 * only the names this libssh2 supports are asked for (1.10 has only
	 * ssh-rsa). */
	{ LIBSSH2_HOSTKEY_TYPE_RSA, LIBSSH2_KNOWNHOST_KEY_SSHRSA, "ssh-rsa", "rsa-sha2-512,rsa-sha2-256,ssh-rsa" },
	{ LIBSSH2_HOSTKEY_TYPE_DSS, LIBSSH2_KNOWNHOST_KEY_SSHDSS, "ssh-dss", "ssh-dss" },
};
#define N_KEY_TYPES (sizeof(key_types) / sizeof(key_types[0]))
_Static_assert(N_KEY_TYPES == CW_SCP_KNOWN_TYPES, "CW_SCP_KNOWN_TYPES");

int
cw_scp_fingerprint_format(const unsigned char *blob, size_t len, char *out,
    size_t outlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned char b64[2 * EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int n;

	if (EVP_Digest(blob, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		return -1;
	n = EVP_EncodeBlock(b64, md, (int)mdlen);
	/* OpenSSH prints the base64 without its '=' padding. */
	while (n > 0 && b64[n - 1] == '=')
		n--;
	if ((size_t)snprintf(out, outlen, "SHA256:%.*s", n, (const char *)b64) >= outlen)
		return -1;
	return 0;
}

/* Decodes unpadded-or-padded base64 into blob; returns its length or -1. */
static int
b64_decode(const char *in, size_t inlen, unsigned char *blob, size_t cap)
{
	int n, pad = 0;

	if (inlen == 0 || inlen % 4 != 0 || inlen / 4 * 3 > cap)
		return -1;
	if ((n = EVP_DecodeBlock(blob, (const unsigned char *)in, (int)inlen)) < 0)
		return -1;
	if (in[inlen - 1] == '=')
		pad++;
	if (in[inlen - 2] == '=')
		pad++;
	return n - pad;
}

/* Fingerprint of a base64 key blob (known_hosts field), or "?". */
static void
b64_fingerprint(const char *b64, size_t len, char *out, size_t outlen)
{
	unsigned char *blob = malloc(KEY_BLOB_MAX);
	int n;

	snprintf(out, outlen, "?");
	if (blob == NULL)
		return;
	if ((n = b64_decode(b64, len, blob, KEY_BLOB_MAX)) > 0)
		(void)cw_scp_fingerprint_format(blob, (size_t)n, out, outlen);
	free(blob);
}

/* "@revoked PATTERNS TYPE BASE64": 1 when BASE64 is the server's key. */
static int
revoked_line(const char *line, size_t len, const char *key_b64)
{
	const char *p = line + strlen("@revoked"), *end = line + len, *f;
	int field;

	/* Skip the host patterns and the key type; the key is field 3. */
	for (field = 0; field < 3; field++) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		f = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		if (field == 2)
			return (size_t)(p - f) == strlen(key_b64) &&
			    memcmp(f, key_b64, (size_t)(p - f)) == 0;
	}
	return 0;
}

int
cw_scp_known_hosts_feed(LIBSSH2_KNOWNHOSTS *kh, const char *buf, size_t len,
    const char *key_b64)
{
	const char *line, *nl;
	char copy[LINE_MAX_KH];
	size_t ll;
	int revoked = 0;

	for (line = buf; line < buf + len; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(buf + len - line))) == NULL)
			nl = buf + len;
		ll = (size_t)(nl - line);
		while (ll > 0 && (line[ll - 1] == '\r' || line[ll - 1] == ' '))
			ll--;
		if (ll == 0 || line[0] == '#')
			continue;
		if (ll > 9 && strncmp(line, "@revoked", 8) == 0) {
			if (key_b64 != NULL && revoked_line(line, ll, key_b64))
				revoked = 1;
			continue;
		}
		/* A NUL-terminated copy: libssh2 1.10 peeks one byte past
		 * len and drops the key's last character when it is '\n'.
		 * Unparseable lines are skipped: one key type libssh2 lacks
		 * must not hide every other entry. */
		if (ll >= LINE_MAX_KH || memchr(line, '\0', ll) != NULL)
			continue;
		memcpy(copy, line, ll);
		copy[ll] = '\0';
		(void)libssh2_knownhost_readline(kh, copy, ll,
		    LIBSSH2_KNOWNHOST_FILE_OPENSSH);
	}
	return revoked;
}

/* Feeds every line of path to libssh2.  A missing file is an empty one.
 * *revoked is set when an @revoked line names key_b64. */
static int
load_known_hosts(LIBSSH2_KNOWNHOSTS *kh, const char *path, const char *key_b64,
    int *revoked, char **text, size_t *textlen, struct cw_error *err)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;

	*revoked = 0;
	*text = NULL;
	*textlen = 0;
	if (stat(path, &st) == -1 && errno == ENOENT)
		return 0;
	if (cw_file_read(path, KNOWN_HOSTS_CAP, &buf, &len, err) == -1)
		return cw_error_hint(err, _("Check the known_hosts path ([sc3] known_hosts or --known-hosts); nothing was copied."));
	*revoked = cw_scp_known_hosts_feed(kh, buf, len, key_b64);
	*text = buf;
	*textlen = len;
	return 0;
}

int
cw_scp_known_types(LIBSSH2_KNOWNHOSTS *kh, const char *host, int port,
    struct cw_scp_known known[CW_SCP_KNOWN_TYPES])
{
	struct libssh2_knownhost *entry;
	size_t i;
	int r, n = 0;

	for (i = 0; i < N_KEY_TYPES; i++) {
		/* A made-up key of this type: MISMATCH means known_hosts has
		 * a key of that type for this host (hashed names included),
		 * and entry is the first one. */
		entry = NULL;
		r = libssh2_knownhost_checkp(kh, host, port, "x", 1,
		    LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW |
		    key_types[i].knownhost_bit, &entry);
		known[i].name = key_types[i].name;
		known[i].known = r == LIBSSH2_KNOWNHOST_CHECK_MISMATCH;
		snprintf(known[i].fp, sizeof(known[i].fp), "?");
		if (known[i].known) {
			n++;
			if (entry != NULL && entry->key != NULL)
				b64_fingerprint(entry->key, strlen(entry->key),
				    known[i].fp, sizeof(known[i].fp));
		}
	}
	return n;
}

/* Appends "NAME TYPE BASE64" to known_hosts atomically. */
static int
save_key(struct cw_scp *s, const char *path, const char *old, size_t oldlen,
    const char *key_b64, struct cw_error *err)
{
	char dir[CW_SCP_PATH_MAX + 16], name[CW_SCP_HOST_MAX + 16];
	char *data = NULL;
	size_t cap, n;
	struct stat st;
	mode_t mode = 0644;
	int rc = -1;

	if (s->port == 22)
		snprintf(name, sizeof(name), "%s", s->host);
	else
		snprintf(name, sizeof(name), "[%s]:%d", s->host, s->port);
	cap = oldlen + strlen(name) + strlen(s->key_type) + strlen(key_b64) + 8;
	if ((data = malloc(cap)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	memcpy(data, old, oldlen);
	n = oldlen;
	if (n > 0 && data[n - 1] != '\n')
		data[n++] = '\n';
	n += (size_t)snprintf(data + n, cap - n, "%s %s %s\n", name, s->key_type, key_b64);
	if (stat(path, &st) == 0)
		mode = st.st_mode & 0777;
	cw_scp_remote_dir(path, dir, sizeof(dir));
	if (cw_file_mkdirs(dir, 0700, err) == -1 ||
	    cw_file_install(path, data, n, mode, 0, err) == -1) {
		cw_error_hint(err, _("The host key was not saved; nothing was copied."));
		goto out;
	}
	rc = 0;
out:
	free(data);
	return rc;
}

/* Appends to pref the names of methods (comma-separated) this libssh2
 * supports: libssh2 1.10 strips unknown names itself, but with an
 * overlapping memcpy (undefined behaviour, ASan stops on it). */
static void
add_supported(struct cw_scp *s, const char *methods, char *pref, size_t cap)
{
	const char **algs = NULL;
	const char *p = methods, *comma;
	size_t len;
	int n, i;

	if ((n = libssh2_session_supported_algs(s->session, LIBSSH2_METHOD_HOSTKEY, &algs)) <= 0)
		return;
	for (; *p != '\0'; p = comma ? comma + 1 : p + len) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		for (i = 0; i < n; i++)
			if (strlen(algs[i]) == len && strncmp(algs[i], p, len) == 0)
				snprintf(pref + strlen(pref), cap - strlen(pref), "%s%.*s",
				    pref[0] != '\0' ? "," : "", (int)len, p);
	}
	libssh2_free(s->session, algs);
}

void
cw_scp_hostkey_prefer_known(struct cw_scp *s, const struct cw_scp_opts *o)
{
	LIBSSH2_KNOWNHOSTS *kh;
	struct cw_scp_known known[CW_SCP_KNOWN_TYPES];
	struct cw_error ignored;
	char *text = NULL, pref[512] = "";
	size_t textlen = 0, i;
	int revoked, pass;

	if ((kh = libssh2_knownhost_init(s->session)) == NULL)
		return;
	if (load_known_hosts(kh, o->known_hosts, NULL, &revoked, &text, &textlen,
	    &ignored) == 0 && cw_scp_known_types(kh, s->host, s->port, known) > 0) {
		/* The known types first (in OpenSSH's order), then the rest:
		 * a server without them still completes the handshake, and
		 * its key is then reported as changed, not unknown. */
		for (pass = 1; pass >= 0; pass--)
			for (i = 0; i < N_KEY_TYPES; i++)
				if (known[i].known == pass)
					add_supported(s, key_types[i].methods, pref, sizeof(pref));
		if (pref[0] != '\0')
			(void)libssh2_session_method_pref(s->session, LIBSSH2_METHOD_HOSTKEY, pref);
	}
	libssh2_knownhost_free(kh);
	free(text);
}

/* "TYPE FP" of every key known_hosts has for the host, ", " between. */
static void
known_list(const struct cw_scp_known known[CW_SCP_KNOWN_TYPES], char *out, size_t outlen)
{
	size_t i, n = 0;

	snprintf(out, outlen, "?");
	for (i = 0; i < N_KEY_TYPES; i++) {
		if (!known[i].known)
			continue;
		snprintf(out + (n > 0 ? strlen(out) : 0), outlen - (n > 0 ? strlen(out) : 0),
		    "%s%s %s", n > 0 ? ", " : "", known[i].name, known[i].fp);
		n++;
	}
}

int
cw_scp_hostkey_check(struct cw_scp *s, const struct cw_scp_opts *o,
    struct cw_error *err)
{
	LIBSSH2_KNOWNHOSTS *kh = NULL;
	struct libssh2_knownhost *entry = NULL;
	const char *key;
	struct cw_scp_known known[CW_SCP_KNOWN_TYPES];
	char *b64 = NULL, *text = NULL, oldfp[CW_SCP_KNOWN_TYPES * (CW_SCP_FP_MAX + 24)];
	char khname[CW_SCP_HOST_MAX + 16];
	size_t keylen = 0, textlen = 0, i;
	int type = 0, bit = 0, revoked, r, yes = 1, rc = -1;

	if ((key = libssh2_session_hostkey(s->session, &keylen, &type)) == NULL ||
	    keylen == 0 || keylen > KEY_BLOB_MAX) {
		cw_error_set(err, CW_E_PROTO, _("'%s' sent no usable host key"), s->host);
		return cw_scp_lib_detail(s, err);
	}
	s->key_type = "unknown";
	for (i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		if (key_types[i].hostkey_type == type) {
			s->key_type = key_types[i].name;
			bit = key_types[i].knownhost_bit;
		}
	if (bit == 0)
		return cw_error_set(err, CW_E_PROTO,
		    _("'%s' sent a host key of a type certwiz does not know"), s->host);
	if (cw_scp_fingerprint_format((const unsigned char *)key, keylen, s->fp,
	    sizeof(s->fp)) == -1 || (b64 = malloc(keylen / 3 * 4 + 8)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)key, (int)keylen);

	if ((kh = libssh2_knownhost_init(s->session)) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	if (load_known_hosts(kh, o->known_hosts, b64, &revoked, &text, &textlen, err) == -1)
		goto out;
	if (revoked) {
		cw_error_set(err, CW_E_HOSTKEY,
		    _("the host key of '%s' (%s %s) is marked @revoked in '%s'"),
		    s->host, s->key_type, s->fp, o->known_hosts);
		cw_error_hint(err, _("Refused; nothing was copied.  Ask the server's administrator for its current host key."));
		goto out;
	}
	r = libssh2_knownhost_checkp(kh, s->host, s->port, key, keylen,
	    LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | bit, &entry);
	/* As OpenSSH: a host with any key in known_hosts has no unknown key.
	 * A key of another type than the known ones is a changed key too. */
	if (r == LIBSSH2_KNOWNHOST_CHECK_NOTFOUND &&
	    cw_scp_known_types(kh, s->host, s->port, known) > 0)
		r = LIBSSH2_KNOWNHOST_CHECK_MISMATCH;
	switch (r) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH:
		rc = 0;
		goto out;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
		if (s->port == 22)
			snprintf(khname, sizeof(khname), "%s", s->host);
		else
			snprintf(khname, sizeof(khname), "[%s]:%d", s->host, s->port);
		(void)cw_scp_known_types(kh, s->host, s->port, known);
		known_list(known, oldfp, sizeof(oldfp));
		cw_error_set(err, CW_E_HOSTKEY,
		    _("the host key of '%s' port %d has CHANGED: known_hosts has %s, the server sent %s %s"),
		    s->host, s->port, oldfp, s->key_type, s->fp);
		cw_error_detail(err, "known_hosts: %s", o->known_hosts);
		/* TRANSLATORS: %s is the known_hosts host name, %s the file. */
		cw_error_hint(err, _("Refused; nothing was copied.  This may be an attack.  If the server was reinstalled, check its new key there, remove the old entry with: ssh-keygen -R '%s' -f '%s'"),
		    khname, o->known_hosts);
		goto out;
	case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
		break;
	default:
		cw_error_set(err, CW_E_HOSTKEY, _("cannot check the host key of '%s'"), s->host);
		cw_scp_lib_detail(s, err);
		goto out;
	}

	/* Unknown key: accepted only by name. */
	if (o->accept_fingerprint != NULL) {
		if (strcmp(o->accept_fingerprint, s->fp) != 0) {
			cw_error_set(err, CW_E_HOSTKEY,
			    _("the host key of '%s' is %s %s, not the %s given to accept"),
			    s->host, s->key_type, s->fp, o->accept_fingerprint);
			cw_error_hint(err, _("Refused; nothing was copied and known_hosts was not changed."));
			goto out;
		}
	} else if (o->confirm_hostkey != NULL) {
		if ((yes = o->confirm_hostkey(o->ctx, s->host, s->port, s->key_type,
		    s->fp, err)) == -1)
			goto out;
		if (!yes) {
			cw_error_set(err, CW_E_HOSTKEY,
			    _("the host key of '%s' (%s %s) was not accepted"),
			    s->host, s->key_type, s->fp);
			cw_error_hint(err, _("Nothing was copied and known_hosts was not changed."));
			goto out;
		}
	} else {
		cw_error_set(err, CW_E_HOSTKEY,
		    _("the host key of '%s' port %d is unknown: %s %s"),
		    s->host, s->port, s->key_type, s->fp);
		cw_error_detail(err, "known_hosts: %s", o->known_hosts);
		/* TRANSLATORS: %s is the fingerprint. */
		cw_error_hint(err, _("Compare it with 'ssh-keygen -lf' of the server's host key, then run again with --accept-host-key %s; nothing was copied."),
		    s->fp);
		goto out;
	}
	/* 2: trusted this once, not saved. */
	if (!o->no_save && yes != 2 &&
	    save_key(s, o->known_hosts, text != NULL ? text : "", textlen, b64, err) == -1)
		goto out;
	rc = 0;
out:
	if (kh != NULL)
		libssh2_knownhost_free(kh);
	free(text);
	free(b64);
	return rc;
}
