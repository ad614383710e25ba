/* est-int.h - what src/est.c (requests) and src/est-parse.c (bodies)
 * share.  Not for other modules: they use est.h. */
#ifndef CW_EST_INT_H
#define CW_EST_INT_H

#include <stddef.h>

#include <openssl/x509.h>

#include "core/error.h"
#include "pki/est.h"

#define MAX_RESPONSE	(1024 * 1024)	/* cap on an answer body */
#define MAX_CSR		(64 * 1024)

/* csr (PEM or DER, len bytes) into a new X509_REQ (caller frees). */
int cw_est_csr_load(const void *csr, size_t len, X509_REQ **out,
    struct cw_error *err);

/* The request body: base64 of the DER, 64 columns, CRLF.  Caller frees. */
int cw_est_csr_body(X509_REQ *req, char **body, size_t *len, struct cw_error *err);

/* A 200 answer (media type ctype, Content-Transfer-Encoding cte or NULL)
 * into certs; with csr, the certificate for its key first.  op names the
 * request in messages. */
int cw_est_certs_parse(const char *op, const char *ctype, const char *cte,
    const char *body, size_t len, X509_REQ *csr, struct cw_est_certs *certs,
    struct cw_error *err);

/* The status path of one non-200 answer without libcurl: head (the status
 * line and header lines, head_len bytes) and body are fed to the same
 * callbacks a request uses, then turned into the error as for op; otp:
 * the request carried the one-time password.  For the fuzz harness.
 * Returns -1. */
int cw_est_answer_error(struct cw_est *est, const char *op, long status,
    const char *head, size_t head_len, const char *body, size_t body_len,
    int otp, struct cw_error *err);

#endif
