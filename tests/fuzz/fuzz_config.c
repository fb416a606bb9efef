/* Fuzz target: signet.conf (every program's option table). */
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char		 path[] = "/tmp/signet-fuzz-conf.XXXXXX";
	char		 err[CONFIG_ERR_MAX];
	struct config	*cf = NULL;
	int		 fd = mkstemp(path);

	if (fd < 0)
		return 0;
	if (write(fd, d, n) == (ssize_t)n &&
	    config_load(path, &cf, err, sizeof(err)) == 0)
		config_free(cf);
	close(fd);
	unlink(path);
	return 0;
}
