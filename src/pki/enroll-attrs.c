/* enroll-attrs.c - the enrollment request's profile: what the EST
 * server's /csrattrs asks for (RFC 7030 4.5) against what this device can
 * fill, decided in the preflight (before the OTP is asked) and kept as
 * facts of the run, so a resumed run builds the same request:
 *
 *   csr_key     the key type ("ec-p384"); [enroll] key_type wins when set
 *   csr_hash    the signature hash ("sha384"), "" = SHA-256
 *   csr_serial  "yes": serialNumber = [device] serial in the subject
 *   csr_mac     macAddress of [device] mgmt_interface (auto: the default
 *               route's interface); csr_mac_ext "yes": also an extension
 *   csr_email   emailAddress = [device] contact_email
 *   csr_san     subjectAltName = [device] san
 *   csr_attrs   the one-line summary the confirmation and the log show
 *   pop_asked   "yes" when the server asks for tls-unique linking
 *
 * The tls-unique itself is not a fact: it belongs to one connection and
 * is put in when the request is signed on it (cw_enroll_csr_make). */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pki/cert.h"
#include "pki/enroll-int.h"
#include "pki/enroll.h"
#include "pki/est.h"
#include "core/i18n.h"

#define SYS_NET "/sys/class/net"

/* The management interface: configured, else the default route's, else
 * the first one that is not loopback. */
static int
mgmt_interface(const struct cw_cfg *cfg, char *ifname, size_t len)
{
	char line[512], name[64];
	unsigned long dest;
	FILE *f;
	DIR *d;
	struct dirent *de;

	if (cfg->mgmt_interface != NULL && cfg->mgmt_interface[0] != '\0') {
		snprintf(ifname, len, "%s", cfg->mgmt_interface);
		return 0;
	}
	if ((f = fopen("/proc/net/route", "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "%63s %lx", name, &dest) == 2 && dest == 0 &&
			    strcmp(name, "Iface") != 0) {
				fclose(f);
				snprintf(ifname, len, "%s", name);
				return 0;
			}
		fclose(f);
	}
	if ((d = opendir(SYS_NET)) == NULL)
		return -1;
	ifname[0] = '\0';
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && strcmp(de->d_name, "lo") != 0 &&
		    (ifname[0] == '\0' || strcmp(de->d_name, ifname) < 0))
			snprintf(ifname, len, "%.63s", de->d_name);
	closedir(d);
	return ifname[0] ? 0 : -1;
}

/* The interface's MAC address, "xx:xx:xx:xx:xx:xx" (lower case). */
static int
mac_address(const char *ifname, char *mac, size_t len)
{
	char path[256];
	FILE *f;
	size_t n;

	if (strchr(ifname, '/') != NULL ||
	    snprintf(path, sizeof(path), SYS_NET "/%s/address", ifname) >= (int)sizeof(path) ||
	    (f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(mac, (int)len, f) == NULL) {
		fclose(f);
		return -1;
	}
	fclose(f);
	n = strcspn(mac, "\r\n");
	mac[n] = '\0';
	if (n != 17 || strcmp(mac, "00:00:00:00:00:00") == 0)
		return -1;
	return 0;
}

/* What would supply an attribute, for the error. */
static const char *
config_key(enum cw_est_attr what)
{
	switch (what) {
	case CW_EST_ATTR_SERIAL:
	case CW_EST_ATTR_CN:
		return "[device] serial";
	case CW_EST_ATTR_MAC:
		return "[device] mgmt_interface";
	case CW_EST_ATTR_EMAIL:
		return "[device] contact_email";
	case CW_EST_ATTR_SAN:
		return "[device] san";
	default:
		return NULL;
	}
}

static int
cannot_fill(const struct cw_cfg *cfg, const struct cw_est_csrattr *at,
    const char *why, struct cw_error *err)
{
	const char *key = config_key(at->what);

	cw_error_set(err, CW_E_CSRATTRS,
	    _("the EST server asks for the CSR attribute %s (%s), which certwiz cannot fill"),
	    at->oid, at->name);
	if (why != NULL)
		cw_error_detail(err, "%s", why);
	if (key != NULL)
		return cw_error_hint(err, _("Set %s in '%s' and run the command again. The OTP was not asked for or used; nothing was changed."),
		    key, cfg->path ? cfg->path : cw_cfg_default_path());
	return cw_error_hint(err, _("No setting of certwiz supplies it: ask the operator of the certificate service to drop it from /csrattrs. The OTP was not asked for or used; nothing was changed."));
}

/* The key type the server asks for; -1 (with err) when certwiz has none. */
static int
wanted_key(const struct cw_cfg *cfg, const struct cw_est_csrattrs *a,
    enum cw_key_type *t, struct cw_error *err)
{
	*t = cfg->key_type;
	if (strcmp(a->key_alg, "ec") == 0) {
		if (a->curve[0] == '\0' || strcmp(a->curve, "prime256v1") == 0)
			*t = CW_KEY_EC_P256;
		else if (strcmp(a->curve, "secp384r1") == 0)
			*t = CW_KEY_EC_P384;
		else
			goto unsupported;
	} else if (strcmp(a->key_alg, "rsa") == 0) {
		switch (a->rsa_bits) {
		case 0:
			if (*t != CW_KEY_RSA_2048 && *t != CW_KEY_RSA_4096)
				*t = CW_KEY_RSA_3072;
			break;
		case 2048: *t = CW_KEY_RSA_2048; break;
		case 3072: *t = CW_KEY_RSA_3072; break;
		case 4096: *t = CW_KEY_RSA_4096; break;
		default: goto unsupported;
		}
	}
	return 0;
unsupported:
	if (cfg->key_type_set)
		return 0;	/* the configured one is used anyway */
	cw_error_set(err, CW_E_CSRATTRS,
	    _("the EST server asks for a %s key%s%s, which certwiz cannot make"),
	    a->key_alg, a->curve[0] ? " " : "", a->curve[0] ? a->curve : "");
	if (a->rsa_bits > 0)
		cw_error_detail(err, "RSA %d", a->rsa_bits);
	return cw_error_hint(err, _("Set [enroll] key_type in '%s' to a key the service accepts. The OTP was not asked for or used; nothing was changed."),
	    cfg->path ? cfg->path : cw_cfg_default_path());
}

static void
append(char *buf, size_t len, const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(buf);

	if (n + 2 < len && n > 0) {
		memcpy(buf + n, ", ", 3);
		n += 2;
	}
	if (n < len)
		snprintf(buf + n, len - n, fmt, a, b);
}

int
cw_enroll_profile(struct cw_flow *run, struct cw_enroll *e,
    const struct cw_est_csrattrs *a, const char *tls_version,
    struct cw_error *err)
{
	const struct cw_cfg *cfg = cw_flow_cfg(run);
	enum cw_key_type want, use;
	char summary[1024] = "", ifname[64] = "", mac[32] = "", note[512];
	int serial = 0, mac_ext = 0, email = 0, san = 0;

	if (wanted_key(cfg, a, &want, err) == -1)
		return -1;
	use = cfg->key_type_set ? cfg->key_type : want;
	if (a->key_alg[0] != '\0' && use != want) {
		/* TRANSLATORS: [enroll] key_type overrides the EST server's
		 * /csrattrs; both %s are key types such as ec-p384. */
		snprintf(note, sizeof(note), _("[enroll] key_type = %s is set: certwiz makes that key, although the EST server asks for %s."),
		    cw_cfg_key_type_name(use), cw_cfg_key_type_name(want));
		if (e != NULL)	/* a renewal has no one to tell: the log says it */
			e->ops->notice(e->ops->ctx, note);
		cw_log_msg(cw_flow_log(run), CW_LOG_WARNING,
		    "[enroll] key_type = %s overrides the server's request for %s",
		    cw_cfg_key_type_name(use), cw_cfg_key_type_name(want));
	}
	for (size_t i = 0; i < a->nattrs; i++) {
		const struct cw_est_csrattr *at = &a->attrs[i];

		switch (at->what) {
		case CW_EST_ATTR_CN:
			break;
		case CW_EST_ATTR_SERIAL:
			serial = 1;
			break;
		case CW_EST_ATTR_MAC:
			if (mgmt_interface(cfg, ifname, sizeof(ifname)) == -1)
				return cannot_fill(cfg, at, NULL, err);
			if (mac_address(ifname, mac, sizeof(mac)) == -1)
				return cannot_fill(cfg, at, ifname, err);
			mac_ext |= at->in_extension;
			break;
		case CW_EST_ATTR_EMAIL:
			if (cfg->contact_email == NULL || cfg->contact_email[0] == '\0')
				return cannot_fill(cfg, at, NULL, err);
			email = 1;
			break;
		case CW_EST_ATTR_SAN:
			if (cfg->san == NULL || cfg->san[0] == '\0')
				return cannot_fill(cfg, at, NULL, err);
			san = 1;
			break;
		default:
			return cannot_fill(cfg, at, NULL, err);
		}
	}
	if (cfg->san != NULL && cfg->san[0] != '\0')
		san = 1;	/* configured: always asked for */
	if (a->pop && strcmp(tls_version, "TLSv1.3") == 0) {
		cw_error_set(err, CW_E_POP,
		    _("the EST server asks for proof-of-possession linking (tls-unique in the request), which TLS 1.3 does not have"));
		return cw_error_hint(err, _("Set [enroll] pop_linking = required in '%s': certwiz then talks TLS 1.2 to this service. The OTP was not asked for or used; nothing was changed."),
		    cfg->path ? cfg->path : cw_cfg_default_path());
	}
	append(summary, sizeof(summary), "%s%s", cw_cfg_key_type_name(use), "");
	append(summary, sizeof(summary), "%s%s", a->hash[0] ? a->hash : "sha256", "");
	if (serial)
		append(summary, sizeof(summary), "serialNumber=%s%s", cfg->device_serial, "");
	if (mac[0])
		append(summary, sizeof(summary), "macAddress=%s (%s)", mac, ifname);
	if (email)
		append(summary, sizeof(summary), "emailAddress=%s%s", cfg->contact_email, "");
	if (san)
		append(summary, sizeof(summary), "subjectAltName=%s%s", cfg->san, "");
	if (cw_flow_set_fact(run, "csrattrs", a->offered ? "offered" : "none", err) == -1 ||
	    cw_flow_set_fact(run, "csr_key", cw_cfg_key_type_name(use), err) == -1 ||
	    cw_flow_set_fact(run, "csr_hash", a->hash, err) == -1 ||
	    cw_flow_set_fact(run, "csr_serial", serial ? "yes" : "", err) == -1 ||
	    cw_flow_set_fact(run, "csr_mac", mac, err) == -1 ||
	    cw_flow_set_fact(run, "csr_mac_ext", mac_ext ? "yes" : "", err) == -1 ||
	    cw_flow_set_fact(run, "csr_email", email ? cfg->contact_email : "", err) == -1 ||
	    cw_flow_set_fact(run, "csr_san", san ? cfg->san : "", err) == -1 ||
	    cw_flow_set_fact(run, "csr_attrs", summary, err) == -1 ||
	    cw_flow_set_fact(run, "pop_asked", a->pop ? "yes" : "no", err) == -1 ||
	    cw_flow_set_fact(run, "tls", tls_version, err) == -1)
		return -1;
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO,
	    "request profile (/csrattrs %s%s): %s", a->offered ? "offered" : "none",
	    a->pop ? ", linking asked" : "", summary);
	return 0;
}

static const char *
fact(struct cw_flow *run, const char *key)
{
	const char *v = cw_flow_fact(run, key);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

enum cw_key_type
cw_enroll_key_type(struct cw_flow *run)
{
	const char *v = fact(run, "csr_key");

	for (int t = 0; v != NULL && t < CW_KEY__MAX; t++)
		if (strcmp(v, cw_cfg_key_type_name((enum cw_key_type)t)) == 0)
			return (enum cw_key_type)t;
	return cw_flow_cfg(run)->key_type;
}

int
cw_enroll_csr_make(struct cw_flow *run, const struct cw_cert_key *key,
    const char *tls_unique, char **pem, struct cw_error *err)
{
	const struct cw_cfg *cfg = cw_flow_cfg(run);
	struct cw_cert_csr_opts o;

	memset(&o, 0, sizeof(o));
	o.hash = fact(run, "csr_hash");
	o.subject_serial = fact(run, "csr_serial") != NULL;
	o.mac = fact(run, "csr_mac");
	o.mac_extension = fact(run, "csr_mac_ext") != NULL;
	o.email = fact(run, "csr_email");
	o.san = fact(run, "csr_san");
	o.challenge = tls_unique;
	if (cw_cert_csr_build_ex(key, cfg->device_serial, &o, pem, NULL, NULL, err) == -1)
		return o.san != NULL ? cw_error_hint(err, _("Check [device] san = '%s' (e.g. DNS:host.example.com,IP:192.0.2.1). The OTP was not used; nothing was changed."),
		    o.san) : -1;
	return 0;
}
