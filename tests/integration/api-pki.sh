# [token] provider = pki and pkiz: signet-api has the signer sign the
# token document and verifies PKI/PKIZ tokens itself. keystoneclient's cms
# module verifies what it issues; validation, tampering, revocation and
# the openstack CLI work as with Fernet.
. tests/integration/lib/softhsm.sh

token_keys pki
mkdir "$WORK/certs"
expect_ok "export-certs" prov export-certs "$WORK/certs"
start_signer
bootstrap_admin
printf '[token]\nprovider = pki\n' >> "$CONF"

for provider in pki pkiz; do
	sed -i "s/^provider = .*/provider = $provider/" "$CONF"
	start_api
	expect_ok "$provider: the identity endpoint" mgr endpoint-create \
	    identity public "$API/v3/"
	body=$(login_body admin secret-admin)
	code=$(curl -s -o "$WORK/body" -D "$WORK/h" -w '%{http_code}' \
	    -H 'Content-Type: application/json' -d "$body" \
	    "$API/v3/auth/tokens")
	expect_eq "$provider: issued" 201 "$code"
	tok=$(sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$WORK/h")
	case "$provider:$tok" in
	pki:MII*|pkiz:PKIZ_*) ok "$provider: the token's prefix" ;;
	*) fail "$provider: token starts ${tok%"${tok#??????}"}" ;;
	esac
	printf '%s' "$tok" > "$WORK/tok"
	expect_ok "$provider: keystoneclient verifies it" /usr/bin/python3 - \
	    "$WORK" "$provider" <<'PY'
import json, sys
from keystoneclient.common import cms
w, prov = sys.argv[1], sys.argv[2]
tok = open(w + '/tok').read()
cert, ca = w + '/certs/signing_cert.pem', w + '/certs/ca.pem'
out = (cms.pkiz_verify(tok, cert, ca) if prov == 'pkiz' else
       cms.cms_verify(cms.token_to_cms(tok), cert, ca))
doc = json.loads(out)
assert doc['token']['user']['name'] == 'admin', doc
assert doc == json.load(open(w + '/body')), 'signed != sent'
PY
	code=$(curl -s -o "$WORK/v" -w '%{http_code}' -H "X-Auth-Token: $tok" \
	    -H "X-Subject-Token: $tok" "$API/v3/auth/tokens")
	expect_eq "$provider: validates" 200 "$code"
	bad=$(printf '%s' "$tok" | sed 's/\(.\{200\}\)./\1A/')
	[ "$bad" = "$tok" ] && bad=$(printf '%s' "$tok" | sed 's/\(.\{200\}\)./\1B/')
	code=$(token_status "$tok" "$bad")
	expect_eq "$provider: a tampered token" 404 "$code"
	code=$(http_status -X DELETE \
	    -H "X-Auth-Token: $tok" -H "X-Subject-Token: $tok" \
	    "$API/v3/auth/tokens")
	expect_eq "$provider: revoked" 204 "$code"
	code=$(token_status "$tok" "$tok")
	expect_eq "$provider: the revoked token" 401 "$code"
	os() {
		env -i PATH=/usr/bin:/bin HOME="$WORK" OS_AUTH_URL="$API/v3" \
		    OS_USERNAME=admin OS_PASSWORD=secret-admin \
		    OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default \
		    OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3 \
		    /usr/bin/openstack "$@"
	}
	expect_ok "$provider: openstack token issue" os token issue -f value \
	    -c id
	cli=$(cat "$WORK/out")
	expect_ok "$provider: openstack token revoke" os token revoke "$cli"
	code=$(token_status "$cli" "$cli")
	expect_eq "$provider: the CLI-revoked token" 401 "$code"
	# The revocation list, signed by the signer (admin or service only).
	code=$(curl -s -o /dev/null -D "$WORK/h" -w '%{http_code}' \
	    -H 'Content-Type: application/json' -d "$body" "$API/v3/auth/tokens")
	fresh=$(sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$WORK/h")
	for path in /v3/auth/tokens/OS-PKI/revoked /v2.0/tokens/revoked; do
		code=$(curl -s -o "$WORK/rl" -w '%{http_code}' \
		    -H "X-Auth-Token: $fresh" "$API$path")
		expect_eq "$provider: GET $path" 200 "$code"
		expect_ok "$provider: $path verifies and lists the revoked token" \
		    /usr/bin/python3 - "$WORK" <<'PY'
import json, sys
from keystoneclient.common import cms
w = sys.argv[1]
pem = json.load(open(w + '/rl'))['signed']
assert pem.startswith('-----BEGIN CMS-----'), pem[:40]
out = json.loads(cms.cms_verify(pem, w + '/certs/signing_cert.pem',
                                w + '/certs/ca.pem'))
ids = [e['audit_id'] for e in out['revoked']]
body = json.load(open(w + '/body'))
assert body['token']['audit_ids'][0] in ids, (ids, body['token']['audit_ids'])
PY
	done
	code=$(curl -s -o "$WORK/ev" -w '%{http_code}' \
	    -H "X-Auth-Token: $fresh" "$API/v3/OS-REVOKE/events")
	expect_eq "$provider: OS-REVOKE events" 200 "$code"
	audit=$(/usr/bin/python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["token"]["audit_ids"][0])' "$WORK/body")
	# "--": an audit id may begin with "-" (base64url)
	grep -qF -- "$audit" "$WORK/ev" ||
	    fail "$provider: the event is not listed"
	expect_ok "$provider: clean shutdown" stop_api
done

# Someone without admin or service may not read the list.
expect_ok "a plain user" mgr user-create plain --password-file "$WORK/admin.pw"
expect_ok "a plain project" mgr project-create plainp
expect_ok "a member of it" mgr role-grant member --user plain --project plainp
start_api
plain=$(user_token plain secret-admin \
    '{"project": {"name": "plainp", "domain": {"id": "default"}}}')
code=$(http_status -H "X-Auth-Token: $plain" \
    "$API/v3/auth/tokens/OS-PKI/revoked")
expect_eq "a member may not read the revocation list" 403 "$code"
finish
