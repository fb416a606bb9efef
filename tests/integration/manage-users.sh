# signet-manage's users, roles and groups offline, with the API's rules
# and consequences: a user disabled, deleted or given a new password (from
# an owner-only file, as user-create reads it) leaves a revocation event;
# a role goes with its grants, but not an immutable one (bootstrap's);
# group names are unique in their domain. And a store of schema 2 (roles,
# implications, grants) brought to 3 by db-sync with every row kept.
. tests/integration/lib/softhsm.sh

DB="$WORK/signet.db"
sql() {
	/usr/bin/python3 -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))' "$DB" "$1"
}
bootstrap_admin
printf 'secret-alice\n' > "$WORK/alice.pw"
expect_ok "user-create" mgr user-create alice --password-file "$WORK/alice.pw"
A=$(cat "$WORK/out")
expect_ok "user-list" mgr user-list
expect_eq "admin and alice, enabled" "admin default true|alice default true" \
    "$(cut -f2- "$WORK/out" | tr '\t' ' ' | sort | paste -sd'|')"
expect_ok "user-show" mgr user-show alice
expect_eq "as the API shows it" "alice default True None {}" "$(/usr/bin/python3 -c 'import json, sys
u = json.load(open(sys.argv[1])); print(u["name"], u["domain_id"], u["enabled"], u["password_expires_at"], u["options"])' "$WORK/out")"
expect_fail "no such user" "no user 'nobody'" mgr user-show nobody
expect_ok "user-disable" mgr user-disable alice
expect_eq "disabled" 0 "$(sql "SELECT enabled FROM user WHERE id = '$A'")"
expect_ok "user-enable" mgr user-enable alice
expect_eq "enabled again" 1 "$(sql "SELECT enabled FROM user WHERE id = '$A'")"
printf 'new-alice\n' > "$WORK/new.pw"
chmod 0644 "$WORK/new.pw"
expect_fail "a password file others can read is refused" "password file" \
    mgr user-password-reset alice --password-file "$WORK/new.pw"
chmod 0600 "$WORK/new.pw"
old=$(sql "SELECT password_hash FROM user WHERE id = '$A'")
sql "UPDATE user SET failed_logins = 5, locked_until = 99999999999 WHERE id = '$A'" > /dev/null
expect_ok "user-password-reset" mgr user-password-reset alice --password-file "$WORK/new.pw"
expect_eq "a new bcrypt hash, the lockout gone" '$2b$12$ 0 0 1' \
    "$(sql "SELECT substr(password_hash, 1, 7), failed_logins, locked_until, password_hash != '$old' FROM user WHERE id = '$A'" | tr '|' ' ')"
expect_eq "from standard input too" 0 \
    "$(printf 'newer-alice\n' | ours "$BIN/signet-manage" -c "$CONF" user-password-reset alice --password-file - > /dev/null 2>&1; echo $?)"
expect_eq "a revocation event for the disable and each reset" 3 \
    "$(sql "SELECT count(*) FROM revocation_event WHERE user_id = '$A'")"

# roles
expect_ok "role-create" mgr role-create auditor
R=$(cat "$WORK/out")
expect_fail "role-create twice" "exists" mgr role-create auditor
expect_ok "domain-create d1" mgr domain-create d1
D1=$(cat "$WORK/out")
expect_ok "role-create in d1, the same name" mgr role-create auditor --domain d1
expect_ok "role-list" mgr role-list
expect_eq "the roles of no domain" "admin,auditor,member,reader,service" \
    "$(cut -f2 "$WORK/out" | sort | paste -sd,)"
expect_ok "role-list --domain d1" mgr role-list --domain d1
expect_eq "d1's" "auditor $D1" "$(cut -f2,3 "$WORK/out" | tr '\t' ' ')"
expect_ok "a grant of auditor" mgr role-grant auditor --user alice --project admin
expect_fail "bootstrap's member is immutable" "immutable" mgr role-delete member
expect_ok "role-delete auditor" mgr role-delete auditor
expect_eq "its grant went with it" 0 "$(sql "SELECT count(*) FROM assignment WHERE role_id = '$R'")"
expect_ok "role-delete d1's auditor" mgr role-delete auditor --domain d1
expect_fail "no such role" "no role" mgr role-delete auditor

# groups
expect_ok "group-create" mgr group-create devs
G=$(cat "$WORK/out")
expect_fail "group-create twice" "exists" mgr group-create devs
expect_ok "the same name in d1" mgr group-create devs --domain d1
expect_ok "group-list" mgr group-list
expect_eq "both" "$(printf 'devs default\ndevs %s\n' "$D1" | sort | paste -sd'|')" \
    "$(cut -f2,3 "$WORK/out" | tr '\t' ' ' | sort | paste -sd'|')"
expect_ok "group-add-user" mgr group-add-user devs alice
expect_ok "group-add-user again" mgr group-add-user devs alice
expect_eq "one membership" "$G|$A" "$(sql 'SELECT group_id, user_id FROM group_member')"
expect_fail "no such group" "no group" mgr group-add-user ops alice
expect_fail "no such user" "no user" mgr group-add-user devs nobody
expect_ok "user-delete" mgr user-delete alice
expect_eq "its memberships and grants went, an event more" "0 0 4" \
    "$(sql "SELECT (SELECT count(*) FROM group_member) || ' ' || (SELECT count(*) FROM assignment WHERE user_id = '$A') || ' ' || (SELECT count(*) FROM revocation_event WHERE user_id = '$A')")"

# a store of schema 2, as the previous release made it, is upgraded
rm -f "$DB" "$DB-wal" "$DB-shm"
/usr/bin/python3 - "$DB" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA foreign_keys = ON")
for s in [
 "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
 "CREATE TABLE domain (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, enabled INTEGER NOT NULL DEFAULT 1, description TEXT, extra TEXT)",
 "CREATE TABLE project (id TEXT PRIMARY KEY, name TEXT NOT NULL, domain_id TEXT NOT NULL REFERENCES domain(id), enabled INTEGER NOT NULL DEFAULT 1, description TEXT, parent_id TEXT, extra TEXT, UNIQUE (domain_id, name))",
 "CREATE TABLE user (id TEXT PRIMARY KEY, name TEXT NOT NULL, domain_id TEXT NOT NULL REFERENCES domain(id), enabled INTEGER NOT NULL DEFAULT 1, password_hash TEXT, failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0, UNIQUE (domain_id, name))",
 "CREATE TABLE role (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
 "CREATE TABLE implied_role (prior TEXT NOT NULL REFERENCES role(id), implied TEXT NOT NULL REFERENCES role(id), PRIMARY KEY (prior, implied))",
 "CREATE TABLE assignment (role_id TEXT NOT NULL REFERENCES role(id), user_id TEXT NOT NULL REFERENCES user(id), target_type TEXT NOT NULL CHECK (target_type IN ('project', 'domain', 'system')), target_id TEXT NOT NULL, PRIMARY KEY (role_id, user_id, target_type, target_id))",
 "CREATE TABLE region (id TEXT PRIMARY KEY, description TEXT, parent_region_id TEXT REFERENCES region(id), extra TEXT)",
 "CREATE TABLE service (id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT, enabled INTEGER NOT NULL DEFAULT 1, extra TEXT)",
 "CREATE TABLE endpoint (id TEXT PRIMARY KEY, service_id TEXT NOT NULL REFERENCES service(id), interface TEXT NOT NULL CHECK (interface IN ('public', 'internal', 'admin')), url TEXT NOT NULL, region_id TEXT REFERENCES region(id), enabled INTEGER NOT NULL DEFAULT 1, extra TEXT)",
 "CREATE TABLE revocation_event (id INTEGER PRIMARY KEY, audit_id TEXT, audit_chain_id TEXT, user_id TEXT, project_id TEXT, domain_id TEXT, role_id TEXT, issued_before INTEGER NOT NULL, revoked_at INTEGER NOT NULL, expires_at INTEGER)",
 "CREATE TABLE uuid_token (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at INTEGER NOT NULL, body TEXT NOT NULL)",
 "INSERT INTO meta VALUES ('schema_version', '2')",
 "INSERT INTO domain (id, name) VALUES ('default', 'Default')",
 "INSERT INTO project (id, name, domain_id) VALUES ('p', 'admin', 'default')",
 "INSERT INTO user (id, name, domain_id, password_hash) VALUES ('u', 'admin', 'default', '$2b$12$x')",
 "INSERT INTO role VALUES ('rr', 'reader'), ('rm', 'member'), ('ra', 'admin')",
 "INSERT INTO implied_role VALUES ('rm', 'rr'), ('ra', 'rm')",
 "INSERT INTO assignment VALUES ('ra', 'u', 'project', 'p'), ('ra', 'u', 'system', 'all')"]:
    c.execute(s)
c.commit()
PY
expect_fail "schema 2 is refused until db-sync" "db-sync" mgr role-list
expect_ok "db-sync upgrades it" mgr db-sync
expect_eq "schema 5" 5 "$(sql "SELECT value FROM meta WHERE key = 'schema_version'")"
expect_ok "role-list" mgr role-list
expect_eq "the roles kept, of no domain" "admin,member,reader" "$(cut -f2 "$WORK/out" | sort | paste -sd,)"
expect_eq "implications and grants kept, no key broken" "2 2 0" \
    "$(sql "SELECT (SELECT count(*) FROM implied_role) || ' ' || (SELECT count(*) FROM assignment) || ' ' || (SELECT count(*) FROM pragma_foreign_key_check)")"
expect_fail "a role name is still unique (now in its domain)" "exists" mgr role-create admin
expect_ok "user-show the admin" mgr user-show admin
expect_ok "db-sync again changes nothing" mgr db-sync
finish
