# signet-api's groups, memberships, roles, domain roles and implied roles
# by curl, as keystone/api/groups.py, roles.py and role_inferences.py:
# shapes, filters, bad input (Keystone's 400/403/404/409, nothing
# written), the default policy for a project member, and what tokens see
# on the very next request, cached or not: a group's grant gives its
# members roles (and what those imply); a member removed or a group (with
# roles) deleted ends the member's tokens, as Keystone revokes them; an
# implication undone or a role deleted is gone from the token, which stops
# validating once it has no role left.
. tests/integration/lib/softhsm.sh

appliance_up
start_api
. tests/integration/lib/identity.sh
for u in demo carl; do
	printf 'secret-%s\n' "$u" > "$WORK/$u.pw"
	expect_ok "user $u" mgr user-create "$u" --password-file "$WORK/$u.pw"
done
expect_ok "a demo project" mgr project-create demo
expect_ok "an other project" mgr project-create other
expect_ok "demo is a member of demo" mgr role-grant member --user demo --project demo
ADMIN=$(admin_token)
P=$(sql "SELECT id FROM project WHERE name = 'demo'")
CARL=$(sql "SELECT id FROM user WHERE name = 'carl'")
MEMBER=$(sql "SELECT id FROM role WHERE name = 'member'")
READER=$(sql "SELECT id FROM role WHERE name = 'reader'")
ADMIN_R=$(sql "SELECT id FROM role WHERE name = 'admin'")
ON_DEMO='{"project": {"name": "demo", "domain": {"id": "default"}}}'
roles_of() {	# roles_of TOKEN: the names of its roles, as validated
	curl -s -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $1" "$API/v3/auth/tokens" > "$BODY"
	jq_ '",".join(sorted(r["name"] for r in j["token"]["roles"]))'
}
counts() {
	sql "SELECT (SELECT count(*) FROM user_group) || ' ' || (SELECT count(*) FROM group_member) || ' ' || (SELECT count(*) FROM role) || ' ' || (SELECT count(*) FROM implied_role) || ' ' || (SELECT count(*) FROM revocation_event) || ' ' || (SELECT group_concat(name || coalesce(description, '-') || coalesce(options, '-'), ',') FROM role) || (SELECT group_concat(name || coalesce(description, '-'), ',') FROM user_group)"
}

# groups: shapes and filters
answered "create a group" 201 POST /v3/groups '{"group": {"name": " devs "}}'
G=$(jq_ 'j["group"]["id"]')
expect_eq "Keystone's shape, the name stripped" "devs default  $API/v3/groups/$G" \
    "$(jq_ 'j["group"]["name"], j["group"]["domain_id"], j["group"]["description"], j["group"]["links"]["self"]' | tr -d "(),'")"
answered "a domain" 201 POST /v3/domains '{"domain": {"name": "d1"}}'
D1=$(jq_ 'j["domain"]["id"]')
answered "a group in d1, described" 201 POST /v3/groups "{\"group\": {\"name\": \"devs\", \"domain_id\": \"$D1\", \"description\": \"x\"}}"
G1=$(jq_ 'j["group"]["id"]')
answered "list by name" 200 GET "/v3/groups?name=devs"
expect_eq "both" 2 "$(jq_ 'len(j["groups"])')"
answered "list by domain" 200 GET "/v3/groups?domain_id=$D1"
expect_eq "d1's" "$G1" "$(jq_ '",".join(g["id"] for g in j["groups"])')"
answered "update a group" 200 PATCH "/v3/groups/$G1" '{"group": {"name": "ops", "description": null}}'
expect_eq "renamed, description null as Keystone keeps it" "ops None" \
    "$(jq_ 'j["group"]["name"], j["group"]["description"]' | tr -d "(),'")"
answered "HEAD a group" 200 HEAD "/v3/groups/$G"
answered "another group" 201 POST /v3/groups '{"group": {"name": "qa"}}'

# roles: shapes and filters
answered "create a role" 201 POST /v3/roles '{"role": {"name": "custom"}}'
R=$(jq_ 'j["role"]["id"]')
expect_eq "Keystone's shape" "custom None None {}" \
    "$(jq_ 'j["role"]["name"], j["role"]["domain_id"], j["role"]["description"], j["role"]["options"]' | tr -d "(),'")"
answered "a role of d1 of the same name" 201 POST /v3/roles "{\"role\": {\"name\": \"custom\", \"domain_id\": \"$D1\"}}"
DR=$(jq_ 'j["role"]["id"]')
answered "list roles" 200 GET /v3/roles
expect_eq "roles of no domain only, bootstrap's immutable" "admin:True,custom:None,member:True,reader:True,service:None" \
    "$(jq_ '",".join(sorted("%s:%s" % (r["name"], r["options"].get("immutable")) for r in j["roles"]))')"
answered "list d1's roles" 200 GET "/v3/roles?domain_id=$D1"
expect_eq "the role of d1" "$DR" "$(jq_ '",".join(r["id"] for r in j["roles"])')"
answered "update a role" 200 PATCH "/v3/roles/$R" '{"role": {"description": "mine"}}'

# bad input on every write, nothing written
before=$(counts)
long=$(head -c 256 /dev/zero | tr '\0' n)
refused "a group without a name" 400 POST /v3/groups '{"group": {}}'
refused "a 256-byte group name" 400 POST /v3/groups "{\"group\": {\"name\": \"$long\"}}"
refused "a blank group name" 400 POST /v3/groups '{"group": {"name": " "}}'
CODE=$(printf '{"group": {"name": "\377"}}' | curl -s -o "$BODY" -w '%{http_code}' -X POST \
    -H "X-Auth-Token: $ADMIN" -H 'Content-Type: application/json' --data-binary @- "$API/v3/groups")
expect_eq "a group name that is not UTF-8" 400 "$CODE"
refused "a group in no such domain" 404 POST /v3/groups '{"group": {"name": "x", "domain_id": "nowhere"}}'
refused "the same group name twice" 409 POST /v3/groups '{"group": {"name": "devs"}}'
expect_eq "Keystone's 409" "Conflict occurred attempting to store group - Duplicate entry found with name devs at domain ID default." \
    "$(jq_ 'j["error"]["message"]')"
refused "a group renamed onto another" 409 PATCH "/v3/groups/$G" '{"group": {"name": "qa"}}'
refused "a group moved" 400 PATCH "/v3/groups/$G" "{\"group\": {\"domain_id\": \"$D1\"}}"
refused "no such group" 404 GET /v3/groups/nogroup
expect_eq "Keystone's 404" "Could not find group: nogroup." "$(jq_ 'j["error"]["message"]')"
refused "delete no such group" 404 DELETE /v3/groups/nogroup
refused "a role without a name" 400 POST /v3/roles '{"role": {"description": "x"}}'
refused "a 256-byte role name" 400 POST /v3/roles "{\"role\": {\"name\": \"$long\"}}"
refused "a role name that is a list" 400 POST /v3/roles '{"role": {"name": ["x"]}}'
refused "a null role description" 400 POST /v3/roles '{"role": {"name": "x", "description": null}}'
refused "a role option unknown" 400 POST /v3/roles '{"role": {"name": "x", "options": {"color": 1}}}'
refused "the same role name twice" 409 POST /v3/roles '{"role": {"name": "custom"}}'
expect_eq "Keystone's 409" "Conflict occurred attempting to store role - Duplicate entry found with name custom." \
    "$(jq_ 'j["error"]["message"]')"
refused "twice in d1" 409 POST /v3/roles "{\"role\": {\"name\": \"custom\", \"domain_id\": \"$D1\"}}"
refused "a role of no such domain" 404 POST /v3/roles '{"role": {"name": "x", "domain_id": "nowhere"}}'
refused "a role moved out of its domain" 400 PATCH "/v3/roles/$DR" '{"role": {"domain_id": null}}'
refused "no such role" 404 GET /v3/roles/norole
refused "delete bootstrap's member (immutable)" 403 DELETE "/v3/roles/$MEMBER"
refused "rename bootstrap's reader (immutable)" 403 PATCH "/v3/roles/$READER" '{"role": {"name": "r"}}'
refused "admin may not be implied" 403 PUT "/v3/roles/$R/implies/$ADMIN_R"
refused "a role of no domain implies none of one" 403 PUT "/v3/roles/$R/implies/$DR"
refused "no such implied role" 404 PUT "/v3/roles/$R/implies/norole"
refused "no such implication" 404 GET "/v3/roles/$R/implies/$READER"
expect_eq "Keystone's 404" "$R does not imply $READER." "$(jq_ 'j["error"]["message"]')"
refused "membership: no such user" 404 PUT "/v3/groups/$G/users/nobody"
refused "membership: no such group" 404 PUT "/v3/groups/nogroup/users/$CARL"
answered "not a member (HEAD)" 404 HEAD "/v3/groups/$G/users/$CARL"
refused "not a member" 404 GET "/v3/groups/$G/users/$CARL"
refused "not a member: nothing to remove" 404 DELETE "/v3/groups/$G/users/$CARL"
expect_eq "Keystone's 404" "User '$CARL' not found in group '$G'" "$(jq_ 'j["error"]["message"]')"
refused "POST on a membership" 405 POST "/v3/groups/$G/users/$CARL"
expect_eq "nothing half-written" "$before" "$(counts)"

# a project member: Keystone 22's default rules
T=$(user_token demo secret-demo "$ON_DEMO")
TOK=$T refused "member: list groups" 403 GET /v3/groups
TOK=$T refused "member: create a group" 403 POST /v3/groups '{"group": {"name": "x"}}'
TOK=$T refused "member: join a group" 403 PUT "/v3/groups/$G/users/$CARL"
TOK=$T refused "member: list a group's users" 403 GET "/v3/groups/$G/users"
TOK=$T refused "member: list roles" 403 GET /v3/roles
TOK=$T refused "member: create a role" 403 POST /v3/roles '{"role": {"name": "x"}}'
TOK=$T refused "member: imply" 403 PUT "/v3/roles/$R/implies/$READER"
TOK=$T refused "member: role inferences" 403 GET /v3/role_inferences
expect_eq "nothing written" "$before" "$(counts)"

# a group's grant: its members' roles, in tokens and lists
answered "carl joins devs" 204 PUT "/v3/groups/$G/users/$CARL"
answered "again: nothing changes" 204 PUT "/v3/groups/$G/users/$CARL"
answered "a member (HEAD)" 204 HEAD "/v3/groups/$G/users/$CARL"
answered "a member (GET)" 204 GET "/v3/groups/$G/users/$CARL"
answered "devs' users" 200 GET "/v3/groups/$G/users"
expect_eq "carl" carl "$(jq_ '",".join(u["name"] for u in j["users"])')"
answered "carl's groups" 200 GET "/v3/users/$CARL/groups"
expect_eq "devs, with Keystone's membership_expires_at" "devs None" \
    "$(jq_ '",".join(g["name"] for g in j["groups"]), j["groups"][0]["membership_expires_at"]' | tr -d "(),'")"
answered "devs are members of demo" 204 PUT "/v3/projects/$P/groups/$G/roles/$MEMBER"
answered "carl is a reader of other himself" 204 PUT "/v3/projects/$(sql "SELECT id FROM project WHERE name = 'other'")/users/$CARL/roles/$READER"
CT=$(user_token carl secret-carl "$ON_DEMO")
expect_eq "carl's token on demo: the group's role and what it implies" member,reader "$(roles_of "$CT")"
CO=$(user_token carl secret-carl '{"project": {"name": "other", "domain": {"id": "default"}}}')
TOK=$CT answered "carl's projects (GET /v3/auth/projects)" 200 GET /v3/auth/projects
expect_eq "demo through devs, other his own" demo,other "$(jq_ '",".join(sorted(p["name"] for p in j["projects"]))')"
answered "carl's projects (/v3/users/{id}/projects)" 200 GET "/v3/users/$CARL/projects"
expect_eq "the same" demo,other "$(jq_ '",".join(sorted(p["name"] for p in j["projects"]))')"
expect_eq "cached" 200 "$(valid "$CT")"
answered "carl leaves devs" 204 DELETE "/v3/groups/$G/users/$CARL"
expect_eq "his token on demo: 404 at once" 404 "$(valid "$CT")"
expect_eq "as Keystone, every token of his ends (a user event)" 404 "$(valid "$CO")"
sleep 1.1
expect_eq "no role on demo now: no token" "" "$(user_token carl secret-carl "$ON_DEMO")"

# implied roles
answered "custom implies reader" 201 PUT "/v3/roles/$R/implies/$READER"
expect_eq "Keystone's shape" "custom reader $API/v3/roles/$R/implies/$READER $API/v3/roles/$READER" \
    "$(jq_ 'j["role_inference"]["prior_role"]["name"], j["role_inference"]["implies"]["name"], j["links"]["self"], j["role_inference"]["implies"]["links"]["self"]' | tr -d "(),'")"
refused "again: 409" 409 PUT "/v3/roles/$R/implies/$READER"
answered "GET it" 200 GET "/v3/roles/$R/implies/$READER"
answered "HEAD it" 204 HEAD "/v3/roles/$R/implies/$READER"
answered "what custom implies" 200 GET "/v3/roles/$R/implies"
expect_eq "reader" reader "$(jq_ '",".join(r["name"] for r in j["role_inference"]["implies"])')"
answered "d1's custom implies member" 201 PUT "/v3/roles/$DR/implies/$MEMBER"
answered "role inferences" 200 GET /v3/role_inferences
expect_eq "every rule by its prior role" "admin>member,custom>member,custom>reader,member>reader" \
    "$(jq_ '",".join(sorted("%s>%s" % (i["prior_role"]["name"], r["name"]) for i in j["role_inferences"] for r in i["implies"]))')"
answered "carl: custom on demo" 204 PUT "/v3/projects/$P/users/$CARL/roles/$R"
sleep 1.1
CT=$(user_token carl secret-carl "$ON_DEMO")
expect_eq "custom and reader" custom,reader "$(roles_of "$CT")"
answered "custom implies reader no more" 204 DELETE "/v3/roles/$R/implies/$READER"
expect_eq "reader gone at once" custom "$(roles_of "$CT")"
refused "undone twice: 404" 404 DELETE "/v3/roles/$R/implies/$READER"
answered "a project p1 in d1" 201 POST /v3/projects "{\"project\": {\"name\": \"p1\", \"domain_id\": \"$D1\"}}"
P1=$(jq_ 'j["project"]["id"]')
answered "carl: d1's custom on p1" 204 PUT "/v3/projects/$P1/users/$CARL/roles/$DR"
refused "not on demo (another domain)" 403 PUT "/v3/projects/$P/users/$CARL/roles/$DR"
T1=$(user_token carl secret-carl "{\"project\": {\"id\": \"$P1\"}}")
expect_eq "a domain role is no token's: what it implies is" member,reader "$(roles_of "$T1")"

# a role deleted: gone from tokens at once; a token with no role left ends
answered "make custom immutable" 200 PATCH "/v3/roles/$R" '{"role": {"options": {"immutable": true}}}'
refused "an immutable role is not deleted" 403 DELETE "/v3/roles/$R"
answered "make it mutable again (that change alone)" 200 PATCH "/v3/roles/$R" '{"role": {"options": {"immutable": false}}}'
answered "carl: member on demo too" 204 PUT "/v3/projects/$P/users/$CARL/roles/$MEMBER"
expect_eq "custom, member, reader" custom,member,reader "$(roles_of "$CT")"
answered "delete custom" 204 DELETE "/v3/roles/$R"
expect_eq "custom gone from the token at once" member,reader "$(roles_of "$CT")"
expect_eq "its grants went with it" 0 "$(sql "SELECT count(*) FROM assignment WHERE role_id = '$R'")"
answered "delete d1's custom" 204 DELETE "/v3/roles/$DR"
expect_eq "carl's token on p1: no role left, 404 at once" 404 "$(valid "$T1")"
refused "deleted twice: 404" 404 DELETE "/v3/roles/$R"

# a group with roles deleted ends its members' tokens
answered "carl joins devs again" 204 PUT "/v3/groups/$G/users/$CARL"
sleep 1.1
CT=$(user_token carl secret-carl "$ON_DEMO")
expect_eq "carl's token" 200 "$(valid "$CT")"
answered "delete devs" 204 DELETE "/v3/groups/$G"
expect_eq "devs held a role: carl's tokens end" 404 "$(valid "$CT")"
expect_eq "its memberships and grants went with it" "0 0" \
    "$(sql "SELECT (SELECT count(*) FROM group_member WHERE group_id = '$G') || ' ' || (SELECT count(*) FROM group_assignment WHERE group_id = '$G')")"

stop_api || fail "signet-api exited badly: $(tail -5 "$WORK/api.log")"
finish
