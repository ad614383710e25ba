/* scp-hostkey.c - the server's host key against known_hosts.
 *
 * known_hosts is read line by line (capped) and each line handed to
 * libssh's ssh_known_hosts_parse_line(), which understands plain and
 * hashed (|1|salt|hash) names, patterns and the [host]:port form.  A line
 * libssh cannot parse (a key type it lacks, @cert-authority) is skipped
 * instead of failing the whole file (libssh's own file reader gives up on
 * the first such line), except @revoked lines, which we check ourselves:
 * a revoked key is refused.
 *
 * Before the handshake the key types known_hosts holds for the host are
 * asked for first (SSH_OPTIONS_HOSTKEYS), as OpenSSH does.  A host
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

#include <ctype.h>
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
	enum ssh_keytypes_e type;
	const char *name;	/* the key's type in known_hosts */
	const char *methods;	/* the host key algorithms that sign with it */
} key_types[] = {
	/* OpenSSH's order of preference. */
	{ SSH_KEYTYPE_ED25519, "ssh-ed25519", "ssh-ed25519" },
	{ SSH_KEYTYPE_ECDSA_P256, "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256" },
	{ SSH_KEYTYPE_ECDSA_P384, "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384" },
	{ SSH_KEYTYPE_ECDSA_P521, "ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521" },
	/* An RSA key signs with SHA-2 (OpenSSH >= 7.2); SHA-1 ssh-rsa
	 * signatures are not allowed (cw_scp_policy). */
	{ SSH_KEYTYPE_RSA, "ssh-rsa", "rsa-sha2-512,rsa-sha2-256" },
	/* Known, so that such a host is not "unknown"; never negotiated. */
	{ SSH_KEYTYPE_DSS, "ssh-dss", "" },
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

/* The key's base64 blob as known_hosts writes it (caller frees), or NULL. */
static char *
key_b64(ssh_key key)
{
	char *b64 = NULL, *copy;

	if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK || b64 == NULL)
		return NULL;
	copy = strdup(b64);
	ssh_string_free_char(b64);
	return copy;
}

static int
type_index(enum ssh_keytypes_e type)
{
	for (size_t i = 0; i < N_KEY_TYPES; i++)
		if (key_types[i].type == type)
			return (int)i;
	return -1;
}

/* OpenSSH's host pattern match: '*' and '?', ASCII case ignored.  The
 * usual single-backtrack walk: linear in practice, never exponential. */
static int
glob_match(const char *p, size_t plen, const char *s)
{
	const char *pe = p + plen, *star = NULL, *mark = NULL;

	while (*s != '\0') {
		if (p < pe && (*p == '?' || tolower((unsigned char)*p) == tolower((unsigned char)*s))) {
			p++;
			s++;
		} else if (p < pe && *p == '*') {
			star = ++p;
			mark = s;
		} else if (star != NULL) {
			p = star;
			s = ++mark;
		} else
			return 0;
	}
	while (p < pe && *p == '*')
		p++;
	return p == pe;
}

/* 1 when the line's host field (plain patterns, not hashed) has a negated
 * pattern ("!host") that matches hostport: OpenSSH then ignores the
 * line (NUL-terminated, tabs already spaces).  libssh 0.10 matches each comma-separated pattern alone and so
 * loses the negation ("*.example,!bad.example" would hold for
 * bad.example). */
static int
negated(const char *line, const char *hostport)
{
	size_t hl = strcspn(line, " "), n;

	if (line[0] == '|')
		return 0;
	for (const char *p = line, *comma; p < line + hl; p += n + 1) {
		comma = memchr(p, ',', (size_t)(line + hl - p));
		n = comma != NULL ? (size_t)(comma - p) : (size_t)(line + hl - p);
		if (n > 1 && p[0] == '!' && glob_match(p + 1, n - 1, hostport))
			return 1;
	}
	return 0;
}

int
cw_scp_known_hosts_scan(const char *buf, size_t len, const char *hostport,
    ssh_key key, const char *key_b64s, struct cw_scp_known known[CW_SCP_KNOWN_TYPES],
    int *match, int *revoked)
{
	struct ssh_knownhosts_entry *e;
	const char *line, *nl;
	char copy[LINE_MAX_KH], *b64;
	size_t ll, i;
	int n = 0, t;

	*match = 0;
	*revoked = 0;
	for (i = 0; i < N_KEY_TYPES; i++) {
		known[i].name = key_types[i].name;
		known[i].known = 0;
		snprintf(known[i].fp, sizeof(known[i].fp), "?");
	}
	for (line = buf; line < buf + len; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(buf + len - line))) == NULL)
			nl = buf + len;
		ll = (size_t)(nl - line);
		while (ll > 0 && (line[ll - 1] == '\r' || line[ll - 1] == ' ' ||
		    line[ll - 1] == '\t'))
			ll--;
		while (ll > 0 && (*line == ' ' || *line == '\t')) {
			line++;
			ll--;
		}
		if (ll == 0 || line[0] == '#')
			continue;
		if (ll > 9 && strncmp(line, "@revoked", 8) == 0) {
			if (key_b64s != NULL && revoked_line(line, ll, key_b64s))
				*revoked = 1;
			continue;
		}
		if (line[0] == '@')	/* @cert-authority: no host key */
			continue;
		/* A NUL-terminated copy, tabs as spaces (libssh splits on
		 * spaces only).  Unparseable lines are skipped: one key type
		 * libssh lacks must not hide every other entry. */
		if (ll >= LINE_MAX_KH || memchr(line, '\0', ll) != NULL)
			continue;
		for (i = 0; i < ll; i++)
			copy[i] = line[i] == '\t' ? ' ' : line[i];
		copy[ll] = '\0';
		if (negated(copy, hostport))
			continue;
		e = NULL;
		if (ssh_known_hosts_parse_line(hostport, copy, &e) != SSH_OK || e == NULL) {
			ssh_knownhosts_entry_free(e);
			continue;
		}
		if (key != NULL && ssh_key_cmp(key, e->publickey, SSH_KEY_CMP_PUBLIC) == 0)
			*match = 1;
		if ((t = type_index(ssh_key_type(e->publickey))) >= 0 && !known[t].known) {
			known[t].known = 1;
			n++;
			if ((b64 = key_b64(e->publickey)) != NULL) {
				b64_fingerprint(b64, strlen(b64), known[t].fp, sizeof(known[t].fp));
				free(b64);
			}
		}
		ssh_knownhosts_entry_free(e);
	}
	return n;
}

/* "host", or "[host]:port" off port 22: how known_hosts names the host. */
static void
host_port(const struct cw_scp *s, char *out, size_t outlen)
{
	if (s->port == 22)
		snprintf(out, outlen, "%s", s->host);
	else
		snprintf(out, outlen, "[%s]:%d", s->host, s->port);
}

/* Reads known_hosts (capped) into *text; a missing file is an empty one. */
static int
load_known_hosts(const char *path, char **text, size_t *textlen,
    struct cw_error *err)
{
	struct stat st;

	*text = NULL;
	*textlen = 0;
	if (stat(path, &st) == -1 && errno == ENOENT)
		return 0;
	if (cw_file_read(path, KNOWN_HOSTS_CAP, text, textlen, err) == -1)
		return cw_error_hint(err, _("Check the known_hosts path ([sc3] known_hosts or --known-hosts); nothing was copied."));
	return 0;
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

	host_port(s, name, sizeof(name));
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

/* Appends to pref the names of methods (comma-separated) that certwiz's
 * policy allows. */
static void
add_allowed(const char *methods, char *pref, size_t cap)
{
	const char *allowed = cw_scp_policy(CW_SCP_HOSTKEY);
	size_t len;

	for (const char *p = methods; *p != '\0'; p += len + (p[len] == ',')) {
		len = strcspn(p, ",");
		if (cw_scp_in_list(allowed, p, len) && strlen(pref) + len + 2 < cap)
			snprintf(pref + strlen(pref), cap - strlen(pref), "%s%.*s",
			    pref[0] != '\0' ? "," : "", (int)len, p);
	}
}

int
cw_scp_hostkey_prefer_known(struct cw_scp *s, const struct cw_scp_opts *o,
    struct cw_error *err)
{
	struct cw_scp_known known[CW_SCP_KNOWN_TYPES];
	char pref[512] = "", hp[CW_SCP_HOST_MAX + 16];
	size_t i;
	int match, revoked, pass;

	if (load_known_hosts(o->known_hosts, &s->kh_text, &s->kh_len, err) == -1)
		return -1;
	host_port(s, hp, sizeof(hp));
	if (cw_scp_known_hosts_scan(s->kh_text != NULL ? s->kh_text : "", s->kh_len,
	    hp, NULL, NULL, known, &match, &revoked) > 0) {
		/* The known types first (in OpenSSH's order), then the rest:
		 * a server without them still completes the handshake, and
		 * its key is then reported as changed, not unknown. */
		for (pass = 1; pass >= 0; pass--)
			for (i = 0; i < N_KEY_TYPES; i++)
				if (known[i].known == pass)
					add_allowed(key_types[i].methods, pref, sizeof(pref));
		if (pref[0] != '\0')
			(void)ssh_options_set(s->session, SSH_OPTIONS_HOSTKEYS, pref);
	}
	return 0;
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
	ssh_key key = NULL;
	struct cw_scp_known known[CW_SCP_KNOWN_TYPES];
	char *b64 = NULL, oldfp[CW_SCP_KNOWN_TYPES * (CW_SCP_FP_MAX + 24)];
	char khname[CW_SCP_HOST_MAX + 16];
	int t, match, revoked, nknown, yes = 1, rc = -1;

	if (ssh_get_server_publickey(s->session, &key) != SSH_OK || key == NULL) {
		cw_error_set(err, CW_E_PROTO, _("'%s' sent no usable host key"), s->host);
		return cw_scp_lib_detail(s, err);
	}
	s->key_type = "unknown";
	if ((t = type_index(ssh_key_type(key))) < 0) {
		cw_error_set(err, CW_E_PROTO,
		    _("'%s' sent a host key of a type certwiz does not know"), s->host);
		goto out;
	}
	s->key_type = key_types[t].name;
	if ((b64 = key_b64(key)) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	b64_fingerprint(b64, strlen(b64), s->fp, sizeof(s->fp));

	host_port(s, khname, sizeof(khname));
	nknown = cw_scp_known_hosts_scan(s->kh_text != NULL ? s->kh_text : "", s->kh_len, khname,
	    key, b64, known, &match, &revoked);
	if (revoked) {
		cw_error_set(err, CW_E_HOSTKEY,
		    _("the host key of '%s' (%s %s) is marked @revoked in '%s'"),
		    s->host, s->key_type, s->fp, o->known_hosts);
		cw_error_hint(err, _("Refused; nothing was copied.  Ask the server's administrator for its current host key."));
		goto out;
	}
	if (match) {
		rc = 0;
		goto out;
	}
	/* As OpenSSH: a host with any key in known_hosts has no unknown key.
	 * A key of another type than the known ones is a changed key too. */
	if (nknown > 0) {
		known_list(known, oldfp, sizeof(oldfp));
		cw_error_set(err, CW_E_HOSTKEY,
		    _("the host key of '%s' port %d has CHANGED: known_hosts has %s, the server sent %s %s"),
		    s->host, s->port, oldfp, s->key_type, s->fp);
		cw_error_detail(err, "known_hosts: %s", o->known_hosts);
		/* TRANSLATORS: %s is the known_hosts host name, %s the file. */
		cw_error_hint(err, _("Refused; nothing was copied.  This may be an attack.  If the server was reinstalled, check its new key there, remove the old entry with: ssh-keygen -R '%s' -f '%s'"),
		    khname, o->known_hosts);
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
	    save_key(s, o->known_hosts, s->kh_text != NULL ? s->kh_text : "", s->kh_len, b64, err) == -1)
		goto out;
	rc = 0;
out:
	ssh_key_free(key);
	free(b64);
	return rc;
}
