/* est-attrs.c - the /csrattrs answer (RFC 7030 section 4.5.2) and the
 * classification of a refusal.  Pure functions on plain buffers: no I/O
 * (the fuzz harnesses call them directly).
 *
 * CsrAttrs ::= SEQUENCE SIZE (0..MAX) OF AttrOrOID
 * AttrOrOID ::= CHOICE { oid OBJECT IDENTIFIER, attribute Attribute }
 *
 * decoded by OpenSSL's ASN.1 templates (d2i), never by hand.  What each
 * entry means for the request:
 *   challengePassword                  tls-unique linking asked (pop)
 *   id-ecPublicKey {curve}, a curve    key type and curve
 *   rsaEncryption {INTEGER}            RSA and its size
 *   a hash or signature algorithm      the CSR's signature hash
 *   extensionRequest {OID...}          each OID: an extension to fill
 *   any other OID or attribute         an attribute to fill (or refuse) */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/asn1t.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pki/est-int.h"
#include "pki/est.h"
#include "core/i18n.h"

#define MAX_CSRATTRS	(64 * 1024)
#define MAX_ATTRS	64
#define OID_MAC		"1.3.6.1.1.1.1.22"

typedef struct {
	int type;
	union {
		ASN1_OBJECT *oid;
		X509_ATTRIBUTE *attribute;
	} d;
} CW_ATTR_OR_OID;

DEFINE_STACK_OF(CW_ATTR_OR_OID)
typedef STACK_OF(CW_ATTR_OR_OID) CW_CSR_ATTRS;

ASN1_CHOICE(CW_ATTR_OR_OID) = {
	ASN1_SIMPLE(CW_ATTR_OR_OID, d.oid, ASN1_OBJECT),
	ASN1_SIMPLE(CW_ATTR_OR_OID, d.attribute, X509_ATTRIBUTE),
} ASN1_CHOICE_END(CW_ATTR_OR_OID)

ASN1_ITEM_TEMPLATE(CW_CSR_ATTRS) =
	ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SEQUENCE_OF, 0, CsrAttrs, CW_ATTR_OR_OID)
ASN1_ITEM_TEMPLATE_END(CW_CSR_ATTRS)

DECLARE_ASN1_FUNCTIONS(CW_CSR_ATTRS)
IMPLEMENT_ASN1_FUNCTIONS(CW_CSR_ATTRS)

void
cw_est_csrattrs_release(struct cw_est_csrattrs *a)
{
	if (a == NULL)
		return;
	free(a->attrs);
	memset(a, 0, sizeof(*a));
}

static void
set_hash(struct cw_est_csrattrs *a, int nid)
{
	const char *h = NULL;

	switch (nid) {
	case NID_sha256: case NID_ecdsa_with_SHA256: case NID_sha256WithRSAEncryption:
		h = "sha256";
		break;
	case NID_sha384: case NID_ecdsa_with_SHA384: case NID_sha384WithRSAEncryption:
		h = "sha384";
		break;
	case NID_sha512: case NID_ecdsa_with_SHA512: case NID_sha512WithRSAEncryption:
		h = "sha512";
		break;
	default:
		return;
	}
	snprintf(a->hash, sizeof(a->hash), "%s", h);
}

static int
is_hash(int nid)
{
	switch (nid) {
	case NID_sha256: case NID_ecdsa_with_SHA256: case NID_sha256WithRSAEncryption:
	case NID_sha384: case NID_ecdsa_with_SHA384: case NID_sha384WithRSAEncryption:
	case NID_sha512: case NID_ecdsa_with_SHA512: case NID_sha512WithRSAEncryption:
		return 1;
	default:
		return 0;
	}
}

static int
is_curve(int nid)
{
	switch (nid) {
	case NID_X9_62_prime256v1: case NID_secp384r1: case NID_secp521r1:
		return 1;
	default:
		return 0;
	}
}

/* An attribute (or OID) the CSR must carry. */
static int
add_fill(struct cw_est_csrattrs *a, const ASN1_OBJECT *obj, int in_ext,
    struct cw_error *err)
{
	struct cw_est_csrattr *e, *p;
	char oid[64];
	int nid = OBJ_obj2nid(obj);

	if (OBJ_obj2txt(oid, sizeof(oid), obj, 1) <= 0)
		return cw_error_set(err, CW_E_PROTO,
		    _("the EST server's CSR attributes hold an unreadable object identifier"));
	for (size_t i = 0; i < a->nattrs; i++)
		if (strcmp(a->attrs[i].oid, oid) == 0)
			return 0;
	if (a->nattrs >= MAX_ATTRS)
		return cw_error_set(err, CW_E_PROTO,
		    _("the EST server asks for more than %d CSR attributes"), MAX_ATTRS);
	if ((p = realloc(a->attrs, (a->nattrs + 1) * sizeof(*p))) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	a->attrs = p;
	e = &a->attrs[a->nattrs++];
	memset(e, 0, sizeof(*e));
	snprintf(e->oid, sizeof(e->oid), "%s", oid);
	e->in_extension = in_ext;
	if (strcmp(oid, OID_MAC) == 0)
		snprintf(e->name, sizeof(e->name), "macAddress");
	else if (OBJ_obj2txt(e->name, sizeof(e->name), obj, 0) <= 0)
		snprintf(e->name, sizeof(e->name), "%s", oid);
	if (strcmp(oid, OID_MAC) == 0)
		e->what = CW_EST_ATTR_MAC;
	else if (nid == NID_serialNumber)
		e->what = CW_EST_ATTR_SERIAL;
	else if (nid == NID_commonName)
		e->what = CW_EST_ATTR_CN;
	else if (nid == NID_pkcs9_emailAddress)
		e->what = CW_EST_ATTR_EMAIL;
	else if (nid == NID_subject_alt_name)
		e->what = CW_EST_ATTR_SAN;
	else
		e->what = CW_EST_ATTR_UNKNOWN;
	return 0;
}

/* An OID alone, or an attribute's type with its values. */
static int
take_oid(struct cw_est_csrattrs *a, const ASN1_OBJECT *obj, int in_ext,
    struct cw_error *err)
{
	int nid = OBJ_obj2nid(obj);

	if (nid == NID_pkcs9_challengePassword) {
		a->pop = 1;
	} else if (nid == NID_X9_62_id_ecPublicKey) {
		snprintf(a->key_alg, sizeof(a->key_alg), "ec");
	} else if (nid == NID_rsaEncryption) {
		snprintf(a->key_alg, sizeof(a->key_alg), "rsa");
	} else if (is_curve(nid)) {
		snprintf(a->key_alg, sizeof(a->key_alg), "ec");
		snprintf(a->curve, sizeof(a->curve), "%s", OBJ_nid2sn(nid));
	} else if (is_hash(nid)) {
		set_hash(a, nid);
	} else {
		return add_fill(a, obj, in_ext, err);
	}
	return 0;
}

static int
take_attribute(struct cw_est_csrattrs *a, X509_ATTRIBUTE *attr,
    struct cw_error *err)
{
	const ASN1_OBJECT *obj = X509_ATTRIBUTE_get0_object(attr);
	int nid = OBJ_obj2nid(obj), n = X509_ATTRIBUTE_count(attr);

	if (nid == NID_ext_req) {
		for (int i = 0; i < n; i++) {
			ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(attr, i);

			if (t == NULL)
				continue;
			if (t->type == V_ASN1_OBJECT) {
				if (take_oid(a, t->value.object, 1, err) == -1)
					return -1;
			} else if (t->type == V_ASN1_SEQUENCE) {
				/* Extensions with values (a template): their types. */
				const unsigned char *p = t->value.sequence->data;
				STACK_OF(X509_EXTENSION) *exts = d2i_X509_EXTENSIONS(NULL, &p,
				    t->value.sequence->length);

				for (int j = 0; exts != NULL && j < sk_X509_EXTENSION_num(exts); j++)
					if (add_fill(a, X509_EXTENSION_get_object(
					    sk_X509_EXTENSION_value(exts, j)), 1, err) == -1) {
						sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
						return -1;
					}
				sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
			}
		}
		return 0;
	}
	if (nid == NID_X9_62_id_ecPublicKey) {
		snprintf(a->key_alg, sizeof(a->key_alg), "ec");
		for (int i = 0; i < n; i++) {
			ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(attr, i);

			if (t != NULL && t->type == V_ASN1_OBJECT)
				snprintf(a->curve, sizeof(a->curve), "%s",
				    OBJ_nid2sn(OBJ_obj2nid(t->value.object)) ?
				    OBJ_nid2sn(OBJ_obj2nid(t->value.object)) : "?");
		}
		return 0;
	}
	if (nid == NID_rsaEncryption) {
		snprintf(a->key_alg, sizeof(a->key_alg), "rsa");
		for (int i = 0; i < n; i++) {
			ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(attr, i);
			long bits;

			if (t != NULL && t->type == V_ASN1_INTEGER &&
			    (bits = ASN1_INTEGER_get(t->value.integer)) > 0 && bits <= 16384)
				a->rsa_bits = (int)bits;
		}
		return 0;
	}
	return take_oid(a, obj, 0, err);
}

/* base64 (any blanks) into DER. */
static int
unbase64(const char *in, size_t len, unsigned char **der, size_t *derlen,
    struct cw_error *err)
{
	char *clean = NULL;
	unsigned char *out = NULL;
	size_t n = 0;
	int m;

	*der = NULL;
	*derlen = 0;
	if ((clean = malloc(len + 1)) == NULL || (out = malloc(len / 4 * 3 + 3)) == NULL) {
		free(clean);
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	for (size_t i = 0; i < len; i++)
		if (!isspace((unsigned char)in[i]))
			clean[n++] = in[i];
	clean[n] = '\0';
	if (n == 0) {
		free(clean);
		*der = out;
		return 0;
	}
	if (n % 4 != 0 || (m = EVP_DecodeBlock(out, (unsigned char *)clean, (int)n)) < 0) {
		free(clean);
		free(out);
		return cw_error_set(err, CW_E_PROTO,
		    _("the EST server's CSR attributes are not base64"));
	}
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	if (clean[n - 1] == '=')
		m--;
	if (clean[n - 2] == '=')
		m--;
	free(clean);
	*der = out;
	*derlen = (size_t)m;
	return 0;
}

int
cw_est_csrattrs_parse(const void *body, size_t len, struct cw_est_csrattrs *out,
    struct cw_error *err)
{
	CW_CSR_ATTRS *list = NULL;
	unsigned char *der = NULL;
	const unsigned char *p;
	size_t derlen = 0;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (len > MAX_CSRATTRS)
		return cw_error_set(err, CW_E_PROTO,
		    _("the EST server's CSR attributes are larger than %d bytes"), MAX_CSRATTRS);
	if (unbase64(body, len, &der, &derlen, err) == -1)
		return -1;
	if (derlen == 0) {
		ret = 0;
		goto out;
	}
	p = der;
	if ((list = d2i_CW_CSR_ATTRS(NULL, &p, (long)derlen)) == NULL ||
	    p != der + derlen) {
		cw_error_set(err, CW_E_PROTO,
		    _("the EST server's CSR attributes are not a valid CsrAttrs list"));
		cw_error_openssl(err);
		goto out;
	}
	for (int i = 0; i < sk_CW_ATTR_OR_OID_num(list); i++) {
		CW_ATTR_OR_OID *e = sk_CW_ATTR_OR_OID_value(list, i);

		if ((e->type == 0 ? take_oid(out, e->d.oid, 0, err) :
		    take_attribute(out, e->d.attribute, err)) == -1)
			goto out;
	}
	out->offered = sk_CW_ATTR_OR_OID_num(list) > 0;
	ret = 0;
out:
	CW_CSR_ATTRS_free(list);
	free(der);
	if (ret == -1)
		cw_est_csrattrs_release(out);
	return ret;
}

/* ---- refusals */

static int
says(const char *text, size_t len, const char *const *words)
{
	for (const char *const *w = words; *w != NULL; w++) {
		size_t n = strlen(*w);

		for (size_t i = 0; text != NULL && n <= len && i + n <= len; i++)
			if (strncasecmp(text + i, *w, n) == 0)
				return 1;
	}
	return 0;
}

enum cw_est_refusal
cw_est_refusal_classify(long status, const char *reason, const char *body,
    size_t len)
{
	static const char *const pop[] = { "possession", "tls-unique", "tls unique",
	    "channel binding", "linking", "challengepassword", "challenge password",
	    "popo", NULL };
	static const char *const attrs[] = { "csr attribute", "csrattrs",
	    "attribute missing", "missing attribute", "attributes missing",
	    "required attribute", NULL };
	static const char *const policy[] = { "policy", "not permitted",
	    "not allowed", "prohibited", "denied by", "rejected by", NULL };
	size_t rlen = reason ? strlen(reason) : 0;

	if (status < 400 || status >= 600)
		return CW_EST_REFUSED_OTHER;
	if (says(reason, rlen, pop) || says(body, len, pop))
		return CW_EST_REFUSED_POP;
	if (says(reason, rlen, attrs) || says(body, len, attrs))
		return CW_EST_REFUSED_CSRATTRS;
	if (says(reason, rlen, policy) || says(body, len, policy))
		return CW_EST_REFUSED_POLICY;
	if (status == 401 || status == 403)
		return CW_EST_REFUSED_AUTH;
	return CW_EST_REFUSED_OTHER;
}
