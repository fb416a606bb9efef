# A Keystone 22 moved to signet's own identity API: Keystone's managers
# make a second domain, a project under a parent, users (one with a
# password past bcrypt's 72 bytes, one with a pbkdf2 hash, one from LDAP),
# a group, a role implying another, grants, a service with endpoints, an
# application credential, a trust (left behind) and Fernet tokens (one
# revoked).
# scripts/keystone-export.py writes it (0600; what signet cannot keep named
# on stderr); broken files are refused with the store left as it was;
# import-keystone keeps every id, twice adds nothing; fernet-import takes
# Keystone's keys. Then signet validates Keystone's token (same user,
# project, roles), not the revoked one, logs the users in with their
# Keystone passwords, authenticates the application credential and shows
# the catalog.
. tests/integration/lib/softhsm.sh
. tests/integration/lib/identity.sh

KS="$WORK/ks"
mkdir -m 700 "$KS"
/usr/bin/python3 tests/integration/lib/keystone_world.py "$KS" \
    > "$WORK/world.json" 2> "$WORK/world.err" ||
    { fail "keystone: $(tail -5 "$WORK/world.err")"; finish; }
world() {	# a list as its items, sorted
	/usr/bin/python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))[sys.argv[2]]
print(" ".join(sorted(v)) if isinstance(v, list) else v)' "$WORK/world.json" "$1"
}
ALICE=$(world alice) BOB=$(world bob) CAROL=$(world carol)
PROJ=$(world project) ENG=$(world domain) AC=$(world appcred)
EXPORT="$WORK/export.json"

# --- the export
umask 022	# the script, not the umask, keeps the file private
/usr/bin/python3 scripts/keystone-export.py --config-file "$KS/keystone.conf" \
    > "$EXPORT" 2> "$WORK/export.err" ||
    fail "keystone-export.py: $(cat "$WORK/export.err")"
umask 077
expect_eq "the export is owner-only" 600 "$(stat -c %a "$EXPORT")"
grep -q "user $(world nonlocal) (ldap-dave): a nonlocal user" \
    "$WORK/export.err" && ok "the LDAP user is named as left out" ||
    fail "the LDAP user not named: $(cat "$WORK/export.err")"
grep -q "password of user $CAROL (carol): scheme pbkdf2-sha512" \
    "$WORK/export.err" && ok "the pbkdf2 hash is named as left out" ||
    fail "the pbkdf2 hash not named: $(cat "$WORK/export.err")"
grep -q "left out: 1 rows of table trust" "$WORK/export.err" &&
    ok "the trust is named as left out" ||
    fail "the trust not named: $(cat "$WORK/export.err")"
grep -q '\$2b\$\|\$pbkdf2' "$WORK/export.err" && fail "a hash on stderr"
expect_eq "what the export holds of them" "None False False" \
    "$(/usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print([u for u in d["users"] if u["id"] == sys.argv[2]][0]["password_hash"],
      any(u["id"] == sys.argv[3] for u in d["users"]),
      "keystone.domain.root" in open(sys.argv[1]).read())' "$EXPORT" "$CAROL" \
    "$(world nonlocal)")"

expect_ok "db-sync" mgr db-sync
dump() {
	/usr/bin/python3 -c 'import sqlite3, sys
print("\n".join(sqlite3.connect(sys.argv[1]).iterdump()))' "$DB" > "$1"
}
# broken NAME PYTHON: the export with a new domain first (what a partial
# import would leave behind) and PYTHON applied to it (d)
broken() {
	/usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d["domains"].insert(0, {"id": "0123456789abcdef0123456789abcdef",
                        "name": "Late", "enabled": True})
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))' "$EXPORT" "$WORK/$1.json" "$2"
}
# refused DESC FILE PATTERN: import-keystone fails naming the row, shows no
# hash, and the store is what it was, byte for byte
refused_file() {
	dump "$WORK/before.sql"
	expect_fail "$1" "$3" mgr import-keystone "$2"
	grep -q '\$2b\$' "$WORK/err" && fail "$1: a hash in the message"
	dump "$WORK/after.sql"
	cmp -s "$WORK/before.sql" "$WORK/after.sql" &&
	    ok "$1: the store is as it was" ||
	    fail "$1: the store changed: $(diff "$WORK/before.sql" "$WORK/after.sql" | head -5)"
}

# --- broken files, on the empty store
head -c 2000 "$EXPORT" > "$WORK/cut.json"
refused_file "a file cut short" "$WORK/cut.json" "ends too early"
broken type "[u for u in d['users'] if u['id'] == '$ALICE'][0]['enabled'] = 'yes'"
refused_file "a member of the wrong type" "$WORK/type.json" \
    "user $ALICE: enabled is not true or false"
broken hash "[u for u in d['users'] if u['id'] == '$ALICE'][0]['password_hash'] = '\$pbkdf2-sha512\$25000\$c2FsdA\$aGFzaGhhc2g'"
refused_file "a hash crypt(3) cannot check" "$WORK/hash.json" \
    "user $ALICE: password_hash is not a hash crypt\\(3\\) can check"
grep -q 'aGFzaGhhc2g' "$WORK/err" && fail "the refused hash is shown"
broken long "d['projects'][-1]['name'] = 'x' * 256"
LAST=$(/usr/bin/python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["projects"][-1]["id"])' "$EXPORT")
refused_file "a name of 256 bytes" "$WORK/long.json" \
    "project $LAST: name is not 1-255 bytes"
broken nodomain "d['projects'][-1]['domain_id'] = 'nosuchdomain'"
refused_file "a project whose domain is missing" "$WORK/nodomain.json" \
    "project $LAST: domain_id nosuchdomain not found"

# --- the import, twice
expect_ok "import-keystone" mgr import-keystone "$EXPORT"
expect_eq "every row new" 0 "$(grep -c ', 0 new' "$WORK/out")"
ids() {	# ids() KIND: Keystone's ids of a kind, then signet's, one line each
	/usr/bin/python3 - "$KS/keystone.db" "$DB" "$1" "$(world nonlocal)" <<'PY'
import sqlite3, sys
ks, st, kind, skip = sys.argv[1:]
q = {'domain': ("SELECT id FROM project WHERE is_domain AND "
                "id != '<<keystone.domain.root>>'", "SELECT id FROM domain"),
     'project': ("SELECT id FROM project WHERE NOT is_domain",
                 "SELECT id FROM project"),
     'user': ("SELECT id FROM user WHERE id != '%s'" % skip,
              "SELECT id FROM user"),
     'group': ('SELECT id FROM "group"', "SELECT id FROM user_group"),
     'role': ("SELECT id FROM role", "SELECT id FROM role"),
     'region': ("SELECT id FROM region", "SELECT id FROM region"),
     'service': ("SELECT id FROM service", "SELECT id FROM service"),
     'endpoint': ("SELECT id FROM endpoint", "SELECT id FROM endpoint"),
     'appcred': ("SELECT id FROM application_credential",
                 "SELECT id FROM application_credential"),
     'grant': ("SELECT role_id || actor_id || target_id FROM assignment "
               "UNION ALL SELECT role_id || actor_id || 'all' FROM "
               "system_assignment",
               "SELECT role_id || user_id || target_id FROM assignment "
               "UNION ALL SELECT role_id || group_id || target_id FROM "
               "group_assignment"),
     'implied': ("SELECT prior_role_id || implied_role_id FROM implied_role",
                 "SELECT prior || implied FROM implied_role")}[kind]
for db, sql in zip((ks, st), q):
    print(' '.join(sorted(r[0] for r in sqlite3.connect(db).execute(sql))))
PY
}
for k in domain project user group role region service endpoint appcred \
    grant implied; do
	ids "$k" > "$WORK/ids"
	if [ "$(sed -n 1p "$WORK/ids")" = "$(sed -n 2p "$WORK/ids")" ] &&
	    [ -n "$(sed -n 2p "$WORK/ids")" ]; then
		ok "Keystone's ${k} ids, all of them"
	else
		fail "${k} ids differ: $(cat "$WORK/ids")"
	fi
done
expect_eq "alice's group, role implication, hash and options" \
    "$(world group) $(world member) 1 1" \
    "$(sql "SELECT (SELECT group_id FROM group_member WHERE user_id = '$ALICE'), (SELECT implied FROM implied_role WHERE prior = '$(world deployer)'), (SELECT password_hash LIKE '\$2b\$12\$%' FROM user WHERE id = '$ALICE'), (SELECT json_extract(options, '\$.ignore_lockout_failure_attempts') FROM user WHERE id = '$ALICE')" | tr '|' ' ')"
dump "$WORK/once.sql"
expect_ok "import-keystone again" mgr import-keystone "$EXPORT"
expect_eq "nothing new" 13 "$(grep -c ', 0 new$' "$WORK/out")"
dump "$WORK/twice.sql"
cmp -s "$WORK/once.sql" "$WORK/twice.sql" && ok "the second import changed nothing" ||
    fail "the second import changed: $(diff "$WORK/once.sql" "$WORK/twice.sql" | head -5)"
broken renamed "[u for u in d['users'] if u['id'] == '$ALICE'][0]['name'] = 'mallory'"
refused_file "an id held under another name" "$WORK/renamed.json" \
    "user $ALICE: held already under another name"

# --- Keystone's keys, and signet serving
expect_ok "init-token" prov init-token
expect_ok "fernet-import of Keystone's keys" prov fernet-import "$KS/fernet-keys"
printf '[signer]\nallowed_scopes = unscoped,project,domain,system,application_credential\n' >> "$CONF"
start_signer
start_api
ADMIN=$(admin_token)
[ -n "$ADMIN" ] && ok "Keystone's admin logs in with its password" ||
    fail "the admin: $(head -c 300 "$BODY")"

TOK=$(world alice_token)
CODE=$(curl -s -o "$BODY" -w '%{http_code}' -H "X-Auth-Token: $ADMIN" \
    -H "X-Subject-Token: $TOK" "$API/v3/auth/tokens")
expect_eq "Keystone's token validates" 200 "$CODE"
expect_eq "its user, project and roles" \
    "$ALICE $PROJ deployer,member,reader" \
    "$(jq_ '" ".join([j["token"]["user"]["id"], j["token"]["project"]["id"], ",".join(sorted(r["name"] for r in j["token"]["roles"]))])')"
expect_eq "the token Keystone revoked does not" 404 \
    "$(token_status "$ADMIN" "$(world bob_token)")"

T=$(login_in alice alice-secret "$ENG" "{\"project\": {\"id\": \"$PROJ\"}}")
expect_eq "alice logs in with her Keystone password, same id" "$ALICE" \
    "$(jq_ 'j["token"]["user"]["id"]')"
expect_eq "and the catalog has the compute endpoints" \
    "$(world endpoints)" \
    "$(jq_ '" ".join(sorted(e["id"] for s in j["token"]["catalog"] if s["type"] == "compute" for e in s["endpoints"]))')"
BOBPW=$(world bob_password)
T=$(login_in bob "$BOBPW" default '{"project": {"name": "admin", "domain": {"id": "default"}}}')
expect_eq "bob logs in with his 100-byte password" "$BOB" \
    "$(jq_ 'j["token"]["user"]["id"]')"
# bcrypt reads 72 bytes, and Keystone hashed only those
T=$(login_in bob "$(printf %.72s "$BOBPW")-other-tail" default '{"project": {"name": "admin", "domain": {"id": "default"}}}')
expect_eq "as in Keystone, past 72 bytes nothing counts" "$BOB" \
    "$(jq_ 'j["token"]["user"]["id"]')"
T=$(login_in carol carol-secret default '{"project": {"name": "admin", "domain": {"id": "default"}}}')
expect_eq "carol, whose hash was left out, does not" "" "$T"

CODE=$(curl -s -o "$BODY" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"auth\": {\"identity\": {\"methods\": [\"application_credential\"], \"application_credential\": {\"id\": \"$AC\", \"secret\": \"$(world appcred_secret)\"}}}}" \
    "$API/v3/auth/tokens")
expect_eq "the application credential authenticates" 201 "$CODE"
expect_eq "as alice on her project with its role" "$AC $ALICE $PROJ deployer" \
    "$(jq_ '" ".join([j["token"]["application_credential"]["id"], j["token"]["user"]["id"], j["token"]["project"]["id"], ",".join(r["name"] for r in j["token"]["roles"] if r["name"] == "deployer")])')"
finish
