/*
 * signerd and provision: loads a PKCS#11 module by path and owns its
 * C_Initialize. The module is never dlclose'd: libp11's engine may hold
 * the same library, and leak reports need its symbols.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hsm.h"
#include "log.h"

/* Caller owns *mp (hsm_module_free). */
int
hsm_module_load(const char *path, struct hsm_module **mp)
{
	struct hsm_module	*m;
	CK_C_GetFunctionList	 getfl;
	CK_C_INITIALIZE_ARGS	 args;
	CK_RV			 rv;
	int			 r;

	*mp = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->path = strdup(path)) == NULL) {
		free(m);
		return SIG_ERR_NOMEM;
	}
	if ((m->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_err("PKCS#11 module %s: cannot load: %s", path, dlerror());
		r = SIG_ERR_CONFIG;
		goto fail;
	}
	*(void **)&getfl = dlsym(m->dl, "C_GetFunctionList");
	if (getfl == NULL) {
		log_err("%s is not a PKCS#11 module (no C_GetFunctionList)",
		    path);
		r = SIG_ERR_CONFIG;
		goto fail;
	}
	if ((rv = getfl(&m->f)) != CKR_OK) {
		r = ck_err(rv, "C_GetFunctionList of %s", path);
		goto fail;
	}
	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	rv = m->f->C_Initialize(&args);
	if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		r = ck_err(rv, "C_Initialize of %s", path);
		goto fail;
	}
	m->owner = rv == CKR_OK;
	*mp = m;
	return 0;
 fail:
	free(m->path);
	free(m);
	return r;
}

void
hsm_module_free(struct hsm_module *m)
{
	if (m == NULL)
		return;
	if (m->owner)
		(void)m->f->C_Finalize(NULL);
	free(m->path);
	free(m);
}
