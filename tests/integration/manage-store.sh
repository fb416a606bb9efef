# signet-manage on a real SQLite file: db-sync, keystone-manage bootstrap's
# exact result (idempotent, password reset), bcrypt hashes that crypt(3)
# verifies, the entity commands, and refusals for bad password files,
# duplicates, unknown names and a store without a schema.
. tests/integration/lib/softhsm.sh

DB="$WORK/signet.db"
sql() {
	/usr/bin/python3 -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))' "$DB" "$1"
}
printf 'correct horse battery staple\n' > "$WORK/admin.pw"

expect_fail "a command before db-sync" "run signet-manage db-sync" \
    mgr domain-create d1
expect_ok "db-sync" mgr db-sync
expect_ok "db-sync again" mgr db-sync
expect_eq "the store is 0600" 600 "$(stat -c %a "$DB")"

expect_ok "bootstrap" mgr bootstrap --admin-password-file "$WORK/admin.pw" \
    --public-url http://127.0.0.1:5000/v3 --region RegionOne
first=$(sql "SELECT id FROM user WHERE name = 'admin'")
expect_ok "bootstrap again" mgr bootstrap --admin-password-file \
    "$WORK/admin.pw" --public-url http://127.0.0.1:5000/v3
expect_eq "the same admin" "$first" "$(sql "SELECT id FROM user WHERE name = 'admin'")"
expect_eq "default domain" "default|Default" "$(sql 'SELECT id, name FROM domain')"
expect_eq "roles" "admin,member,reader,service" \
    "$(sql 'SELECT name FROM role ORDER BY name' | paste -sd,)"
expect_eq "implied roles" "admin>member,member>reader" "$(sql "SELECT p.name || '>' || i.name FROM implied_role JOIN role p ON p.id = prior JOIN role i ON i.id = implied ORDER BY 1" | paste -sd,)"
expect_eq "admin's assignments" "admin|project|admin,admin|system|all" "$(sql "SELECT r.name, target_type, COALESCE(p.name, target_id) FROM assignment a JOIN role r ON r.id = role_id LEFT JOIN project p ON p.id = target_id ORDER BY 2" | paste -sd,)"
expect_eq "identity endpoints" "admin|RegionOne,internal|RegionOne,public|RegionOne" \
    "$(sql "SELECT interface, region_id FROM endpoint e JOIN service s ON s.id = service_id WHERE s.type = 'identity' ORDER BY 1" | paste -sd,)"
hash=$(sql "SELECT password_hash FROM user WHERE name = 'admin'")
case "$hash" in '$2b$12$'*) ok "bcrypt, 12 rounds" ;; *) fail "hash $hash" ;; esac
check_pw() {	# check_pw PASSWORD USER
	/usr/bin/python3 -W ignore -c 'import crypt, sys
sys.exit(crypt.crypt(sys.argv[1], sys.argv[2]) != sys.argv[2])' "$1" \
	    "$(sql "SELECT password_hash FROM user WHERE name = '$2'")"
}
expect_ok "crypt(3) verifies the admin password" check_pw \
    'correct horse battery staple' admin
if check_pw wrong admin; then
	fail "a wrong password verifies"
else
	ok "a wrong password does not verify"
fi
printf 'a new password\n' > "$WORK/new.pw"
expect_ok "bootstrap with another password resets it" mgr bootstrap \
    --admin-password-file "$WORK/new.pw"
expect_ok "the new password verifies" check_pw 'a new password' admin

chmod 644 "$WORK/new.pw"
expect_fail "a readable password file" "chmod 600" mgr bootstrap \
    --admin-password-file "$WORK/new.pw"
head -c 4097 /dev/zero | tr '\0' p > "$WORK/long.pw"
expect_fail "a 4097-byte password" "over 4096" mgr user-create bob \
    --password-file "$WORK/long.pw"
: > "$WORK/empty.pw"
expect_fail "an empty password" "empty" mgr user-create bob \
    --password-file "$WORK/empty.pw"
expect_fail "no password file" "failed" mgr bootstrap

expect_ok "domain-create" mgr domain-create "o'brien"
expect_eq "a quote is just a character" "o'brien" \
    "$(sql "SELECT name FROM domain WHERE name LIKE 'o%'")"
expect_fail "the same domain twice" "exists" mgr domain-create "o'brien"
expect_ok "project-create in a domain" mgr project-create demo \
    --domain "o'brien"
expect_fail "a project in no such domain" "no domain" mgr project-create x \
    --domain nowhere
expect_ok "user-create from stdin" sh -c "printf 'pw1\n' | LD_PRELOAD='${SIGNET_PRELOAD:-}' '$BIN/signet-manage' -c '$CONF' user-create alice --password-file - --domain \"o'brien\""
expect_ok "alice's password verifies" check_pw pw1 alice
expect_fail "alice twice" "exists" sh -c "printf 'pw2\n' | LD_PRELOAD='${SIGNET_PRELOAD:-}' '$BIN/signet-manage' -c '$CONF' user-create alice --password-file - --domain \"o'brien\""
expect_ok "role-grant on a project" mgr role-grant member --user alice \
    --user-domain "o'brien" --project demo --domain "o'brien"
expect_ok "role-grant on a domain" mgr role-grant reader --user alice \
    --user-domain "o'brien" --domain "o'brien"
expect_ok "role-grant on the system" mgr role-grant reader --user alice \
    --user-domain "o'brien" --system
uid=$(sql "SELECT id FROM user WHERE name = 'alice'")
expect_eq "alice's three assignments" 3 \
    "$(sql "SELECT count(*) FROM assignment WHERE user_id = '$uid'")"
expect_ok "role-revoke" mgr role-revoke reader --user alice \
    --user-domain "o'brien" --system
expect_eq "two left" 2 \
    "$(sql "SELECT count(*) FROM assignment WHERE user_id = '$uid'")"
expect_fail "an unknown role" "no such role" mgr role-grant wizard \
    --user alice --user-domain "o'brien" --system
expect_fail "two targets" "one of" mgr role-grant member --user alice \
    --user-domain "o'brien" --system --project demo --domain "o'brien"
expect_ok "user-disable" mgr user-disable alice --domain "o'brien"
expect_eq "alice is disabled" 0 "$(sql "SELECT enabled FROM user WHERE id = '$uid'")"
expect_ok "project-disable" mgr project-disable demo --domain "o'brien"
expect_fail "disable no such user" "no user" mgr user-disable nobody
expect_ok "service-create" mgr service-create compute nova
expect_ok "endpoint-create" mgr endpoint-create compute public \
    http://127.0.0.1:8774/v2.1 --region RegionOne
expect_fail "a bad interface" "public, internal or admin" \
    mgr endpoint-create compute sideways http://x
finish
