/* fuzz_bundle - the SC3 bundle's manifest and tar walk (src/sc3/bundle.c,
 * libarchive underneath).  An input is the tar inside a bundle, i.e. what
 * the age layer hands over once the master key opened it: the bytes an
 * appliance holding the key (or a stolen key) can shape at will.  Fuzzing
 * through the encryption would only ever test the MAC, so the harness
 * enters at cw_bundle_check_tar(), the same walk cw_bundle_open() runs,
 * which hashes every member against the manifest and writes nothing. */
#include "config.h"

#include <stdlib.h>

#include "fuzz.h"
#include "sc3/bundle.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cw_bundle_info info;
	struct cw_error err;
	enum cw_bundle_fail fail;

	if (cw_bundle_check_tar(data, size, &info, &fail, &err) == 0) {
		if (fail != CW_BUNDLE_OK)
			abort();
	} else if (fail == CW_BUNDLE_OK)
		abort();	/* a refusal always says why */
	return 0;
}
