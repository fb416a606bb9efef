# signet-api's users by curl, as keystone/api/users.py: shapes, filters,
# every write's bad input (400/404/409 in Keystone's error shape, nothing
# written), a user's own password change (no token needed; a wrong
# original password is the 401 of a failed login), Keystone 22's default
# policy for a member and a reader, the options signet honours
# (ignore_lockout_failure_attempts, lock_password), the default project
# a token without a scope gets, and the revocations Keystone makes: a new
# password, a disable, a delete end the user's tokens on the very next
# request, cached ones too.
. tests/integration/lib/softhsm.sh

appliance_up
printf '[security_compliance]\nlockout_failure_attempts = 2\nlockout_duration = 600\n' >> "$CONF"
start_api
. tests/integration/lib/identity.sh
for u in demo rdr; do
	printf 'secret-%s\n' "$u" > "$WORK/$u.pw"
	expect_ok "user $u" mgr user-create "$u" --password-file "$WORK/$u.pw"
done
expect_ok "a demo project" mgr project-create demo
expect_ok "demo is a member of demo" mgr role-grant member --user demo --project demo
expect_ok "rdr is a reader of demo" mgr role-grant reader --user rdr --project demo
ADMIN=$(admin_token)
DEMO_P=$(sql "SELECT id FROM project WHERE name = 'demo'")
DEMO_U=$(sql "SELECT id FROM user WHERE name = 'demo'")
ON_DEMO='{"project": {"name": "demo", "domain": {"id": "default"}}}'

# shapes and filters
answered "create a user" 201 POST /v3/users \
    '{"user": {"name": " alice ", "password": "secret-alice", "email": "a@example.org", "description": "first"}}'
A=$(jq_ 'j["user"]["id"]')
expect_eq "Keystone's fields, the name stripped, extra attributes kept" \
    "alice default True None {} a@example.org first" \
    "$(jq_ 'j["user"]["name"], j["user"]["domain_id"], j["user"]["enabled"], j["user"]["password_expires_at"], j["user"]["options"], j["user"]["email"], j["user"]["description"]' | tr -d "(),'")"
expect_eq "no password, no default project shown" "False False" \
    "$(jq_ '"password" in j["user"], "default_project_id" in j["user"]' | tr -d "(),")"
expect_eq "its self link" "$API/v3/users/$A" "$(jq_ 'j["user"]["links"]["self"]')"
expect_eq "the password hashed as bcrypt" '$2b$12$' \
    "$(sql "SELECT substr(password_hash, 1, 7) FROM user WHERE id = '$A'")"
answered "a domain" 201 POST /v3/domains '{"domain": {"name": "d1"}}'
D1=$(jq_ 'j["domain"]["id"]')
answered "a user in d1, with options and a default project" 201 POST /v3/users \
    "{\"user\": {\"name\": \"bob\", \"domain_id\": \"$D1\", \"password\": \"secret-bob\", \"default_project_id\": \"$DEMO_P\", \"options\": {\"ignore_lockout_failure_attempts\": true, \"lock_password\": false}}}"
B=$(jq_ 'j["user"]["id"]')
expect_eq "the options and the default project shown" \
    "{\"ignore_lockout_failure_attempts\": true, \"lock_password\": false} $DEMO_P" \
    "$(jq_ 'json.dumps(j["user"]["options"], sort_keys=True) + " " + j["user"]["default_project_id"]')"
answered "list by name" 200 GET "/v3/users?name=alice"
expect_eq "alice, the list's own link" "alice $API/v3/users?name=alice None" \
    "$(jq_ '",".join(u["name"] for u in j["users"]), j["links"]["self"], j["links"]["next"]' | tr -d "(),'")"
answered "list by domain_id" 200 GET "/v3/users?domain_id=$D1"
expect_eq "bob only" bob "$(jq_ '",".join(u["name"] for u in j["users"])')"
answered "show bob" 200 GET "/v3/users/$B"
answered "HEAD bob" 200 HEAD "/v3/users/$B"
answered "update bob" 200 PATCH "/v3/users/$B" \
    '{"user": {"description": "second", "options": {"lock_password": null}}}'
expect_eq "merged options (null takes one away), extra twice as Keystone" \
    '[{"ignore_lockout_failure_attempts": true}, "second", {"description": "second"}]' \
    "$(jq_ 'json.dumps([j["user"]["options"], j["user"]["description"], j["user"]["extra"]], sort_keys=True)')"
answered "disable bob" 200 PATCH "/v3/users/$B" '{"user": {"enabled": false}}'
answered "list enabled=false" 200 GET "/v3/users?enabled=false"
expect_eq "bob only" bob "$(jq_ '",".join(u["name"] for u in j["users"])')"
answered "enable bob" 200 PATCH "/v3/users/$B" '{"user": {"enabled": true}}'

# bad input, nothing written
counts() {
	sql "SELECT (SELECT count(*) FROM user) || ' ' || (SELECT count(*) FROM revocation_event) || ' ' || (SELECT group_concat(name || enabled || coalesce(default_project_id, '-') || coalesce(options, '-') || coalesce(extra, '-') || password_hash, ',') FROM user)"
}
before=$(counts)
long=$(head -c 256 /dev/zero | tr '\0' n)
refused "no name" 400 POST /v3/users '{"user": {"password": "x"}}'
expect_eq "Keystone's message" "'name' is a required property" "$(jq_ 'j["error"]["message"]')"
refused "a name that is a number" 400 POST /v3/users '{"user": {"name": 5}}'
refused "a 256-byte name" 400 POST /v3/users "{\"user\": {\"name\": \"$long\"}}"
refused "a blank name" 400 POST /v3/users '{"user": {"name": "  "}}'
CODE=$(printf '{"user": {"name": "\377\376"}}' | curl -s -o "$BODY" -w '%{http_code}' -X POST \
    -H "X-Auth-Token: $ADMIN" -H 'Content-Type: application/json' --data-binary @- "$API/v3/users")
expect_eq "a name that is not UTF-8" 400 "$CODE"
refused "enabled as a string" 400 POST /v3/users '{"user": {"name": "x", "enabled": "yes"}}'
refused "a null domain" 400 POST /v3/users '{"user": {"name": "x", "domain_id": null}}'
refused "no such domain" 404 POST /v3/users '{"user": {"name": "x", "domain_id": "nowhere"}}'
expect_eq "Keystone's 404" "Could not find domain: nowhere." "$(jq_ 'j["error"]["message"]')"
refused "an unknown option" 400 POST /v3/users '{"user": {"name": "x", "options": {"color": true}}}'
refused "an option not a boolean" 400 POST /v3/users '{"user": {"name": "x", "options": {"lock_password": "yes"}}}'
refused "multi-factor rules signet cannot enforce" 400 POST /v3/users \
    '{"user": {"name": "x", "options": {"multi_factor_auth_enabled": true}}}'
refused "a federated user (no identity providers here)" 400 POST /v3/users \
    '{"user": {"name": "x", "federated": [{"idp_id": "idp", "protocols": [{"protocol_id": "p", "unique_id": "u"}]}]}}'
refused "a domain as the default project" 400 POST /v3/users \
    '{"user": {"name": "x", "default_project_id": "default"}}'
refused "a default project id with a slash" 400 POST /v3/users \
    '{"user": {"name": "x", "default_project_id": "a/b"}}'
refused "a password that is a number" 400 POST /v3/users '{"user": {"name": "x", "password": 5}}'
refused "an empty password" 400 POST /v3/users '{"user": {"name": "x", "password": ""}}'
refused "the same name twice in a domain" 409 POST /v3/users '{"user": {"name": "alice"}}'
expect_eq "Keystone's 409" "Conflict occurred attempting to store user - Duplicate entry found with name alice at domain ID default." \
    "$(jq_ 'j["error"]["message"]')"
refused "not JSON" 400 POST /v3/users '{"user": '
refused "the member not an object" 400 POST /v3/users '{"user": "x"}'
refused "an empty update" 400 PATCH "/v3/users/$A" '{"user": {}}'
refused "a changed id" 400 PATCH "/v3/users/$A" '{"user": {"id": "other"}}'
refused "a changed domain" 400 PATCH "/v3/users/$A" "{\"user\": {\"domain_id\": \"$D1\"}}"
refused "a name taken on update" 409 PATCH "/v3/users/$A" '{"user": {"name": "demo"}}'
refused "show no such user" 404 GET /v3/users/nobody
expect_eq "Keystone's 404" "Could not find user: nobody." "$(jq_ 'j["error"]["message"]')"
refused "update no such user" 404 PATCH /v3/users/nobody '{"user": {"name": "y"}}'
refused "delete no such user" 404 DELETE /v3/users/nobody
refused "POST on a user" 405 POST "/v3/users/$A" '{"user": {"name": "x"}}'
expect_eq "nothing half-written" "$before" "$(counts)"

# Keystone 22's default policy: a member and a reader of a project
for u in demo rdr; do
	T=$(user_token "$u" "secret-$u" "$ON_DEMO")
	U=$(sql "SELECT id FROM user WHERE name = '$u'")
	TOK=$T refused "$u: list users" 403 GET /v3/users
	expect_eq "$u: Keystone's 403" "You are not authorized to perform the requested action: identity:list_users." \
	    "$(jq_ 'j["error"]["message"]')"
	TOK=$T answered "$u: show itself" 200 GET "/v3/users/$U"
	TOK=$T refused "$u: show another user" 403 GET "/v3/users/$A"
	TOK=$T refused "$u: create a user" 403 POST /v3/users '{"user": {"name": "x"}}'
	TOK=$T refused "$u: update itself" 403 PATCH "/v3/users/$U" '{"user": {"name": "x"}}'
	TOK=$T refused "$u: delete a user" 403 DELETE "/v3/users/$A"
	TOK=$T answered "$u: list its own groups" 200 GET "/v3/users/$U/groups"
done
expect_eq "nothing written by them" "$before" "$(counts)"

# a user's own password change
pw_body() {
	printf '{"user": {"original_password": "%s", "password": "%s"}}' "$1" "$2"
}
AT=$(user_token alice secret-alice -)
expect_eq "alice's unscoped token" 200 "$(valid "$AT")"
expect_eq "and again, from the cache" 200 "$(valid "$AT")"
TOK= refused "a wrong original password: 401" 401 POST "/v3/users/$A/password" "$(pw_body wrong new-alice)"
expect_eq "as a failed login says it" "The request you have made requires authentication." \
    "$(jq_ 'j["error"]["message"]')"
TOK= refused "no such user: the same 401" 401 POST /v3/users/nobody/password "$(pw_body x y)"
TOK= refused "no original password" 400 POST "/v3/users/$A/password" '{"user": {"password": "x"}}'
TOK= refused "a password that is no string" 400 POST "/v3/users/$A/password" '{"user": {"original_password": "secret-alice", "password": 5}}'
TOK= refused "another attribute" 400 POST "/v3/users/$A/password" '{"user": {"original_password": "secret-alice", "password": "x", "name": "y"}}'
refused "GET is not the way" 405 GET "/v3/users/$A/password"
expect_eq "nothing changed" "$before" "$(counts)"
TOK= answered "the change, without a token" 204 POST "/v3/users/$A/password" "$(pw_body secret-alice new-alice)"
expect_eq "alice's old token: 404 at once" 404 "$(valid "$AT")"
sleep 1.1	# a token issued in the second of a change goes with it
expect_eq "the new password logs in" 201 \
    "$(http_status -H 'Content-Type: application/json' -d "$(login_body alice new-alice -)" "$API/v3/auth/tokens")"
expect_eq "the old one does not" 401 \
    "$(http_status -H 'Content-Type: application/json' -d "$(login_body alice secret-alice -)" "$API/v3/auth/tokens")"
T=$(user_token demo secret-demo "$ON_DEMO")
TOK=$T answered "demo changes its own, with its token" 204 POST "/v3/users/$DEMO_U/password" "$(pw_body secret-demo new-demo)"
expect_eq "and that token ends" 404 "$(valid "$T")"
answered "lock alice's password" 200 PATCH "/v3/users/$A" '{"user": {"options": {"lock_password": true}}}'
TOK= refused "lock_password: no change by the user" 400 POST "/v3/users/$A/password" "$(pw_body new-alice newer-alice)"
sleep 1.1
AT=$(user_token alice new-alice -)
answered "the admin resets it" 200 PATCH "/v3/users/$A" '{"user": {"password": "reset-alice"}}'
expect_eq "which ends alice's token too" 404 "$(valid "$AT")"

# disable, delete: the user's tokens end at once
sleep 1.1
AT=$(user_token alice reset-alice -)
expect_eq "alice's new token" 200 "$(valid "$AT")"
expect_eq "cached" 200 "$(valid "$AT")"
answered "disable alice" 200 PATCH "/v3/users/$A" '{"user": {"enabled": false}}'
expect_eq "disabled: 404 at once" 404 "$(valid "$AT")"
answered "enable alice" 200 PATCH "/v3/users/$A" '{"user": {"enabled": true}}'
expect_eq "enabled again: the token stays revoked" 404 "$(valid "$AT")"
expect_eq "three events for alice" 3 "$(sql "SELECT count(*) FROM revocation_event WHERE user_id = '$A'")"
sleep 1.1
AT=$(user_token alice reset-alice -)
expect_ok "alice is a member of demo" mgr role-grant member --user alice --project demo
expect_eq "alice's token" 200 "$(valid "$AT")"
answered "delete alice" 204 DELETE "/v3/users/$A"
expect_eq "deleted: 404 at once" 404 "$(valid "$AT")"
expect_eq "its grants went with it, an event stays" "0 4" \
    "$(sql "SELECT (SELECT count(*) FROM assignment WHERE user_id = '$A') || ' ' || (SELECT count(*) FROM revocation_event WHERE user_id = '$A')")"
refused "and it is gone" 404 GET "/v3/users/$A"

# options: ignore_lockout_failure_attempts (lockout after 2 failures)
bad_login() {	# bad_login USER DOMAIN: one wrong password
	http_status -H 'Content-Type: application/json' -d "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"$1\", \"domain\": {\"id\": \"$2\"}, \"password\": \"wrong\"}}}}}" \
	    "$API/v3/auth/tokens" > /dev/null
}
for i in 1 2 3; do bad_login bob "$D1"; bad_login rdr default; done
expect_eq "bob ignores the lockout: his password works" 1 \
    "$(login_in bob secret-bob "$D1" '"unscoped"' | grep -c .)"
expect_eq "rdr is locked out" "" "$(user_token rdr secret-rdr "$ON_DEMO")"

# a token asked without a scope: the default project (Keystone's rule)
expect_ok "bob is a member of demo" mgr role-grant member --user bob --user-domain d1 --project demo
curl -s -o "$BODY" -H 'Content-Type: application/json' \
    -d "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"id\": \"$B\", \"password\": \"secret-bob\"}}}}}" \
    "$API/v3/auth/tokens"
expect_eq "no scope: bob's default project" demo "$(jq_ 'j["token"].get("project", {}).get("name")')"
login_in bob secret-bob "$D1" '"unscoped"' > /dev/null
expect_eq "\"unscoped\": none" "None" "$(jq_ 'j["token"].get("project")')"
answered "clear bob's default project" 200 \
    PATCH "/v3/users/$B" '{"user": {"default_project_id": null}}'
expect_eq "no default project shown" False "$(jq_ '"default_project_id" in j["user"]')"

stop_api || fail "signet-api exited badly: $(tail -5 "$WORK/api.log")"
finish
