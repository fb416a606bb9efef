/*
 * signet-signerd: the calls that touch no key. Health (answered even when
 * not ready: it says why) and PublicMaterial, the certificates a verifier
 * needs.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "monotime.h"
#include "op.h"

/* Per call, then the rest: what an operator graphs (signet-api's
 * /metrics passes them on). */
static void
health_counters(struct signer *sg, struct scratch *sc)
{
	size_t		 i;

	for (i = 0; i < op_ncalls; i++) {
		signet__v1__call_counters__init(&sc->per_call[i]);
		sc->per_call[i].call = S(op_calls[i].name);
		sc->per_call[i].calls = atomic_load(&sg->call_n[i]);
		sc->per_call[i].errors = atomic_load(&sg->call_err[i]);
		sc->per_call_ptrs[i] = &sc->per_call[i];
	}
	sc->u.health.n_per_call = op_ncalls;
	sc->u.health.per_call = sc->per_call_ptrs;
	sc->u.health.busy = atomic_load(&sg->busy);
	sc->u.health.connections = server_connections();
	sc->u.health.audit_failures = audit_failures(sg->audit);
	sc->u.health.uptime_seconds = (int64_t)(mono_now() - sg->started);
}

/*
 * Audit fails closed: a full disk stops issuance. Health says so while
 * there is still room ([signer] audit_min_free_mb), so an operator can
 * rotate the log or free space first; issuance goes on meanwhile.
 */
static void
health_audit(struct signer *sg, struct scratch *sc)
{
	static atomic_int	 warned;
	uint64_t		 size, avail, min;

	min = (uint64_t)sg->cf->signer_audit_min_free_mb * 1024 * 1024;
	if (audit_space(sg->audit, &size, &avail) != 0) {
		sc->u.health.warning = S("the audit log's size and free space "
		    "cannot be read");
		return;
	}
	sc->u.health.audit_log_bytes = size;
	sc->u.health.audit_free_bytes = avail;
	if (min == 0 || avail >= min) {
		atomic_store(&warned, 0);
		return;
	}
	snprintf(sc->why, sizeof(sc->why), "the audit log's filesystem has "
	    "%llu MB free, under [signer] audit_min_free_mb (%d); issuance "
	    "stops when it is full", (unsigned long long)(avail >> 20),
	    sg->cf->signer_audit_min_free_mb);
	sc->u.health.warning = sc->why;
	if (!atomic_exchange(&warned, 1))
		log_warn("%s", sc->why);
}

void
op_health(struct signer *sg, uid_t peer, const Signet__V1__Request *req,
    Signet__V1__Response *resp, struct scratch *sc)
{
	const char	*audit = audit_failing(sg->audit);

	(void)peer;
	(void)req;
	signet__v1__health_response__init(&sc->u.health);
	sc->u.health.ready = atomic_load(&sg->ready) &&
	    !atomic_load(&sg->hsm_lost) && audit == NULL;
	sc->u.health.reason = sg->why[0] != '\0' ? sg->why :
	    atomic_load(&sg->hsm_lost) ? S(HSM_LOST_WHY) :
	    audit != NULL ? S(audit) : sg->why;
	pthread_rwlock_rdlock(&sg->kr.lk);
	sc->u.health.fernet_keys = sg->kr.nlive;
	memcpy(sc->keyset, sg->kr.keyset, sizeof(sc->keyset));
	pthread_rwlock_unlock(&sg->kr.lk);
	sc->u.health.fernet_keyset = sc->keyset;
	pthread_rwlock_rdlock(&sg->kr_receipt.lk);
	sc->u.health.receipt_keys = sg->kr_receipt.nlive;
	pthread_rwlock_unlock(&sg->kr_receipt.lk);
	pthread_rwlock_rdlock(&sg->kr_credential.lk);
	sc->u.health.credential_keys = sg->kr_credential.nlive;
	pthread_rwlock_unlock(&sg->kr_credential.lk);
	sc->u.health.calls = atomic_load(&sg->calls);
	sc->u.health.errors = atomic_load(&sg->errors);
	health_counters(sg, sc);
	health_audit(sg, sc);
	resp->result_case = SIGNET__V1__RESPONSE__RESULT_HEALTH;
	resp->health = &sc->u.health;
}

void
op_public_material(struct signer *sg, uid_t peer,
    const Signet__V1__Request *req, Signet__V1__Response *resp,
    struct scratch *sc)
{
	(void)peer;
	(void)req;
	signet__v1__public_material_response__init(&sc->u.pub);
	sc->u.pub.signing_cert_pem = sg->signing_pem ? sg->signing_pem : S("");
	sc->u.pub.ca_cert_pem = sg->ca_pem ? sg->ca_pem : S("");
	op_jws_public(sg, sc);
	resp->result_case = SIGNET__V1__RESPONSE__RESULT_PUBLIC_MATERIAL;
	resp->public_material = &sc->u.pub;
}
