# Application credentials through signet-api, driven by curl: create
# (the secret shown once, kept hashed), list, show and delete in
# Keystone's shapes and errors (nothing half-written), Keystone's policy
# (the owner, another user, the admin), authentication by id and by name
# and user, Keystone's payload 9 tokens with the credential's roles that
# the user still holds, restricted credentials, deletion ending tokens on
# the very next request (cached ones too), and signet-manage offline.
. tests/integration/lib/softhsm.sh

appliance_up
# signet-api asks the signer for payload 9 only where this allows it
printf '[signer]\nallowed_scopes = unscoped,project,domain,system,application_credential\n' >> "$CONF"
stop_signer
start_signer
start_api
for u in demo other; do
	printf 'secret-%s\n' "$u" > "$WORK/$u.pw"
	expect_ok "user $u" mgr user-create "$u" --password-file "$WORK/$u.pw"
done
expect_ok "a demo project" mgr project-create demo
for g in "member --user demo" "reader --user demo" "member --user other"; do
	# shellcheck disable=SC2086
	expect_ok "grant $g" mgr role-grant $g --project demo
done
DB="$WORK/signet.db"
sql() {
	/usr/bin/python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for row in c.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
c.commit()' "$DB" "$1"
}
DEMO_SCOPE='{"project": {"name": "demo", "domain": {"id": "default"}}}'
ADMIN=$(admin_token)
DEMO=$(user_token demo secret-demo "$DEMO_SCOPE")
OTHER=$(user_token other secret-other "$DEMO_SCOPE")
DEMO_ID=$(sql "SELECT id FROM user WHERE name = 'demo'")
PROJ=$(sql "SELECT id FROM project WHERE name = 'demo'")
BODY="$WORK/b"
call() {	# call TOKEN METHOD PATH [DATA]: sets CODE
	CODE=$(curl -s -D "$WORK/h" -o "$BODY" -w '%{http_code}' -X "$2" \
	    -H "X-Auth-Token: $1" -H 'Content-Type: application/json' \
	    ${4:+--data-binary "$4"} "$API$3")
}
jq_() {
	/usr/bin/python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$BODY" "$1"
}
answered() {	# answered DESC CODE TOKEN METHOD PATH [DATA]
	desc=$1 want=$2; shift 2
	call "$@"
	if [ "$CODE" = "$want" ]; then ok "$desc"; else
		fail "$desc: HTTP $CODE, want $want: $(head -c 300 "$BODY")"; fi
}
# refused DESC CODE MESSAGE TOKEN METHOD PATH [DATA]: Keystone's error
refused() {
	desc=$1 want=$2 msg=$3; shift 3
	answered "$desc" "$want" "$@"
	[ "$(jq_ 'j["error"]["message"]')" = "$msg" ] ||
	    fail "$desc: message $(head -c 300 "$BODY")"
}
C="/v3/users/$DEMO_ID/application_credentials"
subject() {
	sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$WORK/h"
}
# by_id ID SECRET: POST /v3/auth/tokens with the credential
by_id() {
	CODE=$(curl -s -D "$WORK/h" -o "$BODY" -w '%{http_code}' \
	    -H 'Content-Type: application/json' -d "{\"auth\": {\"identity\": {\"methods\": [\"application_credential\"], \"application_credential\": {\"id\": \"$1\", \"secret\": \"$2\"}}}}" \
	    "$API/v3/auth/tokens")
}

# --- create: the secret once, hashed in the store
answered "create, everything by default" 201 "$DEMO" POST "$C" \
    '{"application_credential": {"name": "app1"}}'
expect_eq "Keystone's members" \
    "description expires_at id links name project_id roles secret unrestricted" \
    "$(jq_ '" ".join(sorted(j["application_credential"]))')"
A1=$(jq_ 'j["application_credential"]["id"]')
S1=$(jq_ 'j["application_credential"]["secret"]')
expect_eq "a secret made of 64 random bytes" 86 "${#S1}"
expect_eq "the creator's roles on its project, unrestricted false" \
    "member,reader $PROJ False None" \
    "$(jq_ '(lambda x: " ".join([",".join(sorted(r["name"] for r in x["roles"])), x["project_id"], str(x["unrestricted"]), str(x["expires_at"])]))(j["application_credential"])')"
expect_eq "the link Keystone gives" "$API/v3/application_credentials/$A1" \
    "$(jq_ 'j["application_credential"]["links"]["self"]')"
case "$(sql "SELECT secret_hash FROM application_credential WHERE id = '$A1'")" in
'$2b$12$'*) ok "the secret kept as a bcrypt hash" ;;
*) fail "the secret's hash: $(sql 'SELECT secret_hash FROM application_credential')" ;;
esac
grep -qF "$S1" "$DB" "$WORK/api.log" && fail "the secret is in the store or the log"
EXP=$(date -u -d '+10 min' +%Y-%m-%dT%H:%M:%S)
answered "create with a secret, a role by name, an expiry" 201 "$DEMO" POST \
    "$C" "{\"application_credential\": {\"name\": \"ro\", \"secret\": \"s3cret-ro\", \"roles\": [{\"name\": \"reader\"}], \"expires_at\": \"$EXP.250000\", \"description\": \"d\"}}"
RO=$(jq_ 'j["application_credential"]["id"]')
expect_eq "the secret given, the role asked, microseconds kept" \
    "s3cret-ro reader $EXP.250000 d" \
    "$(jq_ '(lambda x: " ".join([x["secret"], ",".join(r["name"] for r in x["roles"]), x["expires_at"], x["description"]]))(j["application_credential"])')"
READER=$(sql "SELECT id FROM role WHERE name = 'reader'")
answered "an unrestricted one, a role by id" 201 "$DEMO" POST "$C" \
    "{\"application_credential\": {\"name\": \"wide\", \"secret\": \"s3cret-wide\", \"unrestricted\": true, \"roles\": [{\"id\": \"$READER\"}]}}"
WIDE=$(jq_ 'j["application_credential"]["id"]')

# --- bad input: Keystone's status and message, nothing written
n0=$(sql 'SELECT count(*) FROM application_credential')
refused "no name" 400 "'name' is a required property" "$DEMO" POST "$C" \
    '{"application_credential": {}}'
refused "a name not a string" 400 \
    "Invalid input for field 'name': is not of type 'string'" "$DEMO" POST \
    "$C" '{"application_credential": {"name": 7}}'
refused "a 256-byte name" 400 "Invalid input for field 'name': is too long" \
    "$DEMO" POST "$C" "{\"application_credential\": {\"name\": \"$(printf '%0256d' 0)\"}}"
refused "roles not a list" 400 \
    "Invalid input for field 'roles': is not of type 'array'" "$DEMO" POST \
    "$C" '{"application_credential": {"name": "x", "roles": "member"}}'
refused "a role by id and name" 400 \
    "Invalid input for field 'roles': has too many properties" "$DEMO" POST \
    "$C" '{"application_credential": {"name": "x", "roles": [{"id": "a", "name": "b"}]}}'
refused "a role the creator does not hold" 400 \
    "Invalid application credential: Cannot create an application credential with unassigned role" \
    "$DEMO" POST "$C" '{"application_credential": {"name": "x", "roles": [{"name": "admin"}]}}'
refused "an unknown role" 404 "Could not find role: nosuch." "$DEMO" POST \
    "$C" '{"application_credential": {"name": "x", "roles": [{"name": "nosuch"}]}}'
refused "a name taken" 409 \
    "Conflict occurred attempting to store application_credential - Duplicate entry found with name app1." \
    "$DEMO" POST "$C" '{"application_credential": {"name": "app1"}}'
refused "an expiry past" 400 \
    "The 'expires_at' must not be before now. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error." \
    "$DEMO" POST "$C" '{"application_credential": {"name": "x", "expires_at": "2001-01-01T00:00:00"}}'
answered "an expiry that is no time" 400 "$DEMO" POST "$C" \
    '{"application_credential": {"name": "x", "expires_at": "tomorrow"}}'
answered "access rules" 400 "$DEMO" POST "$C" \
    '{"application_credential": {"name": "x", "access_rules": [{"service": "compute", "path": "/v2.1/servers", "method": "GET"}]}}'
printf '{"application_credential": {"name": "\377x"}}' > "$WORK/bad.json"
answered "a name not UTF-8" 400 "$DEMO" POST "$C" "@$WORK/bad.json"
answered "a secret with a NUL" 400 "$DEMO" POST "$C" \
    '{"application_credential": {"name": "x", "secret": "a\u0000b"}}'
answered "PATCH is not Keystone's" 405 "$DEMO" PATCH "$C/$A1" \
    '{"application_credential": {"name": "y"}}'
expect_eq "nothing written by a refusal" "$n0" \
    "$(sql 'SELECT count(*) FROM application_credential')"

# --- policy: the owner, another user, the admin
answered "the owner lists them" 200 "$DEMO" GET "$C"
expect_eq "three, no user_id in a list" "app1 ro wide False" \
    "$(jq_ '" ".join(sorted(x["name"] for x in j["application_credentials"])) + " " + str(any("user_id" in x for x in j["application_credentials"]))')"
answered "?name=" 200 "$DEMO" GET "$C?name=ro"
expect_eq "by name" "$RO" "$(jq_ '",".join(x["id"] for x in j["application_credentials"])')"
answered "the owner shows one" 200 "$DEMO" GET "$C/$A1"
expect_eq "a show names its user" "$DEMO_ID None" \
    "$(jq_ 'j["application_credential"]["user_id"] + " " + str(j["application_credential"]["system"])')"
refused "another user cannot show it" 403 \
    "You are not authorized to perform the requested action: identity:get_application_credential." \
    "$OTHER" GET "$C/$A1"
answered "nor through its own path" 403 "$OTHER" GET \
    "/v3/users/$(sql "SELECT id FROM user WHERE name = 'other'")/application_credentials/$A1"
answered "nor list them" 403 "$OTHER" GET "$C"
answered "nor make one for the owner" 403 "$OTHER" POST "$C" \
    '{"application_credential": {"name": "x"}}'
answered "nor delete one" 403 "$OTHER" DELETE "$C/$A1"
answered "the admin shows it" 200 "$ADMIN" GET "$C/$A1"
answered "the admin lists them" 200 "$ADMIN" GET "$C"
answered "the admin cannot make one for another user" 403 "$ADMIN" POST "$C" \
    '{"application_credential": {"name": "x"}}'
refused "an unknown one" 404 "Could not find Application Credential: nosuch." \
    "$ADMIN" GET "$C/nosuch"

# --- authentication: by id, by name and user; Keystone's payload 9
by_id "$A1" "$S1"
expect_eq "a token by id" 201 "$CODE"
T1=$(subject)
expect_eq "the credential's token" \
    "application_credential $PROJ member,reader $A1 app1 True" \
    "$(jq_ '(lambda t: " ".join([",".join(t["methods"]), t["project"]["id"], ",".join(sorted(r["name"] for r in t["roles"])), t["application_credential"]["id"], t["application_credential"]["name"], str(t["application_credential"]["restricted"])]))(j["token"])')"
grep -q "\"op\":\"issue_fernet\".*\"app_cred_id\":\"$A1\".*\"result\":\"ok\"" \
    "$WORK/audit.log" || fail "the signer sealed no payload 9 for it"
expect_eq "it validates" 200 "$(token_status "$ADMIN" "$T1")"
curl -s -o "$BODY" -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $T1" \
    "$API/v3/auth/tokens"
expect_eq "its document names the credential" "$A1 True" \
    "$(jq_ 'j["token"]["application_credential"]["id"] + " " + str(j["token"]["application_credential"]["restricted"])')"
for u in "{\"id\": \"$DEMO_ID\"}" '{"name": "demo", "domain": {"name": "Default"}}'; do
	CODE=$(curl -s -o "$BODY" -w '%{http_code}' -H 'Content-Type: application/json' \
	    -d "{\"auth\": {\"identity\": {\"methods\": [\"application_credential\"], \"application_credential\": {\"name\": \"ro\", \"user\": $u, \"secret\": \"s3cret-ro\"}}}}" \
	    "$API/v3/auth/tokens")
	expect_eq "a token by name and user $u" "201 reader" \
	    "$CODE $(jq_ '",".join(r["name"] for r in j["token"]["roles"])')"
done
expect_eq "no later than the credential" "$EXP.000000Z" \
    "$(jq_ 'j["token"]["expires_at"]')"
by_id "$A1" "wrong-secret"
expect_eq "a wrong secret" 401 "$CODE"
by_id nosuch "$S1"
expect_eq "an unknown credential" 401 "$CODE"
CODE=$(curl -s -o "$BODY" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"auth\": {\"identity\": {\"methods\": [\"application_credential\"], \"application_credential\": {\"id\": \"$A1\", \"secret\": \"$S1\"}}, \"scope\": {\"project\": {\"id\": \"$PROJ\"}}}}" \
    "$API/v3/auth/tokens")
expect_eq "no scope asked" "401 Error authenticating with application credential: Application credentials cannot request a scope." \
    "$CODE $(jq_ 'j["error"]["message"]')"
sql "UPDATE application_credential SET expires_at = 1000000 WHERE id = '$RO'"
by_id "$RO" s3cret-ro
expect_eq "an expired credential" 401 "$CODE"
CODE=$(curl -s -o "$BODY" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$T1\"}}, \"scope\": {\"project\": {\"id\": \"$PROJ\"}}}}" \
    "$API/v3/auth/tokens")
expect_eq "no re-scope of its token (Keystone: 403)" 403 "$CODE"

# --- restricted or not
refused "a restricted credential's token makes none" 403 \
    "You are not authorized to perform the requested action: Using method 'application_credential' is not allowed for managing additional application credentials." \
    "$T1" POST "$C" '{"application_credential": {"name": "x"}}'
answered "nor deletes one" 403 "$T1" DELETE "$C/$WIDE"
by_id "$WIDE" s3cret-wide
TW=$(subject)
answered "an unrestricted one's token makes one" 201 "$TW" POST "$C" \
    '{"application_credential": {"name": "child", "roles": [{"name": "reader"}]}}'

# --- the roles held now; deletion ends its tokens at once
expect_eq "validated (and cached)" 200 "$(token_status "$ADMIN" "$T1")"
expect_ok "demo loses member" mgr role-revoke member --user demo --project demo
curl -s -o "$BODY" -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $T1" \
    "$API/v3/auth/tokens"
expect_eq "the role lost leaves its token" reader \
    "$(jq_ '",".join(r["name"] for r in j["token"]["roles"])')"
expect_eq "its token as X-Auth-Token" 200 \
    "$(http_status -H "X-Auth-Token: $T1" "$API/v3/auth/projects")"
answered "the owner deletes it" 204 "$DEMO" DELETE "$C/$A1"
expect_eq "its token is gone on the next request" 404 \
    "$(token_status "$ADMIN" "$T1")"
expect_eq "and is no X-Auth-Token" 401 \
    "$(http_status -H "X-Auth-Token: $T1" "$API/v3/auth/projects")"
by_id "$A1" "$S1"
expect_eq "nor authenticates" 401 "$CODE"
answered "a second delete" 404 "$DEMO" DELETE "$C/$A1"

# --- signet-manage, offline
expect_ok "app-cred-list" mgr app-cred-list --user demo
expect_eq "demo's credentials" "child ro wide" "$(cut -f2 "$WORK/out" | sort | paste -sd' ')"
expect_ok "app-cred-show" mgr app-cred-show "$WIDE"
grep -q '"unrestricted": true' "$WORK/out" || fail "app-cred-show: $(cat "$WORK/out")"
grep -q 'secret' "$WORK/out" && fail "app-cred-show shows the secret's hash"
expect_eq "its token validates" 200 "$(token_status "$ADMIN" "$TW")"
expect_ok "app-cred-delete" mgr app-cred-delete "$WIDE"
expect_eq "its token is gone" 404 "$(token_status "$ADMIN" "$TW")"
expect_fail "app-cred-delete of none" "no such entry" mgr app-cred-delete "$WIDE"
grep -q "AddressSanitizer\|runtime error" "$WORK/api.log" &&
    fail "sanitizer: $(grep -m1 'ERROR\|runtime error' "$WORK/api.log")"
expect_ok "clean api shutdown" stop_api
finish
