# signet-api in front of a real signer and store, driven by curl, the
# openstack CLI and keystoneauth1: discovery, issuing for each scope,
# validation and who may validate, and bad input — each a clear 4xx while
# the server keeps serving. The API process never maps a PKCS#11 library.
. tests/integration/lib/softhsm.sh

token_keys pki
mkdir "$WORK/certs"
expect_ok "export-certs" prov export-certs "$WORK/certs"
start_signer
printf 'secret-demo\n' > "$WORK/demo.pw"
expect_ok "db-sync" mgr db-sync
start_api
bootstrap_admin --public-url "$API/v3/"
expect_ok "a demo project" mgr project-create demo
expect_ok "a demo user" mgr user-create demo --password-file "$WORK/demo.pw"
expect_ok "demo is a member of demo" mgr role-grant member --user demo \
    --project demo

H="$WORK/headers" BODY="$WORK/body"
call() {	# call METHOD PATH [DATA] [CURL ARGS...]: sets CODE
	m=$1 p=$2; shift 2
	if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
		d=$1; shift
		CODE=$(curl -s -o "$BODY" -D "$H" -w '%{http_code}' -X "$m" \
		    -H 'Content-Type: application/json' --data-binary "$d" \
		    "$@" "$API$p")
	else
		CODE=$(curl -s -o "$BODY" -D "$H" -w '%{http_code}' -X "$m" \
		    "$@" "$API$p")
	fi
}
code() {	# code DESC WANT
	if [ "$CODE" = "$2" ]; then ok "$1"; else
		fail "$1: HTTP $CODE, want $2: $(head -c 300 "$BODY")"; fi
}
jq_() {		# jq_ PYTHON_EXPR: evaluated on the body as j
	/usr/bin/python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$BODY" "$1"
}
subject() {
	sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$H"
}
pw_body() {	# pw_body USER PASSWORD SCOPE_JSON
	printf '{"auth": {"identity": {"methods": ["password"], "password": '`
	    `'{"user": {"name": "%s", "domain": {"name": "Default"}, '`
	    `'"password": "%s"}}}%s}}' "$1" "$2" "${3:+, \"scope\": $3}"
}

call GET /
code "GET / is 300" 300
expect_eq "the self link" "$API/v3/" \
    "$(jq_ 'j["versions"]["values"][0]["links"][0]["href"]')"
call GET /v3
code "GET /v3 is 200" 200

call POST /v3/auth/tokens "$(pw_body admin secret-admin \
    '{"project": {"name": "admin", "domain": {"id": "default"}}}')"
code "admin, project-scoped" 201
ADMIN=$(subject)
[ -n "$ADMIN" ] || fail "no X-Subject-Token"
expect_eq "admin's roles, implied ones included" "['admin', 'member', 'reader']" \
    "$(jq_ 'sorted(r["name"] for r in j["token"]["roles"])')"
expect_eq "a catalog with the identity service" identity \
    "$(jq_ 'j["token"]["catalog"][0]["type"]')"
call POST '/v3/auth/tokens?nocatalog' "$(pw_body demo secret-demo \
    '{"project": {"name": "demo", "domain": {"name": "Default"}}}')"
code "demo, project-scoped, nocatalog" 201
DEMO=$(subject)
expect_eq "no catalog key" False "$(jq_ '"catalog" in j["token"]')"
call POST /v3/auth/tokens "$(pw_body demo secret-demo '"unscoped"')"
code "unscoped" 201
expect_eq "unscoped: no roles, no catalog" "False False" \
    "$(jq_ '"roles" in j["token"], "catalog" in j["token"]' | tr -d '(),')"
call POST /v3/auth/tokens "$(pw_body admin secret-admin \
    '{"system": {"all": true}}')"
code "system-scoped" 201
expect_eq "system all" True "$(jq_ 'j["token"]["system"]["all"]')"
call POST /v3/auth/tokens "$(pw_body admin secret-admin \
    '{"domain": {"id": "default"}}')"
code "a domain where admin has no role" 401
expect_ok "grant admin on the default domain" mgr role-grant admin \
    --user admin --domain default
call POST /v3/auth/tokens "$(pw_body admin secret-admin \
    '{"domain": {"id": "default"}}')"
code "domain-scoped" 201
expect_eq "domain name" Default "$(jq_ 'j["token"]["domain"]["name"]')"

# What the caller may see, and the certificates PKI verifiers fetch.
call GET /v3/auth/projects -H "X-Auth-Token: $DEMO"
code "auth/projects" 200
expect_eq "demo's projects" "['demo']" "$(jq_ '[p["name"] for p in j["projects"]]')"
call GET /v3/auth/domains -H "X-Auth-Token: $ADMIN"
code "auth/domains" 200
expect_eq "admin's domains" "['Default']" "$(jq_ '[d["name"] for d in j["domains"]]')"
call GET /v3/auth/catalog -H "X-Auth-Token: $ADMIN"
code "auth/catalog" 200
expect_eq "the catalog" identity "$(jq_ 'j["catalog"][0]["type"]')"
call GET /v3/auth/projects
code "auth/projects without a token" 401
for p in /v2.0/certificates/signing /v3/OS-SIMPLE-CERT/certificates; do
	call GET "$p"
	code "GET $p" 200
	cmp -s "$BODY" "$WORK/certs/signing_cert.pem" || fail "$p differs"
done
for p in /v2.0/certificates/ca /v3/OS-SIMPLE-CERT/ca; do
	call GET "$p"
	code "GET $p" 200
	cmp -s "$BODY" "$WORK/certs/ca.pem" || fail "$p differs"
done
grep -qi '^Content-Type: application/x-pem-file' "$H" || fail "PEM type"

# Validation.
call GET /v3/auth/tokens -H "X-Auth-Token: $DEMO" -H "X-Subject-Token: $DEMO"
code "a user validates their own token" 200
expect_eq "the subject is echoed" "$DEMO" "$(subject)"
call GET /v3/auth/tokens -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $DEMO"
code "admin validates demo's token" 200
expect_eq "with demo's roles" "['member', 'reader']" \
    "$(jq_ 'sorted(r["name"] for r in j["token"]["roles"])')"
call GET /v3/auth/tokens -H "X-Auth-Token: $DEMO" -H "X-Subject-Token: $ADMIN"
code "demo may not validate admin's token" 403
call HEAD /v3/auth/tokens -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $DEMO"
code "HEAD" 200
call GET /v3/auth/tokens -H "X-Auth-Token: $ADMIN"
code "no subject token" 404
call GET /v3/auth/tokens -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: garbage"
code "a garbage subject token" 404
flipped=$(printf '%s' "$DEMO" | sed 's/.$/A/;t' | sed 's/A$/B/')
[ "$flipped" = "$DEMO" ] && flipped="${DEMO%?}C"
call GET /v3/auth/tokens -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $flipped"
code "a tampered subject token" 404
call GET /v3/auth/tokens -H "X-Auth-Token: garbage" -H "X-Subject-Token: $DEMO"
code "a garbage X-Auth-Token" 401
grep -qi '^WWW-Authenticate: Keystone uri=' "$H" || fail "no WWW-Authenticate"

# Bad input: each a 4xx; the server keeps serving.
bad() {		# bad DESC WANT DATA [CURL ARGS]
	desc=$1 want=$2; shift 2
	call POST /v3/auth/tokens "$@"
	code "$desc" "$want"
	! grep -q 'secret-' "$BODY" || fail "$desc: a password was echoed"
}
bad "not JSON" 400 '{"auth": '
bad "garbage after the object" 400 "$(pw_body demo secret-demo) x"
CODE=$(curl -s -o "$BODY" -w '%{http_code}' -X POST -H 'Content-Type: text/plain' \
    --data-binary "$(pw_body demo secret-demo)" "$API/v3/auth/tokens")
code "wrong content type" 400
bad "empty object" 400 '{}'
bad "auth without identity" 400 '{"auth": {}}'
bad "unknown method" 400 "$(pw_body demo secret-demo | sed 's/\["password"\]/["magic"]/')"
bad "methods repeated" 400 "$(pw_body demo secret-demo | sed 's/\["password"\]/["password", "password"]/')"
bad "a number for the password" 400 "$(pw_body demo secret-demo | sed 's/"secret-demo"/5/')"
bad "a name without its domain" 400 '{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "demo", "password": "x"}}}}}'
bad "a duplicate key" 400 "$(pw_body demo secret-demo | sed 's/"password": "secret-demo"/"password": "secret-demo", "password": "x"/')"
bad "a NUL in the name" 400 "$(pw_body 'de\u0000mo' secret-demo)"
bad "project and domain in one scope" 400 "$(pw_body demo secret-demo '{"project": {"id": "x"}, "domain": {"id": "default"}}')"
bad "wrong password" 401 "$(pw_body demo wrong)"
bad "unknown user" 401 "$(pw_body nobody secret-demo)"
bad "unknown project" 401 "$(pw_body demo secret-demo '{"project": {"id": "0123"}}')"
bad "a project without a role" 401 "$(pw_body demo secret-demo '{"project": {"name": "admin", "domain": {"id": "default"}}}')"
head -c 102400 /dev/zero | tr '\0' p > "$WORK/bigpw"
bad "a 100 kB password" 400 "$(pw_body demo "$(cat "$WORK/bigpw")")"
head -c 1048576 /dev/zero | tr '\0' ' ' > "$WORK/big.json"
call POST /v3/auth/tokens "@$WORK/big.json"
code "a 1 MB body" 413
/usr/bin/python3 -c 'print("[" * 100000)' > "$WORK/deep.json"
call POST /v3/auth/tokens "@$WORK/deep.json"
code "100000 nested brackets" 400
call PUT /v3/auth/tokens
code "PUT" 405
call GET /v3/nothing
code "an unknown path" 404

# Re-scoping with the token method (keystoneauth v3.Token).
call POST /v3/auth/tokens "$(pw_body demo secret-demo)"
code "an unscoped parent" 201
PARENT=$(subject)
pexp=$(jq_ 'j["token"]["expires_at"]')
paid=$(jq_ 'j["token"]["audit_ids"][0]')
sleep 1
call POST /v3/auth/tokens "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$PARENT\"}}, \"scope\": {\"project\": {\"name\": \"demo\", \"domain\": {\"id\": \"default\"}}}}}"
code "re-scoped to a project" 201
CHILD=$(subject)
expect_eq "expires_at copied from the parent" "$pexp" \
    "$(jq_ 'j["token"]["expires_at"]')"
expect_eq "the parent's audit id as the chain" "$paid" \
    "$(jq_ 'j["token"]["audit_ids"][1]')"
expect_eq "methods" "['password', 'token']" "$(jq_ 'j["token"]["methods"]')"
call POST /v3/auth/tokens '{"auth": {"identity": {"methods": ["token"]}, "scope": {"project": {"name": "demo", "domain": {"id": "default"}}}}}' \
    -H "X-Auth-Token: $PARENT"
code "the token method with X-Auth-Token only" 201
call POST /v3/auth/tokens '{"auth": {"identity": {"methods": ["token"], "token": {"id": "garbage"}}}}'
code "the token method with a garbage token" 401

# keystonemiddleware auth_token in front of a WSGI app (service user svc).
mw_check() {	# mw_check DESC WANT TOKEN
	printf '%s\n' "$3" | /usr/bin/python3 tests/integration/lib/middleware.py \
	    "$API" secret-demo > "$WORK/mw" 2>"$WORK/mw.err"
	expect_eq "$1" "$2" "$(cat "$WORK/mw")"
}

# Revocation: by audit id, children through their chain.
expect_ok "a service user" mgr user-create svc --password-file "$WORK/demo.pw"
expect_ok "with the service role" mgr role-grant service --user svc \
    --project demo
call POST /v3/auth/tokens "$(pw_body svc secret-demo \
    '{"project": {"name": "demo", "domain": {"id": "default"}}}')"
SVC=$(subject)
call GET /v3/auth/tokens -H "X-Auth-Token: $SVC" -H "X-Subject-Token: $CHILD"
code "the service role may validate" 200
demo_user=$(jq_ 'j["token"]["user"]["id"]')
demo_proj=$(jq_ 'j["token"]["project"]["id"]')
mw_check "auth_token passes a valid token, identity headers set" \
    "200 $demo_user $demo_proj member,reader" "$CHILD"
mw_check "auth_token refuses garbage" "401 -" "garbage"
call DELETE /v3/auth/tokens -H "X-Auth-Token: $SVC" -H "X-Subject-Token: $CHILD"
code "but not revoke someone else's token" 403
call DELETE /v3/auth/tokens -H "X-Auth-Token: $DEMO" -H "X-Subject-Token: $PARENT"
code "demo revokes its unscoped parent" 204
call GET /v3/auth/tokens -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $PARENT"
code "the revoked token" 404
call GET '/v3/auth/tokens?allow_expired=1' -H "X-Auth-Token: $ADMIN" \
    -H "X-Subject-Token: $PARENT"
code "the revoked token with allow_expired" 404
call GET /v3/auth/tokens -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $CHILD"
code "its re-scoped child is revoked with it" 404
mw_check "auth_token refuses the revoked token" "401 -" "$CHILD"
call GET /v3/auth/tokens -H "X-Auth-Token: $PARENT" -H "X-Subject-Token: $DEMO"
code "a revoked X-Auth-Token" 401
call DELETE /v3/auth/tokens -H "X-Auth-Token: $DEMO" -H "X-Subject-Token: $PARENT"
code "a second DELETE" 404
call GET /v3/auth/tokens -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $DEMO"
code "demo's other token is untouched" 200

# A disabled user: no new token, and the old ones stop validating.
expect_ok "disable demo" mgr user-disable demo
bad "a disabled user" 401 "$(pw_body demo secret-demo)"
call GET /v3/auth/tokens -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $DEMO"
code "a disabled user's token" 404

# Validated documents are cached until the store changes: a role taken
# away by signet-manage (another process) shows on the very next GET.
expect_ok "carol" mgr user-create carol --password-file "$WORK/demo.pw"
expect_ok "carol is a member of demo" mgr role-grant member --user carol \
    --project demo
call POST /v3/auth/tokens "$(pw_body carol secret-demo \
    '{"project": {"name": "demo", "domain": {"id": "default"}}}')"
CAROL=$(subject)
call GET /v3/auth/tokens -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $CAROL"
cp "$BODY" "$WORK/carol.1"
call GET /v3/auth/tokens -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $CAROL"
code "carol's token, twice" 200
cmp -s "$BODY" "$WORK/carol.1" && ok "the same document both times" ||
    fail "the second document differs"
call GET '/v3/auth/tokens?nocatalog' -H "X-Auth-Token: $ADMIN" \
    -H "X-Subject-Token: $CAROL"
expect_eq "nocatalog is not served from the catalog entry" False \
    "$(jq_ '"catalog" in j["token"]')"
# Keystone asks only whether nocatalog is there, whatever its value.
call GET '/v3/auth/tokens?nocatalog=0' -H "X-Auth-Token: $ADMIN" \
    -H "X-Subject-Token: $CAROL"
expect_eq "nocatalog=0 drops the catalog too, as Keystone" False \
    "$(jq_ '"catalog" in j["token"]')"
call GET /v3/auth/tokens -H "X-Auth-Token: $CAROL" -H "X-Subject-Token: $ADMIN"
code "carol may not see admin's token" 403
expect_ok "role-revoke" mgr role-revoke member --user carol --project demo
call GET /v3/auth/tokens -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $CAROL"
code "carol's token without the role, at once" 404
call GET /v3/auth/tokens -H "X-Auth-Token: $CAROL" -H "X-Subject-Token: $CAROL"
code "nor may it authenticate" 401

# Real clients.
osenv() {
	url=$1
	shift
	env -i PATH=/usr/bin:/bin HOME="$WORK" OS_AUTH_URL="$url" \
	    OS_USERNAME=admin OS_PASSWORD=secret-admin OS_PROJECT_NAME=admin \
	    OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default \
	    OS_IDENTITY_API_VERSION=3 "$@"
}
expect_ok "openstack token issue (auth URL /v3)" osenv "$API/v3" \
    /usr/bin/openstack token issue -f value -c user_id
expect_ok "openstack token issue (discovery from /)" osenv "$API" \
    /usr/bin/openstack token issue -f value -c project_id
osenv "$API/v3" /usr/bin/openstack token issue -f value -c id \
    > "$WORK/cli.token" 2>&1 || fail "no token from the CLI"
expect_ok "openstack token revoke" osenv "$API/v3" /usr/bin/openstack \
    token revoke "$(cat "$WORK/cli.token")"
call GET /v3/auth/tokens -H "X-Auth-Token: $ADMIN" \
    -H "X-Subject-Token: $(cat "$WORK/cli.token")"
code "the CLI-revoked token" 404
expect_ok "a keystoneauth1 password session" /usr/bin/python3 - "$API" <<'PY'
import sys
from keystoneauth1 import session
from keystoneauth1.identity import v3
auth = v3.Password(auth_url=sys.argv[1] + '/v3', username='admin',
                   password='secret-admin', project_name='admin',
                   user_domain_id='default', project_domain_id='default')
s = session.Session(auth=auth)
assert s.get_token()
assert s.get_project_id()
assert s.get_endpoint(service_type='identity', interface='public')
PY

# libmicrohttpd's GnuTLS links libp11-kit (a loader); no module is mapped.
! grep -qE 'softhsm|libp11\.so|engines-3/pkcs11|p11-kit-(trust|proxy|client)' \
    "/proc/$API_PID/maps" || fail "signet-api maps a PKCS#11 module"
grep -q "Max core file size *0 *0" "/proc/$API_PID/limits" ||
    fail "signet-api, which sees passwords, can dump core"
call GET /v3
code "still serving" 200
expect_ok "clean shutdown of the API" stop_api
finish
