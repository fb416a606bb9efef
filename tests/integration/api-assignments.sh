# signet-api's grants and role assignments by curl, as Keystone's
# projects.py, domains.py, system.py and role_assignments.py: a role for
# a user or a group on a project, a domain or the system (PUT twice is
# 204 twice; HEAD, GET, DELETE; the lists), Keystone's 400/403/404 with
# nothing written, GET /v3/role_assignments with its filters, effective
# (groups expanded into members, roles into those they imply) and
# include_names, the default policy for a domain reader and a project
# member, and a grant taken away ending the token that relied on it on
# the very next request, cached or not.
. tests/integration/lib/softhsm.sh

appliance_up
start_api
. tests/integration/lib/identity.sh
for u in demo carl; do
	printf 'secret-%s\n' "$u" > "$WORK/$u.pw"
	expect_ok "user $u" mgr user-create "$u" --password-file "$WORK/$u.pw"
done
expect_ok "a demo project" mgr project-create demo
expect_ok "demo is a member of demo" mgr role-grant member --user demo --project demo
ADMIN=$(admin_token)
P=$(sql "SELECT id FROM project WHERE name = 'demo'")
CARL=$(sql "SELECT id FROM user WHERE name = 'carl'")
MEMBER=$(sql "SELECT id FROM role WHERE name = 'member'")
READER=$(sql "SELECT id FROM role WHERE name = 'reader'")
ON_DEMO='{"project": {"name": "demo", "domain": {"id": "default"}}}'
answered "a domain" 201 POST /v3/domains '{"domain": {"name": "d1"}}'
D1=$(jq_ 'j["domain"]["id"]')
answered "a project in d1" 201 POST /v3/projects "{\"project\": {\"name\": \"p1\", \"domain_id\": \"$D1\"}}"
P1=$(jq_ 'j["project"]["id"]')
answered "dan, of d1" 201 POST /v3/users "{\"user\": {\"name\": \"dan\", \"domain_id\": \"$D1\", \"password\": \"secret-dan\"}}"
DAN=$(jq_ 'j["user"]["id"]')
answered "a group" 201 POST /v3/groups '{"group": {"name": "devs"}}'
G=$(jq_ 'j["group"]["id"]')
answered "carl joins it" 204 PUT "/v3/groups/$G/users/$CARL"
answered "a role of d1" 201 POST /v3/roles "{\"role\": {\"name\": \"local\", \"domain_id\": \"$D1\"}}"
DR=$(jq_ 'j["role"]["id"]')
counts() {
	sql "SELECT (SELECT group_concat(role_id || user_id || target_type || target_id, ',') FROM assignment) || ' ' || (SELECT group_concat(role_id || group_id || target_type || target_id, ',') FROM group_assignment)"
}

# each kind of grant: made twice, checked, listed, taken away
for g in "projects/$P/users/$CARL" "projects/$P/groups/$G" "domains/$D1/users/$DAN" \
    "domains/$D1/groups/$G" "system/users/$CARL" "system/groups/$G"; do
	answered "PUT $g/roles/reader" 204 PUT "/v3/$g/roles/$READER"
	answered "PUT it again: 204" 204 PUT "/v3/$g/roles/$READER"
	answered "HEAD it" 204 HEAD "/v3/$g/roles/$READER"
	answered "GET it" 204 GET "/v3/$g/roles/$READER"
	answered "list $g/roles" 200 GET "/v3/$g/roles"
	expect_eq "reader, its links, the list's" "reader $API/v3/roles/$READER $API/v3/$g/roles" \
	    "$(jq_ '",".join(r["name"] for r in j["roles"]), j["roles"][0]["links"]["self"], j["links"]["self"]' | tr -d "(),'")"
	refused "not member" 404 GET "/v3/$g/roles/$MEMBER"
done
expect_eq "Keystone's 404" "Could not find role assignment with role: $MEMBER, user or group: $G, project, domain, or system: system." \
    "$(jq_ 'j["error"]["message"]')"
expect_eq "six grants, one of each (and bootstrap's and demo's)" 6 \
    "$(sql "SELECT (SELECT count(*) FROM assignment) + (SELECT count(*) FROM group_assignment) - 3")"

# bad grants, nothing written
before=$(counts)
refused "no such role" 404 PUT "/v3/projects/$P/users/$CARL/roles/norole"
expect_eq "Keystone's 404" "Could not find role: norole." "$(jq_ 'j["error"]["message"]')"
refused "no such user" 404 PUT "/v3/projects/$P/users/nobody/roles/$READER"
refused "no such group" 404 PUT "/v3/domains/$D1/groups/nogroup/roles/$READER"
refused "no such project" 404 PUT "/v3/projects/noproject/users/$CARL/roles/$READER"
expect_eq "Keystone's 404" "Could not find project: noproject." "$(jq_ 'j["error"]["message"]')"
refused "no such domain" 404 PUT "/v3/domains/nodomain/users/$CARL/roles/$READER"
refused "d1's role on another domain's project" 403 PUT "/v3/projects/$P/users/$CARL/roles/$DR"
refused "a domain's role on the system" 400 PUT "/v3/system/users/$CARL/roles/$DR"
refused "taking away what no user had" 404 DELETE "/v3/projects/$P/users/nobody/roles/$READER"
refused "taking away what carl has not" 404 DELETE "/v3/projects/$P/users/$CARL/roles/$MEMBER"
refused "POST on a grant" 405 POST "/v3/projects/$P/users/$CARL/roles/$READER"
refused "PUT on a list" 405 PUT "/v3/projects/$P/users/$CARL/roles"
refused "a grant of a percent-encoded id" 404 PUT "/v3/projects/$P/users/%63arl/roles/$READER"
expect_eq "nothing half-written" "$before" "$(counts)"

# GET /v3/role_assignments
ra() {	# ra QUERY: "scope actor role" of each, sorted
	call GET "/v3/role_assignments$1"
	[ "$CODE" = 200 ] || fail "role_assignments$1: HTTP $CODE: $(head -c 300 "$BODY")"
	jq_ '" ".join(sorted("%s:%s>%s" % ("/".join(a["scope"]) , (a.get("user") or a.get("group"))["id"][:4], a["role"]["id"][:4]) for a in j["role_assignments"]))'
}
ssort() {	# ssort WORDS...: sorted as ra sorts them
	/usr/bin/python3 -c 'import sys; print(" ".join(sorted(sys.argv[1:])))' "$@"
}
c4=$(printf %.4s "$CARL") g4=$(printf %.4s "$G") r4=$(printf %.4s "$READER")
m4=$(printf %.4s "$MEMBER")
expect_eq "by user" "$(ssort "project:$c4>$r4" "system:$c4>$r4")" "$(ra "?user.id=$CARL")"
expect_eq "by group" "$(ssort "domain:$g4>$r4" "project:$g4>$r4" "system:$g4>$r4")" "$(ra "?group.id=$G")"
expect_eq "by project" "$(ssort "project:$c4>$r4" "project:$g4>$r4" "project:$(printf %.4s "$(sql "SELECT id FROM user WHERE name = 'demo'")")>$m4")" \
    "$(ra "?scope.project.id=$P")"
expect_eq "by domain" "$(ssort "domain:$(printf %.4s "$DAN")>$r4" "domain:$g4>$r4")" "$(ra "?scope.domain.id=$D1")"
expect_eq "the system's" 3 "$(ra "?scope.system=all" | wc -w)"
expect_eq "by role" 6 "$(ra "?role.id=$READER" | wc -w)"
expect_eq "effective, carl on demo: his own, his group's" "project:$c4>$r4 project:$c4>$r4" \
    "$(ra "?effective&user.id=$CARL&scope.project.id=$P")"
expect_eq "the group's carries the membership link" \
    "$API/v3/projects/$P/groups/$G/roles/$READER $API/v3/groups/$G/users/$CARL" \
    "$(jq_ '[(a["links"]["assignment"], a["links"]["membership"]) for a in j["role_assignments"] if "membership" in a["links"]][0]' | tr -d "(),'")"
answered "carl: member on demo" 204 PUT "/v3/projects/$P/users/$CARL/roles/$MEMBER"
expect_eq "effective: member implies reader (a prior_role link)" \
    "$API/v3/prior_role/$READER/implies/$MEMBER" \
    "$(ra "?effective&user.id=$CARL&role.id=$READER" > /dev/null; jq_ '[a["links"]["prior_role"] for a in j["role_assignments"] if "prior_role" in a["links"]][0]')"
expect_eq "effective leaves roles of a domain out" 0 "$(ra "?effective&role.id=$DR" | wc -w)"
call GET "/v3/role_assignments?user.id=$DAN&include_names"
expect_eq "include_names" "dan d1 reader d1" \
    "$(jq_ 'j["role_assignments"][0]["user"]["name"], j["role_assignments"][0]["user"]["domain"]["name"], j["role_assignments"][0]["role"]["name"], j["role_assignments"][0]["scope"]["domain"]["name"]' | tr -d "(),'")"
expect_eq "inherited ones: none here" 0 "$(ra "?scope.OS-INHERIT:inherited_to=projects" | wc -w)"
refused "a domain and a project" 400 GET "/v3/role_assignments?scope.domain.id=$D1&scope.project.id=$P"
expect_eq "Keystone's message" "Specify a domain or project, not both" "$(jq_ 'j["error"]["message"]')"
refused "the system and a project" 400 GET "/v3/role_assignments?scope.system=all&scope.project.id=$P"
refused "a user and a group" 400 GET "/v3/role_assignments?user.id=$CARL&group.id=$G"
refused "effective and a group" 400 GET "/v3/role_assignments?effective&group.id=$G"
refused "include_subtree" 400 GET "/v3/role_assignments?include_subtree=1&scope.project.id=$P"

# a domain reader and a project member: Keystone 22's default rules
answered "dan reads d1 (already)" 204 PUT "/v3/domains/$D1/users/$DAN/roles/$READER"
answered "dan: member of p1" 204 PUT "/v3/projects/$P1/users/$DAN/roles/$MEMBER"
DT=$(login_in dan secret-dan "$D1" "{\"domain\": {\"id\": \"$D1\"}}")
TOK=$DT answered "d1 reader: role assignments" 200 GET /v3/role_assignments
expect_eq "d1's only" "domain domain project" \
    "$(jq_ '" ".join(sorted("/".join(a["scope"]) for a in j["role_assignments"]))')"
TOK=$DT answered "d1 reader: check dan's grant on p1" 204 HEAD "/v3/projects/$P1/users/$DAN/roles/$MEMBER"
TOK=$DT answered "d1 reader: list dan's roles on p1" 200 GET "/v3/projects/$P1/users/$DAN/roles"
TOK=$DT refused "d1 reader: carl's on demo" 403 GET "/v3/projects/$P/users/$CARL/roles/$READER"
TOK=$DT refused "d1 reader: grant" 403 PUT "/v3/projects/$P1/users/$DAN/roles/$READER"
T=$(user_token demo secret-demo "$ON_DEMO")
TOK=$T refused "member: role assignments" 403 GET /v3/role_assignments
expect_eq "Keystone's 403" "You are not authorized to perform the requested action: identity:list_role_assignments." \
    "$(jq_ 'j["error"]["message"]')"
TOK=$T refused "member: check a grant" 403 GET "/v3/projects/$P/users/$CARL/roles/$READER"
TOK=$T refused "member: grant" 403 PUT "/v3/projects/$P/users/$CARL/roles/$MEMBER"
TOK=$T refused "member: take away" 403 DELETE "/v3/projects/$P/users/$CARL/roles/$READER"
TOK=$T refused "member: the system's roles" 403 GET "/v3/system/users/$CARL/roles"

# a grant taken away: the token that relied on it ends at once
CT=$(user_token carl secret-carl "$ON_DEMO")
expect_eq "carl's token" 200 "$(valid "$CT")"
expect_eq "cached" 200 "$(valid "$CT")"
answered "carl: no member" 204 DELETE "/v3/projects/$P/users/$CARL/roles/$MEMBER"
expect_eq "still reader (his own, his group's): 200" 200 "$(valid "$CT")"
answered "carl: no reader" 204 DELETE "/v3/projects/$P/users/$CARL/roles/$READER"
expect_eq "still reader through devs" 200 "$(valid "$CT")"
answered "devs: no reader on demo" 204 DELETE "/v3/projects/$P/groups/$G/roles/$READER"
expect_eq "no role left on demo: 404 at once" 404 "$(valid "$CT")"
refused "taken away twice: 404" 404 DELETE "/v3/projects/$P/groups/$G/roles/$READER"
ST=$(user_token carl secret-carl '{"system": {"all": true}}')
expect_eq "carl's system token" 200 "$(valid "$ST")"
answered "carl: no reader on the system" 204 DELETE "/v3/system/users/$CARL/roles/$READER"
expect_eq "through devs still" 200 "$(valid "$ST")"
answered "devs: no reader on the system" 204 DELETE "/v3/system/groups/$G/roles/$READER"
expect_eq "none left: 404 at once" 404 "$(valid "$ST")"
answered "dan: no reader on d1" 204 DELETE "/v3/domains/$D1/users/$DAN/roles/$READER"
expect_eq "dan's domain token: 404 at once" 404 "$(valid "$DT")"

stop_api || fail "signet-api exited badly: $(tail -5 "$WORK/api.log")"
finish
