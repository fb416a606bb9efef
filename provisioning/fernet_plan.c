/*
 * signet-provision: Keystone's rotation arithmetic (fernet_utils.py), kept
 * free of PKCS#11 so it can be checked against Keystone's own table.
 */
#include <stdlib.h>

#include "prov.h"

static int
int_desc(const void *a, const void *b)
{
	int	 x = *(const int *)a, y = *(const int *)b;

	return (x < y) - (x > y);
}

/*
 * active: the non-staged indices after the promotion (in any order; sorted
 * here). Keeps the max_active - 1 highest and writes the rest to purge,
 * lowest first, as Keystone deletes them. Returns how many to purge.
 */
size_t
fernet_plan_purge(const int *active, size_t n, int max_active, int *purge)
{
	int	*sorted;
	size_t	 keep = max_active > 1 ? (size_t)max_active - 1 : 0, np = 0;

	if (n <= keep || (sorted = malloc(n * sizeof(*sorted))) == NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		sorted[i] = active[i];
	qsort(sorted, n, sizeof(*sorted), int_desc);
	while (n > keep)
		purge[np++] = sorted[--n];
	free(sorted);
	return np;
}

/* Index 0 is staged unless it is the only key; the highest is primary. */
const char *
fernet_role(int index, int max_index, size_t nkeys)
{
	if (index == max_index)
		return "primary";
	if (index == 0 && nkeys > 1)
		return "staged";
	return "secondary";
}
