/* libFuzzer builds: fuzz_cstr without the replay driver. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

char *
fuzz_cstr(const uint8_t *d, size_t n)
{
	char	*s;

	if (memchr(d, '\0', n) != NULL || (s = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(s, d, n);
	s[n] = '\0';
	return s;
}
