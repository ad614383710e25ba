/* enroll-anchor.c - the trust bootstrap of an enrollment: no trust anchor
 * is installed yet, so /cacerts is fetched without server authentication.
 *
 *   GET /cacerts (unauthenticated) ─► every certificate shown (subject,
 *   issuer, SHA-256) ─► the admin confirms ONE root (self-signed) ─►
 *   staged: that root + the CA certificates that chain to it ─► a NEW
 *   TLS connection (own handle, no session resumed, verified against the
 *   staged anchor alone) must reach the service ─► installed as
 *   [enroll] trust_anchor
 *
 * Invariants: another self-signed certificate is never part of the
 * anchor; a service whose TLS certificate does not chain to the confirmed
 * root gets no further request (no OTP) and nothing is installed. */
#include "config.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "pki/cert-int.h"
#include "pki/enroll.h"
#include "pki/enroll-int.h"
#include "pki/est.h"
#include "core/fileio.h"
#include "core/i18n.h"

#define STAGE_ANCHOR "trust-anchor.pem"
#define STAGE_ROOT "confirmed-root.pem"

/* Does the CA certificate pem chain to the root in root_path, with the
 * other intermediates of the answer as untrusted helpers? */
static int
chains_to(const struct cw_est_certs *certs, size_t i, const char *root_path)
{
	STACK_OF(X509) *leaf = NULL, *untrusted = NULL;
	enum cw_cert_problem problem = CW_CERT_OK;
	int yes = 0;

	if ((leaf = cw_cert_pem_certs(certs->certs[i].pem, strlen(certs->certs[i].pem),
	    "cacerts", NULL)) == NULL || sk_X509_num(leaf) != 1 ||
	    (untrusted = sk_X509_new_null()) == NULL)
		goto out;
	for (size_t j = 0; j < certs->count; j++) {
		STACK_OF(X509) *one;

		if (j == i || certs->certs[j].self_signed || !certs->certs[j].is_ca)
			continue;
		if ((one = cw_cert_pem_certs(certs->certs[j].pem,
		    strlen(certs->certs[j].pem), "cacerts", NULL)) == NULL)
			continue;
		while (sk_X509_num(one) > 0)
			sk_X509_push(untrusted, sk_X509_shift(one));
		sk_X509_pop_free(one, X509_free);
	}
	yes = cw_cert_chain_check(sk_X509_value(leaf, 0), untrusted, root_path, 0, 0,
	    &problem, NULL) == 0;
out:
	sk_X509_pop_free(leaf, X509_free);
	sk_X509_pop_free(untrusted, X509_free);
	return yes;
}

static int
stage_file(struct cw_flow *run, const char *name, const char *text, char *path,
    size_t len, struct cw_error *err)
{
	if (snprintf(path, len, "%s/%s", cw_flow_stage_dir(run), name) >= (int)len)
		return cw_error_set(err, CW_E_IO, _("path too long: '%s/%s'"),
		    cw_flow_stage_dir(run), name);
	return cw_file_install(path, text, strlen(text), 0644, 0, err);
}

int
cw_enroll_bootstrap_anchor(struct cw_flow *run, struct cw_enroll *e,
    struct cw_error *err)
{
	const struct cw_cfg *cfg = cw_flow_cfg(run);
	struct cw_est_opts o;
	struct cw_est *est = NULL, *check = NULL;
	struct cw_est_certs certs = { 0 }, again = { 0 };
	char root_path[4096] = "", anchor_path[4096], dir[4096];
	char *anchor = NULL;
	size_t chosen = (size_t)-1, len = 0, n_inter = 0;
	int rc = -1;

	cw_est_opts_init(&o, cfg);
	o.trust = CW_EST_TRUST_NONE_BOOTSTRAP;
	if (cw_est_new(&o, &est, err) == -1 || cw_est_cacerts(est, &certs, err) == -1)
		goto out;
	cw_est_free(est);	/* its connection, and anything of it, goes */
	est = NULL;
	if (certs.count == 0) {
		cw_error_set(err, CW_E_PROTO, _("the enrollment service sent no CA certificate"));
		goto out;
	}
	for (size_t i = 0; i < certs.count; i++)
		cw_log_msg(cw_flow_log(run), CW_LOG_INFO,
		    "no trust anchor at '%s': /cacerts certificate %zu/%zu \"%s\" issued by \"%s\" SHA-256 %s%s",
		    cfg->trust_anchor, i + 1, certs.count, certs.certs[i].subject,
		    certs.certs[i].issuer, certs.certs[i].fingerprint,
		    certs.certs[i].self_signed ? " (root)" : "");
	if (e->ops->confirm_ca(e->ops->ctx, certs.certs, certs.count, &chosen, err) == -1)
		goto out;
	if (chosen >= certs.count) {
		cw_error_set(err, CW_E_CANCELLED,
		    _("the CA of the enrollment service was not trusted"));
		cw_error_hint(err,
		    _("Compare its SHA-256 fingerprint with the one your support portal shows, or install the CA as '%s'. Nothing was changed; no OTP was used."),
		    cfg->trust_anchor);
		goto out;
	}
	if (!certs.certs[chosen].self_signed || !certs.certs[chosen].is_ca) {
		cw_error_set(err, CW_E_CRYPTO,
		    _("the confirmed certificate \"%s\" is not a root CA (self-signed): it cannot be the trust anchor"),
		    certs.certs[chosen].subject);
		cw_error_detail(err, "SHA-256 %s", certs.certs[chosen].fingerprint);
		cw_error_hint(err, _("Confirm the root CA's fingerprint from your support portal. Nothing was changed; no OTP was used."));
		goto out;
	}
	/* The root alone first, to find the intermediates that chain to it. */
	if (stage_file(run, STAGE_ROOT, certs.certs[chosen].pem, root_path,
	    sizeof(root_path), err) == -1)
		goto out;
	len = strlen(certs.certs[chosen].pem) + 1;
	for (size_t i = 0; i < certs.count; i++)
		len += strlen(certs.certs[i].pem);
	if ((anchor = malloc(len)) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	snprintf(anchor, len, "%s", certs.certs[chosen].pem);
	for (size_t i = 0; i < certs.count; i++) {
		if (i == chosen)
			continue;
		/* Never a second root; only CA certificates under ours. */
		if (certs.certs[i].self_signed || !certs.certs[i].is_ca ||
		    !chains_to(&certs, i, root_path)) {
			cw_log_msg(cw_flow_log(run), CW_LOG_WARNING,
			    "not trusted: /cacerts certificate \"%s\" SHA-256 %s (%s)",
			    certs.certs[i].subject, certs.certs[i].fingerprint,
			    certs.certs[i].self_signed ? "another root" :
			    "does not chain to the confirmed root");
			continue;
		}
		strcat(anchor, certs.certs[i].pem);
		n_inter++;
	}
	if (stage_file(run, STAGE_ANCHOR, anchor, anchor_path, sizeof(anchor_path), err) == -1)
		goto out;
	/* A new handshake, on a new handle, against the staged anchor alone:
	 * the service must prove it belongs to the confirmed root before any
	 * request with a credential goes to it. */
	cw_est_opts_init(&o, cfg);
	o.trust = CW_EST_TRUST_ANCHOR;
	o.trust_anchor = anchor_path;
	if (cw_est_new(&o, &check, err) == -1)
		goto out;
	if (cw_est_cacerts(check, &again, err) == -1) {
		if (err != NULL && err->code == CW_E_TLS) {
			char detail[CW_ERR_DETAIL_MAX];

			snprintf(detail, sizeof(detail), "%s", err->detail);
			cw_error_set(err, CW_E_TLS,
			    _("the enrollment service's TLS certificate does not chain to the confirmed root CA \"%s\""),
			    certs.certs[chosen].subject);
			cw_error_detail(err, "%s", detail);
			cw_error_hint(err, _("Someone may be between this appliance and the service, or the service uses another CA. Nothing was installed; no OTP was used."));
		}
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s", cfg->trust_anchor);
	if (cw_file_mkdirs(dirname(dir), 0755, err) == -1 ||
	    cw_file_install(cfg->trust_anchor, anchor, strlen(anchor), 0644, 0, err) == -1 ||
	    cw_flow_set_fact(run, "anchor_sha256", certs.certs[chosen].fingerprint, err) == -1)
		goto out;
	cw_log_msg(cw_flow_log(run), CW_LOG_INFO,
	    "trust anchor installed: '%s' (root \"%s\" SHA-256 %s, %zu intermediate(s)); the service's TLS certificate chains to it",
	    cfg->trust_anchor, certs.certs[chosen].subject,
	    certs.certs[chosen].fingerprint, n_inter);
	rc = 0;
out:
	if (root_path[0] != '\0')
		(void)unlink(root_path);
	free(anchor);
	cw_est_certs_release(&certs);
	cw_est_certs_release(&again);
	cw_est_free(est);
	cw_est_free(check);
	return rc;
}
