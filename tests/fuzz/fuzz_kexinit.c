/* fuzz_kexinit - the SSH server's KEXINIT that certwiz reads in clear to
 * explain a failed handshake (cw_scp_kexinit_explain in
 * src/sc3/scp-kexinit.c).  An input is the packet's payload (message 20,
 * cookie, the name-lists) as any server on the network may send it; the
 * packet framing around it is capped by cw_scp_explain_kex. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sc3/scp-int.h"

static struct cw_scp s;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	strcpy(s.host, "fuzz.example");
	s.fd = -1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cw_error err;

	memset(&err, 0, sizeof(err));
	(void)cw_scp_kexinit_explain(&s, data, size, &err);
	return 0;
}
