/* enroll-int.h - the enrollment steps the renewal flow reuses (renew.c):
 * key and request in the run's stage dir, the check of the staged answer,
 * the atomic install and the post-install command.  Internal to
 * enroll.c and renew.c. */
#ifndef CW_ENROLL_INT_H
#define CW_ENROLL_INT_H

#include "pki/cert.h"
#include "pki/enroll.h"
#include "pki/est.h"
#include "core/flow.h"

cw_flow_step_fn cw_enroll_step_key, cw_enroll_step_csr, cw_enroll_step_verify,
    cw_enroll_step_install, cw_enroll_step_post_install;
cw_flow_check_fn cw_enroll_check_key, cw_enroll_check_csr, cw_enroll_check_staged;

/* Reads the staged request (caller frees *csr). */
/* cw_est_sign_fn for a run (ctx): the request signed with the run's
 * staged key, carrying tls_unique when there is one. */
int cw_enroll_sign_for_connection(void *ctx, const char *tls_unique,
    char **csr, size_t *len, struct cw_error *err);
int cw_enroll_read_csr(struct cw_flow *run, char **csr, size_t *len,
    struct cw_error *err);

/* Stages an answer (chain, then certificate) and sets the cert_sha256 fact. */
int cw_enroll_stage_answer(struct cw_flow *run, const struct cw_est_certs *certs,
    struct cw_error *err);

/* No trust anchor installed: bootstrap it from /cacerts with the admin's
 * confirmation (enroll-anchor.c). */
int cw_enroll_bootstrap_anchor(struct cw_flow *run, struct cw_enroll *e,
    struct cw_error *err);

/* ---- the request profile (enroll-attrs.c) */

/* Preflight: what the server's /csrattrs asks for (a may be empty),
 * against what this device can fill, into the run's facts (csr_key,
 * csr_hash, csr_attrs, csr_serial, csr_mac, csr_email, csr_san...).
 * tls_version: of the preflight's verified connection.  A requested
 * attribute certwiz cannot fill fails with CW_E_CSRATTRS naming its OID,
 * its name and the config key that would supply it; linking asked over
 * TLS 1.3 fails with CW_E_POP.  Notices (key_type wins) go to e. */
int cw_enroll_profile(struct cw_flow *run, struct cw_enroll *e,
    const struct cw_est_csrattrs *a, const char *tls_version,
    struct cw_error *err);

/* The key type the run's profile asks for (cfg's when none). */
enum cw_key_type cw_enroll_key_type(struct cw_flow *run);

/* The request for key by the run's profile; tls_unique (base64) goes into
 * challengePassword when not NULL.  *pem is new (caller frees). */
int cw_enroll_csr_make(struct cw_flow *run, const struct cw_cert_key *key,
    const char *tls_unique, char **pem, struct cw_error *err);

#endif
