/* cert-int.h - helpers shared by the cert-*.c files only (not part of the
 * cert module's interface). */
#ifndef CW_CERT_INT_H
#define CW_CERT_INT_H

#include <openssl/x509.h>

#include "pki/cert.h"

/* Every PEM certificate in [pem, pem + len), in order.  An empty or blank
 * buffer gives an empty stack.  NULL (with err set) when the text holds
 * something that is not a PEM certificate.  Caller frees with
 * OSSL_STACK_OF_X509_free / sk_X509_pop_free(s, X509_free). */
STACK_OF(X509) *cw_cert_pem_certs(const char *pem, size_t len,
    const char *what, struct cw_error *err);

/* leaf + untrusted chain against the trust anchor PEM file.  With
 * check_time, at time now; without, validity periods are ignored.
 * Returns 0, or -1 with *problem CW_CERT_UNTRUSTED or CW_CERT_NO_ANCHOR. */
int cw_cert_chain_check(X509 *leaf, STACK_OF(X509) *chain,
    const char *trust_anchor, int check_time, time_t now,
    enum cw_cert_problem *problem, struct cw_error *err);

/* The subject CN (UTF-8) into buf; -1 when there is not exactly one. */
int cw_cert_subject_cn(X509 *x, char *buf, size_t len);

/* ASN1_TIME to time_t; -1 on a bad value. */
int cw_cert_asn1_time(const ASN1_TIME *t, time_t *out);

#endif
