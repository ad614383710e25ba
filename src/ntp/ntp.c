/* ntp.c - the NTP settings and their validation. */
#include "config.h"

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "core/i18n.h"
#include "ntp/ntp.h"

static const char *const role_names[CW_NTP_ROLE__MAX] = {
	[CW_NTP_PRIMARY] = "primary",
	[CW_NTP_SECONDARY] = "secondary",
};

static const char *const role_labels[CW_NTP_ROLE__MAX] = {
	/* TRANSLATORS: the first NTP server. */
	[CW_NTP_PRIMARY] = N_("primary"),
	/* TRANSLATORS: the optional second NTP server. */
	[CW_NTP_SECONDARY] = N_("secondary"),
};

static const struct {
	const char *name;
	size_t mac_len;
} algs[CW_NTP_ALG__MAX] = {
	[CW_NTP_ALG_MD5] = { "MD5", 16 },
	[CW_NTP_ALG_SHA1] = { "SHA1", 20 },
};

void
cw_ntp_config_init(struct cw_ntp_config *c)
{
	memset(c, 0, sizeof(*c));
}

void
cw_ntp_config_release(struct cw_ntp_config *c)
{
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++)
		cw_secret_free(c->server[i].key);
	memset(c, 0, sizeof(*c));
}

const char *
cw_ntp_role_name(enum cw_ntp_role role)
{
	return role < CW_NTP_ROLE__MAX ? role_names[role] : "?";
}

const char *
cw_ntp_role_label(enum cw_ntp_role role)
{
	return role < CW_NTP_ROLE__MAX ? _(role_labels[role]) : "?";
}

const char *
cw_ntp_alg_name(enum cw_ntp_alg alg)
{
	return alg < CW_NTP_ALG__MAX ? algs[alg].name : "?";
}

size_t
cw_ntp_alg_mac_len(enum cw_ntp_alg alg)
{
	return alg < CW_NTP_ALG__MAX ? algs[alg].mac_len : 0;
}

/* RFC 1123: labels of 1..63 letters, digits and inner hyphens. */
static int
hostname_ok(const char *h)
{
	size_t label = 0, total = strlen(h);
	int all_numeric = 1;
	const char *p;

	if (total == 0 || total > CW_NTP_HOST_MAX)
		return 0;
	for (p = h; *p != '\0'; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '.') {
			if (label == 0 || p[-1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum(ch) && ch != '-')
			return 0;
		if (ch == '-' && label == 0)
			return 0;
		if (!isdigit(ch))
			all_numeric = 0;
		if (++label > 63)
			return 0;
	}
	if (p[-1] == '-')
		return 0;
	/* "1.2.3" or "300.1.1.1" are not names: bad addresses. */
	return !all_numeric;
}

int
cw_ntp_host_check(const char *host, struct cw_error *err)
{
	unsigned char addr[16];

	if (host == NULL || host[0] == '\0')
		return cw_error_set(err, CW_E_USAGE,
		    _("the NTP server is empty: enter a hostname or an IP address"));
	if (inet_pton(AF_INET, host, addr) == 1 ||
	    inet_pton(AF_INET6, host, addr) == 1)
		return 0;
	if (strlen(host) > CW_NTP_HOST_MAX) {
		cw_error_set(err, CW_E_USAGE,
		    _("the NTP server name is too long (%zu characters, at most %d)"),
		    strlen(host), CW_NTP_HOST_MAX);
		return -1;
	}
	if (hostname_ok(host))
		return 0;
	if (strchr(host, ':') != NULL) {
		cw_error_set(err, CW_E_USAGE, _("'%s' is not a valid IPv6 address"), host);
		return cw_error_hint(err, _("Write the address without brackets or port, e.g. 2001:db8::123."));
	}
	if (strspn(host, "0123456789.") == strlen(host)) {
		cw_error_set(err, CW_E_USAGE, _("'%s' is not a valid IPv4 address"), host);
		return cw_error_hint(err, _("Four numbers 0-255 separated by dots, e.g. 192.0.2.123."));
	}
	cw_error_set(err, CW_E_USAGE, _("'%s' is not a valid hostname"), host);
	return cw_error_hint(err, _("A hostname has labels of letters, digits and inner hyphens separated by dots, e.g. ntp1.example.com."));
}

int
cw_ntp_key_id_parse(const char *text, unsigned *out, struct cw_error *err)
{
	unsigned long v;
	char *end;

	if (text == NULL || text[0] == '\0')
		return cw_error_set(err, CW_E_USAGE,
		    _("the key ID is empty: enter a number from %d to %d"),
		    CW_NTP_KEY_ID_MIN, CW_NTP_KEY_ID_MAX);
	if (strspn(text, "0123456789") != strlen(text))
		return cw_error_set(err, CW_E_USAGE,
		    _("the key ID '%s' is not a number: enter a number from %d to %d"),
		    text, CW_NTP_KEY_ID_MIN, CW_NTP_KEY_ID_MAX);
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || v < CW_NTP_KEY_ID_MIN || v > CW_NTP_KEY_ID_MAX)
		return cw_error_set(err, CW_E_USAGE,
		    _("the key ID '%s' is out of range: enter a number from %d to %d"),
		    text, CW_NTP_KEY_ID_MIN, CW_NTP_KEY_ID_MAX);
	*out = (unsigned)v;
	return 0;
}

int
cw_ntp_alg_parse(const char *text, enum cw_ntp_alg *out, struct cw_error *err)
{
	for (int i = 0; i < CW_NTP_ALG__MAX; i++)
		if (text != NULL && strcasecmp(text, algs[i].name) == 0) {
			*out = (enum cw_ntp_alg)i;
			return 0;
		}
	return cw_error_set(err, CW_E_USAGE,
	    _("the authentication algorithm '%s' is not supported: choose MD5 or SHA1"),
	    text != NULL ? text : "");
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Too long for a text key, all hex digits: a hex key written without
 * "HEX:" (the vendor's UI asks for a SHA1 key as 40 hex digits; ntpd's
 * keys file writes every key longer than 20 characters so). */
static int
bare_hex(const char *text, size_t len)
{
	if (len <= CW_NTP_KEY_ASCII_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (hexval(text[i]) < 0)
			return 0;
	return 1;
}

int
cw_ntp_key_parse(const char *text, size_t len, struct cw_secret **out,
    struct cw_error *err)
{
	struct cw_secret *s = NULL;
	int rc = -1;

	*out = NULL;
	if ((s = cw_secret_new(CW_NTP_KEY_BYTES_MAX)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	/* No key byte ever goes into a message: only counts and positions. */
	if ((len >= 4 && strncasecmp(text, "HEX:", 4) == 0) || bare_hex(text, len)) {
		if (len >= 4 && strncasecmp(text, "HEX:", 4) == 0) {
			text += 4;
			len -= 4;
		}
		if (len == 0) {
			cw_error_set(err, CW_E_USAGE, _("the hexadecimal key is empty"));
			goto out;
		}
		if (len > CW_NTP_KEY_HEX_MAX) {
			cw_error_set(err, CW_E_USAGE,
			    _("the hexadecimal key is too long (%zu digits, at most %d)"),
			    len, CW_NTP_KEY_HEX_MAX);
			goto out;
		}
		if (len % 2 != 0) {
			cw_error_set(err, CW_E_USAGE,
			    _("the hexadecimal key has an odd number of digits (%zu)"), len);
			goto out;
		}
		for (size_t i = 0; i < len; i += 2) {
			int hi = hexval(text[i]), lo = hexval(text[i + 1]);
			unsigned char b;

			if (hi < 0 || lo < 0) {
				cw_error_set(err, CW_E_USAGE,
				    _("the hexadecimal key has a character that is not a hex digit at position %zu"),
				    (hi < 0 ? i : i + 1) + 1);
				goto out;
			}
			b = (unsigned char)(hi << 4 | lo);
			if (cw_secret_append(s, &b, 1, err) == -1)
				goto out;
			OPENSSL_cleanse(&b, sizeof(b));
		}
	} else {
		if (len >= 6 && strncasecmp(text, "ASCII:", 6) == 0) {
			text += 6;
			len -= 6;
		}
		if (len == 0) {
			cw_error_set(err, CW_E_USAGE, _("the key is empty"));
			goto out;
		}
		if (len > CW_NTP_KEY_ASCII_MAX) {
			cw_error_set(err, CW_E_USAGE,
			    _("the key is too long (%zu characters, at most %d; or up to %d hex digits written as HEX:...)"),
			    len, CW_NTP_KEY_ASCII_MAX, CW_NTP_KEY_HEX_MAX);
			goto out;
		}
		for (size_t i = 0; i < len; i++)
			if (!isgraph((unsigned char)text[i]) ||
			    (unsigned char)text[i] > 126) {
				cw_error_set(err, CW_E_USAGE,
				    _("the key has a blank or non-printable character at position %zu"),
				    i + 1);
				goto out;
			}
		if (cw_secret_append(s, text, len, err) == -1)
			goto out;
	}
	*out = s;
	s = NULL;
	rc = 0;
out:
	cw_secret_free(s);
	return rc;
}

int
cw_ntp_config_validate(const struct cw_ntp_config *c, struct cw_error *err)
{
	const struct cw_ntp_server *p = &c->server[CW_NTP_PRIMARY];
	const struct cw_ntp_server *s = &c->server[CW_NTP_SECONDARY];

	if (p->host[0] == '\0')
		return cw_error_set(err, CW_E_USAGE,
		    _("the primary NTP server is empty: enter a hostname or an IP address"));
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		const struct cw_ntp_server *v = &c->server[i];

		if (v->host[0] == '\0')
			continue;
		if (cw_ntp_host_check(v->host, err) == -1)
			return -1;
		if (v->auth >= CW_NTP_AUTH__MAX || v->alg >= CW_NTP_ALG__MAX)
			return cw_error_set(err, CW_E_USAGE,
			    _("the %s NTP server '%s' has an unknown authentication type"),
			    cw_ntp_role_label(i), v->host);
		if (v->auth != CW_NTP_AUTH_SYMKEY)
			continue;
		if (v->key_id < CW_NTP_KEY_ID_MIN || v->key_id > CW_NTP_KEY_ID_MAX)
			return cw_error_set(err, CW_E_USAGE,
			    _("the key ID %u of the %s NTP server is out of range: enter a number from %d to %d"),
			    v->key_id, cw_ntp_role_label(i), CW_NTP_KEY_ID_MIN, CW_NTP_KEY_ID_MAX);
		if (v->key == NULL || cw_secret_len(v->key) == 0)
			return cw_error_set(err, CW_E_USAGE,
			    _("the %s NTP server '%s' uses a symmetric key but no key was given"),
			    cw_ntp_role_label(i), v->host);
	}
	if (s->host[0] == '\0')
		return 0;
	if (strcasecmp(p->host, s->host) == 0)
		return cw_error_set(err, CW_E_USAGE,
		    _("the secondary NTP server '%s' is the same as the primary"), s->host);
	if (p->auth == CW_NTP_AUTH_SYMKEY && s->auth == CW_NTP_AUTH_SYMKEY &&
	    p->key_id == s->key_id &&
	    (p->alg != s->alg || !cw_secret_equal(p->key, s->key))) {
		cw_error_set(err, CW_E_USAGE,
		    _("both NTP servers use key ID %u but with different keys or algorithms"),
		    p->key_id);
		return cw_error_hint(err, _("One key ID names one key: use another key ID for the secondary server, or the same key."));
	}
	return 0;
}

int
cw_ntp_key_spec_split(const char *spec, unsigned *id, enum cw_ntp_alg *alg,
    const char **file, struct cw_error *err)
{
	const char *c1, *c2;
	char idt[16], algt[16];

	if ((c1 = strchr(spec, ':')) == NULL || (c2 = strchr(c1 + 1, ':')) == NULL ||
	    c2[1] == '\0') {
		cw_error_set(err, CW_E_USAGE, _("'%s' is not ID:ALG:KEYFILE"), spec);
		return cw_error_hint(err, _("For example 1:sha1:/root/ntp.key, the file holding the key (ASCII:text or HEX:digits)."));
	}
	snprintf(idt, sizeof(idt), "%.*s", (int)(c1 - spec), spec);
	snprintf(algt, sizeof(algt), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
	if ((size_t)(c1 - spec) >= sizeof(idt))
		snprintf(idt, sizeof(idt), "x");	/* too long: not a number */
	if (cw_ntp_key_id_parse(idt, id, err) == -1 ||
	    cw_ntp_alg_parse(algt, alg, err) == -1)
		return -1;
	*file = c2 + 1;
	return 0;
}

int
cw_ntp_key_read_file(const char *file, struct cw_secret **out,
    struct cw_error *err)
{
	struct cw_secret *text = NULL;
	int rc = -1;

	*out = NULL;
	if (cw_secret_read_file(file, CW_NTP_KEY_TEXT_MAX, 0, &text, err) == -1)
		return -1;
	if (cw_ntp_key_parse(cw_secret_data(text), cw_secret_len(text), out, err) == -1)
		cw_error_hint(err, _("Fix the key in '%s'; nothing was changed."), file);
	else
		rc = 0;
	cw_secret_free(text);
	return rc;
}
