# [token] provider = jws: signet-api has the signer sign ES256 tokens in
# the token and verifies them itself, with no call per validation, under
# the public keys PublicMaterial gives (also served as a JWK Set at
# /v3/OS-SIMPLE-CERT/jwks). Issued with curl and the openstack CLI,
# validated, re-scoped and revoked; Keystone's own JWSFormatter reads
# them; Keystone's tokens under an imported key validate here; tampered,
# expired, "none" and unknown-key tokens are 404; a rotation keeps old
# tokens validating; keystonemiddleware accepts them.
. tests/integration/lib/softhsm.sh

export PYTHONPATH="$PWD/tests/integration/lib"
KS=tests/integration/lib/keystone_jws.py
expect_ok "init-token" prov init-token
expect_ok "fernet-setup" prov fernet-setup
expect_ok "jws-setup" prov jws-setup
for d in ks other; do
	mkdir -p "$WORK/$d/private" "$WORK/$d/public"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$WORK/$d/private/private.pem" 2>/dev/null
	openssl pkey -in "$WORK/$d/private/private.pem" -pubout \
	    -out "$WORK/$d/public/public.pem" 2>/dev/null
done
expect_ok "import Keystone's public key" prov import-jws-public \
    "$WORK/ks/public"
printf '[token]\nprovider = jws\n' >> "$CONF"
start_signer
printf 'secret-admin\n' > "$WORK/admin.pw"
printf 'secret-demo\n' > "$WORK/demo.pw"
expect_ok "db-sync" mgr db-sync
start_api
expect_ok "bootstrap" mgr bootstrap --admin-password-file "$WORK/admin.pw" \
    --public-url "$API/v3/"
expect_ok "a demo project" mgr project-create demo
expect_ok "a demo user" mgr user-create demo --password-file "$WORK/demo.pw"
expect_ok "demo is a member of demo" mgr role-grant member --user demo \
    --project demo
expect_ok "a service user" mgr user-create svc --password-file "$WORK/demo.pw"
expect_ok "with the service role" mgr role-grant service --user svc \
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
validate() {	# validate DESC WANT TOKEN [QUERY]
	call GET "/v3/auth/tokens${4:-}" -H "X-Auth-Token: $ADMIN" \
	    -H "X-Subject-Token: $3"
	code "$1" "$2"
}
ks() {		# DIR TOKEN: Keystone's reading of the token
	printf '%s\n' "$2" | /usr/bin/python3 "$KS" validate "$1"
}
mint() {	# KEYDIR CLAIMS: a token Keystone's JWSFormatter signs
	printf '%s\n' "$2" | /usr/bin/python3 "$KS" mint "$WORK/$1/private" \
	    "$WORK/$1/public"
}
is_jws() {	# DESC TOKEN
	case "$2" in
	eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.*.*) ok "$1" ;;
	*) fail "$1: ${2%"${2#??????????}"}..." ;;
	esac
}
ADMIN_SCOPE='{"project": {"name": "admin", "domain": {"id": "default"}}}'
DEMO_SCOPE='{"project": {"name": "demo", "domain": {"id": "default"}}}'

# --- issue and validate
call POST /v3/auth/tokens "$(pw_body admin secret-admin "$ADMIN_SCOPE")"
code "admin, project-scoped" 201
ADMIN=$(subject)
is_jws "a JWS token" "$ADMIN"
cp "$BODY" "$WORK/issued"
admin_id=$(jq_ 'j["token"]["user"]["id"]')
admin_proj=$(jq_ 'j["token"]["project"]["id"]')
validate "it validates" 200 "$ADMIN"
expect_eq "GET returns the document POST did" ok "$(/usr/bin/python3 -c '
import json, sys
a, b = (json.load(open(f))["token"] for f in sys.argv[1:])
print("ok" if a == b else "%r != %r" % (a, b))' "$WORK/issued" "$BODY")"
expect_eq "a JWS token carries no roles; the document has them" \
    "['admin', 'member', 'reader']" \
    "$(jq_ 'sorted(r["name"] for r in j["token"]["roles"])')"

# --- the JWK Set, and Keystone's reading of what signet signs
call GET /v3/OS-SIMPLE-CERT/jwks
code "the JWK Set, without a token" 200
cp "$BODY" "$WORK/jwks"
expect_ok "export-jws-public" prov export-jws-public "$WORK/pub"
expect_ok "the JWK Set is our keys and the imported one, kid per RFC 7638" \
    /usr/bin/python3 - "$WORK/jwks" "$WORK/pub" "$WORK/ks/public" <<'PY'
import base64, glob, hashlib, json, sys
from cryptography.hazmat.primitives.serialization import load_pem_public_key
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b'=').decode()
want = set()
for d in sys.argv[2:]:
    for f in glob.glob(d + '/*'):
        n = load_pem_public_key(open(f, 'rb').read()).public_numbers()
        want.add((b64(n.x.to_bytes(32, 'big')), b64(n.y.to_bytes(32, 'big'))))
keys = json.load(open(sys.argv[1]))['keys']
got = set()
for k in keys:
    assert (k['kty'], k['crv'], k['alg'], k['use']) == \
        ('EC', 'P-256', 'ES256', 'sig'), k
    canon = json.dumps({m: k[m] for m in ('crv', 'kty', 'x', 'y')},
                       separators=(',', ':'), sort_keys=True)
    assert k['kid'] == b64(hashlib.sha256(canon.encode()).digest()), k
    got.add((k['x'], k['y']))
assert len(keys) == 3 and got == want, (keys, want)
PY
got=$(ks "$WORK/pub" "$ADMIN")
case "$got" in
*'"methods": ["password"]'*"\"project_id\": \"$admin_proj\""*"\"user_id\": \"$admin_id\""*)
	ok "Keystone's JWSFormatter validates signet-api's token" ;;
*) fail "Keystone read: $got" ;;
esac

# --- re-scope (token method), the openstack CLI, keystonemiddleware
call POST /v3/auth/tokens "$(pw_body demo secret-demo)"
code "demo, unscoped" 201
PARENT=$(subject)
call POST /v3/auth/tokens "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$PARENT\"}}, \"scope\": $DEMO_SCOPE}}"
code "re-scoped with the token method" 201
CHILD=$(subject)
is_jws "the re-scoped token is JWS" "$CHILD"
expect_eq "it carries its parent's audit id" 2 \
    "$(jq_ 'len(j["token"]["audit_ids"])')"
validate "the re-scoped token validates" 200 "$CHILD"
expect_eq "as demo in demo" "demo demo" \
    "$(jq_ 'j["token"]["user"]["name"] + " " + j["token"]["project"]["name"]')"
demo_user=$(jq_ 'j["token"]["user"]["id"]')
demo_proj=$(jq_ 'j["token"]["project"]["id"]')
os() {
	env -i PATH=/usr/bin:/bin HOME="$WORK" OS_AUTH_URL="$API/v3" \
	    OS_USERNAME=admin OS_PASSWORD=secret-admin \
	    OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default \
	    OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3 \
	    /usr/bin/openstack "$@"
}
expect_ok "openstack token issue" os token issue -f value -c id
cli=$(cat "$WORK/out")
is_jws "the CLI's token is JWS" "$cli"
validate "the CLI's token validates" 200 "$cli"
mw_check() {	# mw_check DESC WANT TOKEN
	printf '%s\n' "$3" | /usr/bin/python3 tests/integration/lib/middleware.py \
	    "$API" secret-demo > "$WORK/mw" 2>"$WORK/mw.err"
	expect_eq "$1" "$2" "$(cat "$WORK/mw")"
}
mw_check "keystonemiddleware passes a JWS token, identity headers set" \
    "200 $demo_user $demo_proj member,reader" "$CHILD"

# --- what does not validate
tamper() {	# TOKEN PART(2|3): one character of that part changed
	/usr/bin/python3 -c '
import sys
t, i = sys.argv[1].split("."), int(sys.argv[2]) - 1
c = t[i][5]
t[i] = t[i][:5] + ("A" if c != "A" else "B") + t[i][6:]
print(".".join(t))' "$1" "$2"
}
validate "a tampered payload" 404 "$(tamper "$ADMIN" 2)"
validate "a tampered signature" 404 "$(tamper "$ADMIN" 3)"
none=$(/usr/bin/python3 -c '
import base64, sys
b = lambda s: base64.urlsafe_b64encode(s).rstrip(b"=").decode()
print(b(b"{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + sys.argv[1].split(".")[1] + ".")' "$ADMIN")
validate "alg none" 404 "$none"
exp=$(date -u -d '+30 min' +%Y-%m-%dT%H:%M:%S.000000Z)
claims() {	# EXPIRES_AT: admin's project claims Keystone would write
	printf '{"user_id":"%s","expires_at":"%s","audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"],"methods":["password"],"project_id":"%s"}' \
	    "$admin_id" "$1" "$admin_proj"
}
validate "a token of a key nobody imported" 404 \
    "$(mint other "$(claims "$exp")")"
validate "Keystone's token under the imported key validates" 200 \
    "$(mint ks "$(claims "$exp")")"
# Federation, OAuth1 and application credentials are roles signet does
# not know: such a token (a Keystone with the signer's plugin mints
# them) must not pass for the user's own project token.
for extra in '"app_cred_id":"ac1"' '"access_token_id":"at1"' \
    '"federated_group_ids":[{"id":"g1"}],"identity_provider_id":"idp1","protocol_id":"saml2"'; do
	validate "Keystone's token with $extra" 404 \
	    "$(mint ks "$(claims "$exp" | sed "s/}\$/,$extra}/")")"
done
old=$(date -u -d '-10 min' +%Y-%m-%dT%H:%M:%S.000000Z)
expired=$(mint ks "$(claims "$old")")
validate "an expired token" 404 "$expired"
validate "an expired token with allow_expired, within the window" 200 \
    "$expired" '?allow_expired=1'

# --- revocation
call DELETE /v3/auth/tokens -H "X-Auth-Token: $ADMIN" \
    -H "X-Subject-Token: $PARENT"
code "the parent revoked" 204
validate "the revoked parent" 404 "$PARENT"
validate "its re-scoped child is revoked with it" 404 "$CHILD"
mw_check "keystonemiddleware refuses the revoked token" "401 -" "$CHILD"

# --- rotation: old tokens keep validating, new ones validate at once
expect_ok "jws-rotate" prov jws-rotate
kill -HUP "$SIGNER_PID"
sleep 0.5
call POST /v3/auth/tokens "$(pw_body admin secret-admin "$ADMIN_SCOPE")"
code "issued after the rotation" 201
NEW=$(subject)
[ "${NEW%.*}" != "${ADMIN%.*}" ] && [ "${NEW##*.}" != "${ADMIN##*.}" ] ||
    fail "the same token twice"
validate "a token of the new signing key validates at once" 200 "$NEW"
validate "a token of the key that signed before still validates" 200 "$ADMIN"
expect_ok "export-jws-public after the rotation" prov export-jws-public \
    "$WORK/pub2"
case "$(ks "$WORK/pub2" "$NEW")" in
*"\"user_id\": \"$admin_id\""*) ok "Keystone validates the new key's token" ;;
*) fail "Keystone read: $(ks "$WORK/pub2" "$NEW")" ;;
esac
call GET /v3/OS-SIMPLE-CERT/jwks
expect_eq "the JWK Set after the rotation" 4 "$(jq_ 'len(j["keys"])')"

# a key imported while running: fetched after a token under it fails
late=$(mint other "$(claims "$exp")")
expect_ok "import another Keystone key" prov import-jws-public \
    "$WORK/other/public"
kill -HUP "$SIGNER_PID"
sleep 6		# past the refetch limit the refused token above started
validate "a key imported while running, fetched on an unknown key" 200 \
    "$late"
grep -q "AddressSanitizer\|runtime error" "$WORK/api.log" &&
    fail "sanitizer: $(grep -m1 'ERROR\|runtime error' "$WORK/api.log")"
expect_ok "clean api shutdown" stop_api
expect_ok "clean signer shutdown" stop_signer
finish
