/* enroll-int.h - the enrollment steps the renewal flow reuses (renew.c):
 * key and request in the run's stage dir, the check of the staged answer,
 * the atomic install and the post-install command.  Internal to
 * enroll.c and renew.c. */
#ifndef CW_ENROLL_INT_H
#define CW_ENROLL_INT_H

#include "pki/est.h"
#include "core/flow.h"

cw_flow_step_fn cw_enroll_step_key, cw_enroll_step_csr, cw_enroll_step_verify,
    cw_enroll_step_install, cw_enroll_step_post_install;
cw_flow_check_fn cw_enroll_check_key, cw_enroll_check_csr, cw_enroll_check_staged;

/* Reads the staged request (caller frees *csr). */
int cw_enroll_read_csr(struct cw_flow *run, char **csr, size_t *len,
    struct cw_error *err);

/* Stages an answer (chain, then certificate) and sets the cert_sha256 fact. */
int cw_enroll_stage_answer(struct cw_flow *run, const struct cw_est_certs *certs,
    struct cw_error *err);

#endif
