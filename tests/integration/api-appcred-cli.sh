# Application credentials as a user types them: `openstack application
# credential create/list/show/delete` against signet-api, then the CLI
# authenticating with one (OS_AUTH_TYPE=v3applicationcredential) for
# `openstack token issue`, and a restricted credential refused a new one.
. tests/integration/lib/softhsm.sh
. tests/integration/lib/osc.sh

osc_start
token_keys
# signet-api asks the signer for payload 9 only where this allows it
printf '[signer]\nallowed_scopes = unscoped,project,domain,system,application_credential\n' >> "$CONF"
start_signer
expect_ok "db-sync" mgr db-sync
start_api
bootstrap_admin --public-url "$API/v3/"
ADMIN=$(admin_token)
printf 'secret-demo\n' > "$WORK/demo.pw"
expect_ok "user demo" mgr user-create demo --password-file "$WORK/demo.pw"
expect_ok "a demo project" mgr project-create demo
expect_ok "demo is a member of demo" mgr role-grant member --user demo --project demo

# os ARGS...: the openstack CLI as demo on demo
os() {
	env -i PATH=/usr/bin:/bin HOME="$WORK" OS_AUTH_URL="$API/v3" \
	    OS_USERNAME=demo OS_PASSWORD=secret-demo OS_PROJECT_NAME=demo \
	    OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default \
	    OS_IDENTITY_API_VERSION=3 /usr/bin/python3 -S \
	    tests/integration/lib/osc_client.py "$WORK/osc.sock" "$@"
}
# as_cred ID SECRET ARGS...: the CLI authenticated by the credential
as_cred() {
	_id=$1 _s=$2; shift 2
	env -i PATH=/usr/bin:/bin HOME="$WORK" OS_AUTH_URL="$API/v3" \
	    OS_AUTH_TYPE=v3applicationcredential \
	    OS_APPLICATION_CREDENTIAL_ID="$_id" \
	    OS_APPLICATION_CREDENTIAL_SECRET="$_s" \
	    OS_IDENTITY_API_VERSION=3 /usr/bin/python3 -S \
	    tests/integration/lib/osc_client.py "$WORK/osc.sock" "$@"
}
field() {	# field KEY: from the JSON in $WORK/out
	/usr/bin/python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))[sys.argv[2]]
print(v if isinstance(v, str) else json.dumps(v))' "$WORK/out" "$1"
}

expect_ok "application credential create" os application credential \
    create --secret s3cret-cli --description "for ci" ci -f json
AC=$(field id)
expect_eq "the secret shown once" s3cret-cli "$(field secret)"
expect_ok "a second one, reader only" os application credential create \
    --role reader ro -f json
RO=$(field id) RO_SECRET=$(field secret)
expect_ok "application credential list" os application credential list \
    -f value -c Name
expect_eq "both listed" "ci ro" "$(sort "$WORK/out" | paste -sd' ')"
expect_ok "application credential show" os application credential show ci \
    -f json
expect_eq "shown by name" "$AC for ci" "$(field id) $(field description)"

expect_ok "token issue with the credential" as_cred "$AC" s3cret-cli \
    token issue -f json
expect_eq "for demo's project" "$(/usr/bin/python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT id FROM project WHERE name = \"demo\"").fetchone()[0])' "$WORK/signet.db")" \
    "$(field project_id)"
TOK=$(field id)
expect_eq "the token validates" 200 "$(token_status "$TOK" "$TOK")"
expect_fail "a wrong secret" "HTTP 401" as_cred "$AC" wrong token issue
expect_fail "a restricted credential makes none" "HTTP 403" \
    as_cred "$RO" "$RO_SECRET" application credential create x
expect_ok "application credential delete" os application credential delete ci
expect_eq "its token is gone" 404 "$(token_status "$ADMIN" "$TOK")"
expect_fail "nor authenticates" "HTTP 401" as_cred "$AC" s3cret-cli token issue
expect_ok "the list after" os application credential list -f value -c Name
expect_eq "one left" ro "$(cat "$WORK/out")"
finish
