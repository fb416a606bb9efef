/*
 * signet-api and signet-manage: the identity store's schema in
 * PostgreSQL, at the version store.c's SQLite upgrades reach (the same
 * tables, columns and constraints; integers 64-bit, flags boolean, as
 * Keystone's own tables).
 */
#include <stddef.h>

#include "db.h"

#define CHANGED(table)							\
	"CREATE OR REPLACE TRIGGER signet_changed AFTER INSERT OR "	\
	"UPDATE OR DELETE OR TRUNCATE ON " table " FOR EACH "		\
	"STATEMENT EXECUTE FUNCTION signet_changed()"

const char *const store_pg_schema[] = {
	"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
	"CREATE TABLE IF NOT EXISTS domain (id TEXT PRIMARY KEY, "
	    "name TEXT NOT NULL UNIQUE, enabled BOOLEAN NOT NULL DEFAULT TRUE, "
	    "description TEXT, extra TEXT)",
	"CREATE TABLE IF NOT EXISTS project (id TEXT PRIMARY KEY, "
	    "name TEXT NOT NULL, domain_id TEXT NOT NULL REFERENCES domain(id),"
	    " enabled BOOLEAN NOT NULL DEFAULT TRUE, description TEXT, "
	    "parent_id TEXT, extra TEXT, UNIQUE (domain_id, name))",
	"CREATE INDEX IF NOT EXISTS project_parent ON project (parent_id)",
	"CREATE TABLE IF NOT EXISTS \"user\" (id TEXT PRIMARY KEY, "
	    "name TEXT NOT NULL, domain_id TEXT NOT NULL REFERENCES domain(id),"
	    " enabled BOOLEAN NOT NULL DEFAULT TRUE, password_hash TEXT, "
	    "failed_logins BIGINT NOT NULL DEFAULT 0, "
	    "locked_until BIGINT NOT NULL DEFAULT 0, "
	    "default_project_id TEXT, options TEXT, extra TEXT, "
	    "UNIQUE (domain_id, name))",
	"CREATE TABLE IF NOT EXISTS role (id TEXT PRIMARY KEY, name TEXT NOT "
	    "NULL, domain_id TEXT, description TEXT, options TEXT, extra TEXT)",
	"CREATE UNIQUE INDEX IF NOT EXISTS role_name ON role "
	    "(name, COALESCE(domain_id, ''))",
	"CREATE TABLE IF NOT EXISTS implied_role (prior TEXT NOT NULL "
	    "REFERENCES role(id), implied TEXT NOT NULL REFERENCES role(id), "
	    "PRIMARY KEY (prior, implied))",
	"CREATE INDEX IF NOT EXISTS implied_role_implied ON "
	    "implied_role (implied)",
	"CREATE TABLE IF NOT EXISTS assignment (role_id TEXT NOT NULL "
	    "REFERENCES role(id), user_id TEXT NOT NULL REFERENCES "
	    "\"user\"(id), target_type TEXT NOT NULL CHECK (target_type IN "
	    "('project', 'domain', 'system')), target_id TEXT NOT NULL, "
	    "PRIMARY KEY (role_id, user_id, target_type, target_id))",
	"CREATE INDEX IF NOT EXISTS assignment_user ON assignment (user_id)",
	"CREATE TABLE IF NOT EXISTS region (id TEXT PRIMARY KEY, "
	    "description TEXT, parent_region_id TEXT REFERENCES region(id), "
	    "extra TEXT)",
	"CREATE TABLE IF NOT EXISTS service (id TEXT PRIMARY KEY, "
	    "type TEXT NOT NULL, name TEXT, "
	    "enabled BOOLEAN NOT NULL DEFAULT TRUE, extra TEXT)",
	"CREATE TABLE IF NOT EXISTS endpoint (id TEXT PRIMARY KEY, "
	    "service_id TEXT NOT NULL REFERENCES service(id), "
	    "interface TEXT NOT NULL CHECK (interface IN "
	    "('public', 'internal', 'admin')), url TEXT NOT NULL, "
	    "region_id TEXT REFERENCES region(id), "
	    "enabled BOOLEAN NOT NULL DEFAULT TRUE, extra TEXT)",
	"CREATE TABLE IF NOT EXISTS revocation_event (id BIGSERIAL PRIMARY "
	    "KEY, audit_id TEXT, audit_chain_id TEXT, user_id TEXT, "
	    "project_id TEXT, domain_id TEXT, role_id TEXT, "
	    "issued_before BIGINT NOT NULL, revoked_at BIGINT NOT NULL, "
	    "expires_at BIGINT)",
	"CREATE INDEX IF NOT EXISTS revocation_audit ON "
	    "revocation_event (audit_id)",
	"CREATE INDEX IF NOT EXISTS revocation_chain ON "
	    "revocation_event (audit_chain_id)",
	"CREATE INDEX IF NOT EXISTS revocation_user ON "
	    "revocation_event (user_id)",
	"CREATE TABLE IF NOT EXISTS uuid_token (id TEXT PRIMARY KEY, "
	    "user_id TEXT NOT NULL, expires_at BIGINT NOT NULL, "
	    "body TEXT NOT NULL)",
	"CREATE INDEX IF NOT EXISTS uuid_token_expiry ON "
	    "uuid_token (expires_at)",
	"CREATE TABLE IF NOT EXISTS application_credential (id TEXT PRIMARY "
	    "KEY, name TEXT NOT NULL, secret_hash TEXT NOT NULL, "
	    "description TEXT, user_id TEXT NOT NULL REFERENCES \"user\"(id) "
	    "ON DELETE CASCADE, project_id TEXT REFERENCES project(id) "
	    "ON DELETE CASCADE, expires_at BIGINT, unrestricted BOOLEAN "
	    "NOT NULL DEFAULT FALSE, UNIQUE (user_id, name))",
	"CREATE TABLE IF NOT EXISTS application_credential_role "
	    "(application_credential_id TEXT NOT NULL REFERENCES "
	    "application_credential(id) ON DELETE CASCADE, role_id TEXT NOT "
	    "NULL REFERENCES role(id) ON DELETE CASCADE, PRIMARY KEY "
	    "(application_credential_id, role_id))",
	"CREATE INDEX IF NOT EXISTS application_credential_project ON "
	    "application_credential (project_id)",
	"CREATE INDEX IF NOT EXISTS application_credential_role_role ON "
	    "application_credential_role (role_id)",
	"CREATE TABLE IF NOT EXISTS user_group (id TEXT PRIMARY KEY, name "
	    "TEXT NOT NULL, domain_id TEXT NOT NULL REFERENCES domain(id), "
	    "description TEXT, extra TEXT, UNIQUE (domain_id, name))",
	"CREATE TABLE IF NOT EXISTS group_member (group_id TEXT NOT NULL "
	    "REFERENCES user_group(id), user_id TEXT NOT NULL REFERENCES "
	    "\"user\"(id), PRIMARY KEY (group_id, user_id))",
	"CREATE INDEX IF NOT EXISTS group_member_user ON group_member "
	    "(user_id)",
	"CREATE TABLE IF NOT EXISTS group_assignment (role_id TEXT NOT NULL "
	    "REFERENCES role(id), group_id TEXT NOT NULL REFERENCES "
	    "user_group(id), target_type TEXT NOT NULL CHECK (target_type IN "
	    "('project', 'domain', 'system')), target_id TEXT NOT NULL, "
	    "PRIMARY KEY (role_id, group_id, target_type, target_id))",
	"CREATE INDEX IF NOT EXISTS group_assignment_group ON "
	    "group_assignment (group_id)",
	"CREATE TABLE IF NOT EXISTS credential (id TEXT PRIMARY KEY, user_id "
	    "TEXT NOT NULL REFERENCES \"user\"(id) ON DELETE CASCADE, "
	    "project_id TEXT REFERENCES project(id) ON DELETE CASCADE, type "
	    "TEXT NOT NULL, encrypted_blob TEXT NOT NULL, key_hash TEXT NOT "
	    "NULL, extra TEXT)",
	"CREATE INDEX IF NOT EXISTS credential_user ON credential (user_id)",
	"CREATE INDEX IF NOT EXISTS credential_project ON credential "
	    "(project_id)",
	/* every write, by any client, tells every node's caches at commit
	 * (UUID tokens' documents are never cached: not theirs) */
	"CREATE OR REPLACE FUNCTION signet_changed() RETURNS trigger "
	    "LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('signet_store', "
	    "''); RETURN NULL; END $$",
	CHANGED("domain"), CHANGED("project"), CHANGED("\"user\""),
	CHANGED("role"), CHANGED("implied_role"), CHANGED("assignment"),
	CHANGED("region"), CHANGED("service"), CHANGED("endpoint"),
	CHANGED("revocation_event"), CHANGED("application_credential"),
	CHANGED("application_credential_role"), CHANGED("user_group"),
	CHANGED("group_member"), CHANGED("group_assignment"),
	CHANGED("credential"),
	"INSERT INTO meta VALUES ('schema_version', '5') "
	    "ON CONFLICT DO NOTHING",
};

const size_t store_pg_schema_n =
    sizeof(store_pg_schema) / sizeof(store_pg_schema[0]);
