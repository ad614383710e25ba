/* fuzz_est - what an EST server sends back (src/pki/est-parse.c,
 * est-attrs.c, the status path of est.c): base64 or binary bodies, PKCS#7
 * certs-only with the issued certificate found by the CSR's key, the media
 * type and transfer encoding, CSR attributes, and for a refusal the reason
 * phrase, the body excerpt and their classification.
 *
 * An input is one HTTP answer, as `curl -i` shows it, after a line naming
 * the request (cacerts, simpleenroll, simplereenroll or csrattrs):
 *
 *   simpleenroll
 *   HTTP/1.1 200 OK
 *   Content-Type: application/pkcs7-mime; smime-type=certs-only
 *
 *   MIIB...
 *
 * libcurl parses the status line and headers in certwiz; this harness
 * splits them simply and hands over what libcurl would (status, the
 * Content-Type and Content-Transfer-Encoding values, the header lines to
 * the header callback, the body).  The enrollment requests use the CSR
 * below, whose key the seeds' issued certificates carry
 * (tests/fuzz/mkcorpus.sh). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "pki/est-int.h"

static const char csr_pem[] =
    "-----BEGIN CERTIFICATE REQUEST-----\n"
    "MIHPMHYCAQAwFDESMBAGA1UEAwwJRlVaWi0wMDAxMFkwEwYHKoZIzj0CAQYIKoZI\n"
    "zj0DAQcDQgAEMTxxTSucL304Cu/G38SF/pkdpWfR2H4OLHCRoZGhQONQ5xk7nOSw\n"
    "m0CzHq3Bc6HK2EQwTvkmTdMVb+INGQgU5qAAMAoGCCqGSM49BAMCA0kAMEYCIQCu\n"
    "QXDGG3Qeou/FIKgFkGTZ25x1E6rwpWLxMqgCxb1kGgIhAJQedhVaDt9kvs/Muhr+\n"
    "la3fWxdXb0kZjKAPdVAxY/mX\n"
    "-----END CERTIFICATE REQUEST-----\n";

static X509_REQ *csr;
static struct cw_est *est;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct cw_est_opts opts = {
		.url = "https://127.0.0.1/.well-known/est",
		.trust = CW_EST_TRUST_SYSTEM,
	};

	if (cw_est_csr_load(csr_pem, sizeof(csr_pem) - 1, &csr, NULL) == -1 ||
	    cw_est_new(&opts, &est, NULL) == -1)
		abort();
	return 0;
}

/* The next line of [*p, end) without its CR LF; NULL at the end. */
static char *
next_line(char **p, char *end)
{
	char *line = *p, *nl;

	if (line >= end)
		return NULL;
	if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
		nl = end;
	*p = nl < end ? nl + 1 : end;
	if (nl > line && nl[-1] == '\r')
		nl--;
	*nl = '\0';
	return line;
}

/* The value of "Name: value" when line is that header, else NULL. */
static const char *
header(const char *line, const char *name)
{
	size_t n = strlen(name);

	if (strncasecmp(line, name, n) != 0 || line[n] != ':')
		return NULL;
	for (line += n + 1; *line == ' ' || *line == '\t'; line++)
		;
	return line;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cw_est_certs certs;
	struct cw_est_csrattrs attrs;
	struct cw_error err;
	const char *ctype = NULL, *cte = NULL, *v;
	char *buf = fuzz_strndup(data, size), *p = buf, *end = buf + size;
	char *head = fuzz_strndup(data, size), *op, *line, *hstart;
	long status = 0;

	if ((op = next_line(&p, end)) == NULL || (line = next_line(&p, end)) == NULL)
		goto out;
	/* The header block as received, for the header callback. */
	hstart = head + (line - buf);
	if (strncmp(line, "HTTP/", 5) == 0 && (v = strchr(line, ' ')) != NULL)
		status = strtol(v, NULL, 10);
	while ((line = next_line(&p, end)) != NULL && *line != '\0') {
		if ((v = header(line, "Content-Type")) != NULL)
			ctype = v;
		else if ((v = header(line, "Content-Transfer-Encoding")) != NULL)
			cte = v;
	}
	if (status != 200) {
		(void)cw_est_answer_error(est, op, status, hstart,
		    (size_t)(p - buf) - (size_t)(hstart - head), p, (size_t)(end - p),
		    strcmp(op, "simpleenroll") == 0, &err);
		goto out;
	}
	if (strcmp(op, "csrattrs") == 0) {
		if (cw_est_csrattrs_parse(p, (size_t)(end - p), &attrs, &err) == 0)
			cw_est_csrattrs_release(&attrs);
		goto out;
	}
	if (cw_est_certs_parse(op, ctype, cte, p, (size_t)(end - p),
	    strcmp(op, "cacerts") == 0 ? NULL : csr, &certs, &err) == 0) {
		/* What the enrollment flow relies on. */
		if (certs.count == 0 || certs.all_pem == NULL || certs.chain_pem == NULL)
			abort();
		cw_est_certs_release(&certs);
	}
out:
	free(buf);
	free(head);
	return 0;
}
