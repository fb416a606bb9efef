# signet-manage's offline view of the identity API's collections: lists,
# shows and deletions under the API's rules (a domain disabled first, a
# project only as a leaf, a region without endpoints), and a store of
# schema 1 brought to 4 by db-sync with its rows kept.
. tests/integration/lib/softhsm.sh

DB="$WORK/signet.db"
sql() {
	/usr/bin/python3 -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))' "$DB" "$1"
}
bootstrap_admin --public-url http://127.0.0.1:5000/v3 --region RegionOne
expect_eq "schema 5" 5 "$(sql "SELECT value FROM meta WHERE key = 'schema_version'")"
expect_ok "region-list" mgr region-list
expect_eq "RegionOne, no parent, no description" "RegionOne	-	" "$(cat "$WORK/out")"
expect_ok "service-list" mgr service-list
expect_eq "the identity service" "identity keystone true" "$(cut -f2- "$WORK/out" | tr '\t' ' ')"
expect_ok "endpoint-list" mgr endpoint-list
expect_eq "three endpoints" "admin,internal,public" "$(cut -f3 "$WORK/out" | sort | paste -sd,)"
EP=$(head -1 "$WORK/out" | cut -f1)
expect_ok "endpoint-show" mgr endpoint-show "$EP"
expect_eq "as Keystone shows it" "RegionOne RegionOne True" "$(/usr/bin/python3 -c 'import json, sys
e = json.load(open(sys.argv[1])); print(e["region_id"], e["region"], e["enabled"])' "$WORK/out")"
expect_ok "domain-create" mgr domain-create d1
expect_ok "project-create" mgr project-create p1 --domain d1
expect_ok "project-list --domain" mgr project-list --domain d1
expect_eq "p1, its parent the domain" "p1 $(sql "SELECT id FROM domain WHERE name = 'd1'") true" \
    "$(cut -f2,4,5 "$WORK/out" | tr '\t' ' ')"
expect_ok "project-show" mgr project-show p1 --domain d1
expect_eq "is_domain false" False "$(/usr/bin/python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["is_domain"])' "$WORK/out")"
expect_ok "domain-show" mgr domain-show d1
expect_fail "an enabled domain is not deleted" "domain-disable first" mgr domain-delete d1
expect_fail "a region with endpoints is not deleted" "has endpoints" mgr region-delete RegionOne
expect_fail "no such service" "no such entry" mgr service-delete nothing
expect_ok "domain-disable" mgr domain-disable d1
expect_ok "domain-delete" mgr domain-delete d1
expect_eq "the domain and its project are gone" "0 0" \
    "$(sql "SELECT (SELECT count(*) FROM domain WHERE name = 'd1') || ' ' || (SELECT count(*) FROM project WHERE name = 'p1')")"
SVC=$(sql "SELECT id FROM service WHERE type = 'identity'")
expect_ok "service-delete" mgr service-delete "$SVC"
expect_eq "its endpoints went with it" 0 "$(sql 'SELECT count(*) FROM endpoint')"
expect_ok "region-delete" mgr region-delete RegionOne
expect_ok "project-delete of a leaf" mgr project-delete admin
expect_eq "its assignments went with it" "system" "$(sql 'SELECT target_type FROM assignment')"

# a store of schema 1 (as the previous release made it) is upgraded
rm -f "$DB"
/usr/bin/python3 - "$DB" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for s in [
 "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
 "CREATE TABLE domain (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, enabled INTEGER NOT NULL DEFAULT 1, description TEXT)",
 "CREATE TABLE project (id TEXT PRIMARY KEY, name TEXT NOT NULL, domain_id TEXT NOT NULL REFERENCES domain(id), enabled INTEGER NOT NULL DEFAULT 1, description TEXT, UNIQUE (domain_id, name))",
 "CREATE TABLE region (id TEXT PRIMARY KEY, description TEXT)",
 "CREATE TABLE service (id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT, enabled INTEGER NOT NULL DEFAULT 1)",
 "CREATE TABLE endpoint (id TEXT PRIMARY KEY, service_id TEXT NOT NULL REFERENCES service(id), interface TEXT NOT NULL CHECK (interface IN ('public', 'internal', 'admin')), url TEXT NOT NULL, region_id TEXT REFERENCES region(id), enabled INTEGER NOT NULL DEFAULT 1, UNIQUE (service_id, interface, region_id))",
 "INSERT INTO meta VALUES ('schema_version', '1')",
 "INSERT INTO domain (id, name) VALUES ('default', 'Default')",
 "INSERT INTO project (id, name, domain_id) VALUES ('p', 'old', 'default')",
 "INSERT INTO region (id) VALUES ('R')",
 "INSERT INTO service (id, type, name) VALUES ('s', 'compute', 'nova')",
 "INSERT INTO endpoint (id, service_id, interface, url, region_id) VALUES ('e', 's', 'public', 'http://n', 'R')"]:
    c.execute(s)
c.commit()
PY
expect_fail "schema 1 is refused until db-sync" "db-sync" mgr region-list
expect_ok "db-sync upgrades it" mgr db-sync
expect_eq "schema 5" 5 "$(sql "SELECT value FROM meta WHERE key = 'schema_version'")"
expect_ok "the endpoint kept" mgr endpoint-show e
expect_ok "the project kept" mgr project-show old
expect_eq "its parent the domain" default "$(/usr/bin/python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["parent_id"])' "$WORK/out")"
finish
