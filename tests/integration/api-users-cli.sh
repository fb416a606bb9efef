# signet-api's users, groups, roles and grants driven by the openstack
# CLI as against Keystone 22: user create/list/show/set/delete, a user's
# own `user password set`, group create/add user/list, role
# create/list/add/remove/delete, `role assignment list --effective
# --names`, implied role create/list; a member refused (403) what
# Keystone's default policy keeps from it; and a kolla-style service user
# (admin on the service project) that authenticates and finds its
# endpoint. The admin's commands use its token (token_endpoint), the
# others log in with their passwords.
. tests/integration/lib/softhsm.sh
. tests/integration/lib/osc.sh

osc_start
token_up
expect_ok "db-sync" mgr db-sync
start_api
bootstrap_admin --public-url "$API/v3/"
expect_ok "a demo project" mgr project-create demo
. tests/integration/lib/identity.sh
DEMO=$(sql "SELECT id FROM project WHERE name = 'demo'")

# os USER PASSWORD PROJECT ARGS...: the openstack CLI as that user
os() {
	_u=$1 _pw=$2 _p=$3; shift 3
	env -i PATH=/usr/bin:/bin HOME="$WORK" OS_AUTH_URL="$API/v3" \
	    OS_USERNAME="$_u" OS_PASSWORD="$_pw" OS_PROJECT_NAME="$_p" \
	    OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default \
	    OS_IDENTITY_API_VERSION=3 /usr/bin/python3 -S \
	    tests/integration/lib/osc_client.py "$WORK/osc.sock" "$@"
}
# adm ARGS...: as the admin, with its token and the API's URL (no
# login per command: the password logins are the other users')
ADMIN=$(admin_token)
adm() {
	env -i PATH=/usr/bin:/bin HOME="$WORK" OS_AUTH_TYPE=token_endpoint \
	    OS_ENDPOINT="$API/v3" OS_TOKEN="$ADMIN" OS_IDENTITY_API_VERSION=3 \
	    /usr/bin/python3 -S tests/integration/lib/osc_client.py \
	    "$WORK/osc.sock" "$@"
}

# users
expect_ok "user create" adm user create --password secret-ulla --email u@example.org \
    --description first ulla -f value -c id
ULLA=$(cat "$WORK/out")
expect_eq "user show" "ulla True u@example.org first" \
    "$(adm user show ulla -f json | /usr/bin/python3 -c 'import json, sys
u = json.load(sys.stdin); print(u["name"], u["enabled"], u["email"], u["description"])')"
expect_ok "user set --project --disable" adm user set --project demo --disable ulla
expect_eq "user list --long" "ulla $DEMO False" \
    "$(adm user list --long -f value -c Name -c Project -c Enabled | grep '^ulla')"
expect_ok "user set --enable --name" adm user set --enable --name ulla2 ulla
expect_ok "user list" adm user list -f value -c Name
grep -qx ulla2 "$WORK/out" || fail "user list lacks ulla2"
expect_ok "role add member on demo" adm role add --user ulla2 --project demo member

# a user's own password
os ulla2 secret-ulla demo token issue -f value -c id > "$WORK/t1" 2>&1 ||
    fail "ulla2 cannot log in: $(cat "$WORK/t1")"
expect_ok "user password set, as ulla2" os ulla2 secret-ulla demo user password set \
    --password new-ulla --original-password secret-ulla
T1=$(cat "$WORK/t1")
expect_eq "her token from before: 404" 404 "$(token_status "$ADMIN" "$T1")"
sleep 1.1
expect_ok "the new password works" os ulla2 new-ulla demo token issue
if os ulla2 secret-ulla demo token issue > "$WORK/out" 2> "$WORK/err"; then
	fail "the old password still works"
else
	grep -q "HTTP 401" "$WORK/err" && ok "the old password: 401" ||
	    fail "the old password: $(tail -1 "$WORK/err")"
fi

# groups, roles, grants
expect_ok "group create" adm group create devs
expect_ok "group add user" adm group add user devs ulla2
expect_eq "group list --user" devs "$(adm group list --user ulla2 -f value -c Name)"
expect_ok "group contains user" adm group contains user devs ulla2
expect_ok "role create" adm role create auditor
expect_ok "role list" adm role list -f value -c Name
grep -qx auditor "$WORK/out" || fail "role list lacks auditor"
expect_ok "implied role create" adm implied role create auditor --implied-role reader
expect_eq "implied role list" "auditor reader" \
    "$(adm implied role list -f value -c 'Prior Role Name' -c 'Implied Role Name' | grep '^auditor')"
expect_ok "role add --group" adm role add --group devs --project demo auditor
expect_eq "role assignment list --effective --names" \
    "auditor ulla2@Default demo@Default|member ulla2@Default demo@Default|reader ulla2@Default demo@Default|reader ulla2@Default demo@Default" \
    "$(adm role assignment list --effective --names --user ulla2 -f value -c Role -c User -c Project | sort | paste -sd'|')"
expect_eq "her token: the group's role and what roles imply" "auditor member reader" \
    "$(os ulla2 new-ulla demo token issue -f value -c id > "$WORK/t2" && \
      curl -s -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $(cat "$WORK/t2")" "$API/v3/auth/tokens" |
      /usr/bin/python3 -c 'import json, sys; print(*sorted(r["name"] for r in json.load(sys.stdin)["token"]["roles"]))')"
expect_ok "role remove" adm role remove --user ulla2 --project demo member
expect_ok "role remove --group" adm role remove --group devs --project demo auditor
expect_eq "no role left on demo: her token ends" 404 "$(token_status "$ADMIN" "$(cat "$WORK/t2")")"
expect_ok "role delete" adm role delete auditor

# a member: Keystone 22's default policy
expect_ok "rex" adm user create --password secret-rex rex
expect_ok "rex: member of demo" adm role add --user rex --project demo member
expect_ok "rex: user show itself" os rex secret-rex demo user show rex
for c in "user list" "group list" "role list" "role assignment list" "user create x" \
    "role create x"; do
	# shellcheck disable=SC2086
	if os rex secret-rex demo $c > "$WORK/out" 2> "$WORK/err"; then
		fail "rex: $c: allowed"
	elif grep -q "HTTP 403" "$WORK/err"; then
		ok "rex: $c: 403"
	else
		fail "rex: $c: $(tail -2 "$WORK/err")"
	fi
done
expect_ok "user delete" adm user delete ulla2
if adm user show ulla2 > "$WORK/out" 2>&1; then fail "ulla2 is still there"; else ok "ulla2 is gone"; fi

# kolla-style: a service user, admin on the service project, its endpoint
expect_ok "project create service" adm project create --domain default service
expect_ok "user create nova" adm user create --password secret-nova nova
expect_ok "role add admin on service" adm role add --project service --user nova admin
expect_ok "service create" adm service create --name nova compute
for i in public internal admin; do
	expect_ok "endpoint create $i" adm endpoint create --region RegionOne \
	    compute "$i" "http://nova-$i:8774/v2.1"
done
expect_ok "nova authenticates" os nova secret-nova service token issue -f value -c project_id
expect_eq "on the service project" "$(adm project show service -f value -c id)" \
    "$(cat "$WORK/out" 2>/dev/null || true)"
expect_eq "nova finds its internal endpoint" "http://nova-internal:8774/v2.1" \
    "$(os nova secret-nova service endpoint list --service compute --interface internal -f value -c URL)"
expect_ok "catalog show compute" os nova secret-nova service catalog show compute -f json
grep -q "http://nova-internal:8774/v2.1" "$WORK/out" || fail "nova's catalog lacks its endpoint"

stop_api || fail "signet-api exited badly: $(tail -5 "$WORK/api.log")"
finish
