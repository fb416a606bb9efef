#include "prov.h"
#include "err.h"
int cmd_pki_setup(struct prov *p) { (void)p; return SIG_ERR_USAGE; }
int cmd_import_cert(struct prov *p) { (void)p; return SIG_ERR_USAGE; }
int cmd_export_certs(struct prov *p) { (void)p; return SIG_ERR_USAGE; }
int cmd_status(struct prov *p) { (void)p; return SIG_ERR_USAGE; }
