/* fuzz_known_hosts - known_hosts lines (src/sc3/scp-hostkey.c, with
 * libssh's parser of each line).  An input is a known_hosts file: the
 * admin's, or one an earlier run appended a server's key to.
 *
 * The file goes through cw_scp_known_hosts_scan as cw_scp_hostkey_check
 * and cw_scp_hostkey_prefer_known hand it over: for a plain host, an
 * [host]:port name and a host name, with a server key to match and an
 * @revoked key to look for. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>

#include "fuzz.h"
#include "sc3/scp-int.h"

#define KEY_B64 "AAAAC3NzaC1lZDI1NTE5AAAAIMshkEcoQZaplswZsqVtOICaXLAv4z/f0SmzV8fT7WAo"

static ssh_key key;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (ssh_pki_import_pubkey_base64(KEY_B64, SSH_KEYTYPE_ED25519, &key) != SSH_OK)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hosts[] = { "127.0.0.1", "[::1]:2222", "server.example" };
	struct cw_scp_known known[CW_SCP_KNOWN_TYPES];
	int match, revoked;

	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		(void)cw_scp_known_hosts_scan((const char *)data, size, hosts[i],
		    i == 0 ? key : NULL, i == 0 ? KEY_B64 : NULL, known, &match, &revoked);
	return 0;
}
