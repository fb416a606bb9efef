/* Fuzz target: the JSON body of POST /v3/auth/tokens (signet-api). */
#include <jansson.h>

#include "auth_request.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct auth_req	 ar;
	json_t		*doc;

	if ((doc = json_loadb((const char *)d, n, JSON_REJECT_DUPLICATES,
	    NULL)) != NULL) {
		(void)auth_request_parse(doc, "header-token", &ar);
		(void)auth_request_parse(doc, NULL, &ar);
		json_decref(doc);
	}
	return 0;
}
