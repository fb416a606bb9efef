# Two signet-api nodes on one PostgreSQL store: what one writes (a
# revocation, a user, a grant) the other honours on its very next
# request, its cached tokens included; every 200 names the right user.
# PostgreSQL stopped: writes and logins get 503, tokens already validated
# still validate from the cache, both processes keep serving, and they
# recover when it is back, without a restart. db-sync is idempotent; a
# connection that fails says why without its password.
SIGNET_STORE=pg
. tests/integration/lib/softhsm.sh

appliance_up
printf 'secret-demo\n' > "$WORK/demo.pw"
expect_ok "a demo user" mgr user-create demo --password-file "$WORK/demo.pw"
expect_ok "demo is a member of admin" mgr role-grant member --user demo \
    --project admin
start_api
A=$API
# node B: the same configuration but its port (pins and the signer shared)
B_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed "s/^port = .*/port = $B_PORT/" "$CONF" > "$WORK/b.conf"
B="http://127.0.0.1:$B_PORT"
LD_PRELOAD="${SIGNET_PRELOAD:-}" "$BIN/signet-api" -c "$WORK/b.conf" \
    > "$WORK/b.log" 2>&1 &
B_PID=$!
SIGNER_PID="$SIGNER_PID $B_PID"	# the exit trap stops it too
wait_until 30 grep -qs "serving the Keystone" "$WORK/b.log" ||
    fail "node B did not start: $(cat "$WORK/b.log")"

# on NODE: token_status CALLER SUBJECT against that node
on() {
	_node=$1
	shift
	http_status -H "X-Auth-Token: $1" -H "X-Subject-Token: $2" \
	    "$_node/v3/auth/tokens"
}
# whose NODE CALLER SUBJECT: the user id a validation names
whose() {
	curl -s -H "X-Auth-Token: $2" -H "X-Subject-Token: $3" \
	    "$1/v3/auth/tokens" | /usr/bin/python3 -c \
	    'import json, sys; print(json.load(sys.stdin)["token"]["user"]["name"])'
}

ADMIN=$(admin_token)
DEMO=$(user_token demo secret-demo)
expect_eq "node B validates node A's token" 200 "$(on "$B" "$ADMIN" "$DEMO")"
expect_eq "twice (cached now)" 200 "$(on "$B" "$ADMIN" "$DEMO")"
expect_eq "each 200 names its own user" "demo admin" \
    "$(whose "$B" "$ADMIN" "$DEMO") $(whose "$B" "$ADMIN" "$ADMIN")"

# a write on A, read on B's very next request
expect_eq "demo revokes its token on A" 204 "$(http_status -X DELETE \
    -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $DEMO" \
    "$A/v3/auth/tokens")"
expect_eq "B refuses it at once, cached as it was" 404 \
    "$(on "$B" "$ADMIN" "$DEMO")"
expect_eq "a user created on A" 201 "$(http_status -X POST \
    -H "X-Auth-Token: $ADMIN" -H 'Content-Type: application/json' \
    -d '{"user": {"name": "eve", "password": "secret-eve"}}' \
    "$A/v3/users")"
expect_eq "logs in on B at once (unscoped)" 201 "$(http_status \
    -H 'Content-Type: application/json' -d "$(login_body eve secret-eve -)" \
    "$B/v3/auth/tokens")"
DEMO=$(user_token demo secret-demo)
expect_eq "demo's new token on B" 200 "$(on "$B" "$ADMIN" "$DEMO")"
expect_ok "demo's role taken away (signet-manage, a third client)" \
    mgr role-revoke member --user demo --project admin
expect_eq "B refuses the token at once" 404 "$(on "$B" "$ADMIN" "$DEMO")"
expect_ok "a project p3" mgr project-create p3
expect_ok "demo a member of p3" mgr role-grant member --user demo --project p3
expect_ok "and given back" mgr role-grant member --user demo --project admin
DEMO=$(user_token demo secret-demo)
expect_eq "a new token validates on B" 200 "$(on "$B" "$ADMIN" "$DEMO")"

# the database gone
EVE=$(user_token eve secret-eve -)
# demo's token as its own caller: A keeps its document, which a re-scope
# reads, so the re-scope below gets as far as the scope it names
expect_eq "A validates demo's token (cached now)" 200 "$(on "$A" "$DEMO" "$DEMO")"
pg_stop fast
expect_eq "A: a re-scope to a scope never read: 503, not 401" 503 \
    "$(http_status -H 'Content-Type: application/json' -d "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$DEMO\"}}, \"scope\": {\"project\": {\"name\": \"p3\", \"domain\": {\"id\": \"default\"}}}}}" "$A/v3/auth/tokens")"
expect_eq "B: a token validated before still validates" 200 \
    "$(on "$B" "$ADMIN" "$DEMO")"
expect_eq "A: a login needs the store: 503" 503 "$(http_status \
    -H 'Content-Type: application/json' \
    -d "$(login_body demo secret-demo)" "$A/v3/auth/tokens")"
expect_eq "A: a write, 503" 503 "$(http_status -X POST \
    -H "X-Auth-Token: $ADMIN" -H 'Content-Type: application/json' \
    -d '{"user": {"name": "mallory"}}' "$A/v3/users")"
expect_eq "B: a token never seen, 503" 503 \
    "$(on "$B" "$ADMIN" "$EVE")"
kill -0 "$API_PID" && kill -0 "$B_PID" ||
    fail "a node died with the database"
pg_start || fail "PostgreSQL did not start again"
back() {
	[ "$(http_status -X POST -H "X-Auth-Token: $ADMIN" \
	    -H 'Content-Type: application/json' \
	    -d '{"user": {"name": "mallory"}}' "$A/v3/users")" = 201 ]
}
wait_until 10 back || fail "A did not write again after the database came back"
expect_eq "B: logins again, no restart" 201 "$(http_status \
    -H 'Content-Type: application/json' \
    -d "$(login_body demo secret-demo)" "$B/v3/auth/tokens")"
expect_eq "mallory written once" 1 \
    "$(pg_sql "SELECT count(*) FROM user WHERE name = 'mallory'")"

expect_ok "db-sync again" mgr db-sync
expect_eq "schema version 5, the triggers once each" "5 16" \
    "$(pg_sql "SELECT (SELECT value FROM meta WHERE key = 'schema_version') || ' ' || (SELECT count(*) FROM pg_trigger WHERE tgname = 'signet_changed')")"

# a connection that fails: why, never the password
sed "s|^connection = .*|connection = postgresql://signet:hunter2-not-shown@/nosuch?host=$PG_DIR|" \
    "$CONF" > "$WORK/bad.conf"
expect_fail "no such database, named" 'database "nosuch" does not exist' \
    ours "$BIN/signet-manage" -c "$WORK/bad.conf" db-sync
grep -q hunter2 "$WORK/err" "$WORK/out" "$WORK/api.log" "$WORK/b.log" &&
    fail "the password was shown"
kill "$B_PID"
wait "$B_PID" || fail "node B exited with $?"
SIGNER_PID=${SIGNER_PID% *}
finish
