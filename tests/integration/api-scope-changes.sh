# signet-api keeps the user and the scope a token names per store epoch:
# a change to either (a rename, a disable, through the API or by
# signet-manage) shows in the very next validation and login, for tokens
# the API has validated before, as Keystone reads them afresh.
. tests/integration/lib/softhsm.sh

appliance_up
start_api
. tests/integration/lib/identity.sh
printf 'secret-demo\n' > "$WORK/demo.pw"
expect_ok "a demo user" mgr user-create demo --password-file "$WORK/demo.pw"
expect_ok "a project p1" mgr project-create p1
expect_ok "demo a member of p1" mgr role-grant member --user demo --project p1
expect_ok "demo a member of the default domain" mgr role-grant member \
    --user demo --domain default
ADMIN=$(admin_token)
P1=$(sql "SELECT id FROM project WHERE name = 'p1'")
U=$(sql "SELECT id FROM user WHERE name = 'demo'")
ON_P1='{"project": {"name": "p1", "domain": {"id": "default"}}}'
shown() {	# shown TOKEN EXPR: EXPR over the validated token (j)
	curl -s -o "$BODY" -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $1" \
	    "$API/v3/auth/tokens"
	jq_ "$2"
}

T=$(user_token demo secret-demo "$ON_P1")
expect_eq "p1's token, twice: its user and project" "demo p1 demo p1" \
    "$(shown "$T" 'j["token"]["user"]["name"], j["token"]["project"]["name"]' | tr -d "(),'") $(shown "$T" 'j["token"]["user"]["name"], j["token"]["project"]["name"]' | tr -d "(),'")"

# renames, through the API: the next validation names them anew
answered "p1 renamed p2" 200 PATCH "/v3/projects/$P1" \
    '{"project": {"name": "p2"}}'
expect_eq "the token names p2 at once" p2 \
    "$(shown "$T" 'j["token"]["project"]["name"]')"
expect_eq "a login to p1 finds none" "" "$(user_token demo secret-demo "$ON_P1")"
T2=$(user_token demo secret-demo '{"project": {"name": "p2", "domain": {"id": "default"}}}')
expect_eq "a login to p2 does" 200 "$(valid "$T2")"
answered "demo renamed dora" 200 PATCH "/v3/users/$U" \
    '{"user": {"name": "dora"}}'
expect_eq "the token names dora at once" dora \
    "$(shown "$T" 'j["token"]["user"]["name"]')"
D=$(user_token dora secret-demo '{"domain": {"id": "default"}}')
expect_eq "a domain-scoped token" Default \
    "$(shown "$D" 'j["token"]["domain"]["name"]')"
answered "the default domain renamed" 200 PATCH /v3/domains/default \
    '{"domain": {"name": "Home"}}'
expect_eq "the domain-scoped token names Home at once" Home \
    "$(shown "$D" 'j["token"]["domain"]["name"]')"

# a disable by signet-manage, another process
expect_ok "p2 disabled (signet-manage)" mgr project-disable p2
expect_eq "p2's token is refused at once" 404 "$(valid "$T")"
expect_eq "nor may one log in to p2" "" \
    "$(user_token dora secret-demo '{"project": {"name": "p2", "domain": {"id": "default"}}}')"
finish
