/*
 * Preloaded into signet's own programs under ASan only: a dlclose that
 * keeps libraries mapped, so leaks inside dlopen'ed modules (SoftHSM2, the
 * libp11 engine) keep their symbols and match tests/lsan.supp.
 */
int	dlclose(void *);

int
dlclose(void *handle)
{
	(void)handle;
	return 0;
}
