/* fuzz_scp_target - the USER@HOST:PATH target of `certwiz sc3 backup/
 * restore` and the wizard (cw_scp_target_parse in src/sc3/scp.c, and
 * cw_sc3_is_remote, which decides whether a target goes over SCP).  An
 * input is the text typed or given on the command line. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sc3/sc3.h"
#include "sc3/scp.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cw_scp_target t;
	struct cw_error err;
	char *spec = fuzz_strndup(data, size);

	(void)cw_sc3_is_remote(spec);
	if (cw_scp_target_parse(spec, &t, &err) == 0 &&
	    (memchr(t.user, '\0', sizeof(t.user)) == NULL ||
	    memchr(t.host, '\0', sizeof(t.host)) == NULL ||
	    memchr(t.path, '\0', sizeof(t.path)) == NULL ||
	    t.user[0] == '\0' || t.host[0] == '\0'))
		abort();	/* a parse that succeeds fills every part */
	free(spec);
	return 0;
}
