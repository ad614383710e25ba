/* fuzz_known_hosts - known_hosts lines (src/sc3/scp-hostkey.c, with
 * libssh2's parser of each line).  An input is a known_hosts file: the
 * admin's, or one an earlier run appended a server's key to.
 *
 * The lines go to libssh2 as certwiz hands them over
 * (cw_scp_known_hosts_feed), then the collection is asked what
 * cw_scp_hostkey_prefer_known and cw_scp_hostkey_check ask: which key
 * types it holds for a host, and whether a given key matches. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libssh2.h>

#include "fuzz.h"
#include "sc3/scp-int.h"

static LIBSSH2_SESSION *session;

/* No leak checking here: Debian 12's libssh2 1.10 leaks an HMAC_CTX each
 * time it matches a host against a hashed (|1|salt|hash) entry under
 * OpenSSL 3 (32 bytes per check, once per connection in certwiz; upstream
 * reworked it since, libssh2 PR 2244/2245) and a buffer for some malformed
 * hashed lines (libssh2 issue 1957).  Neither is ours to fix, and
 * certwiz's part of this path allocates nothing that could leak. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (libssh2_init(0) != 0 || (session = libssh2_session_init()) == NULL)
		abort();
	return 0;
}

static void
ask(LIBSSH2_KNOWNHOSTS *kh, const char *host, int port)
{
	static const int types[] = {
		LIBSSH2_KNOWNHOST_KEY_ED25519, LIBSSH2_KNOWNHOST_KEY_ECDSA_256,
		LIBSSH2_KNOWNHOST_KEY_SSHRSA, LIBSSH2_KNOWNHOST_KEY_SSHDSS,
	};
	struct libssh2_knownhost *entry;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		(void)libssh2_knownhost_checkp(kh, host, port, "x", 1,
		    LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW |
		    types[i], &entry);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	LIBSSH2_KNOWNHOSTS *kh;
	struct libssh2_knownhost *e = NULL;
	char fp[CW_SCP_FP_MAX];

	if ((kh = libssh2_knownhost_init(session)) == NULL)
		abort();
	(void)cw_scp_known_hosts_feed(kh, (const char *)data, size,
	    "AAAAC3NzaC1lZDI1NTE5AAAAIFuzzFuzzFuzzFuzzFuzzFuzzFuzzFuzzFuzzFuzzFuzz");
	ask(kh, "127.0.0.1", 22);
	ask(kh, "::1", 2222);
	ask(kh, "server.example", 22);
	/* Every entry's key, as the CHANGED message fingerprints it. */
	while (libssh2_knownhost_get(kh, &e, e) == 0)
		if (e->key != NULL)
			(void)cw_scp_fingerprint_format((const unsigned char *)e->key,
			    strlen(e->key), fp, sizeof(fp));
	libssh2_knownhost_free(kh);
	return 0;
}
