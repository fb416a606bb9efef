# Keystone's federated, OAuth1 and application credential tokens through
# signet-api. The signer opens them (imported Keystone keys keep them
# working for a Keystone front-end), but signet-api has no federation,
# OAuth1 or application credentials and cannot tell what roles such a
# token carries, so, as for a trust token, each is not found (404), is no
# X-Auth-Token and cannot be re-scoped, while Keystone's plain project
# token for the same user and project validates.
. tests/integration/lib/softhsm.sh

keystone_keys
start_signer
printf 'secret-admin\n' > "$WORK/admin.pw"
expect_ok "bootstrap" mgr bootstrap --admin-password-file "$WORK/admin.pw"
start_api

curl -s -D "$WORK/h" -o "$WORK/b" -H 'Content-Type: application/json' \
    -d '{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"id": "default"}, "password": "secret-admin"}}}, "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}' \
    "$API/v3/auth/tokens"
ADMIN=$(sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$WORK/h")
[ -n "$ADMIN" ] || fail "no admin token"
ids=$(/usr/bin/python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["token"]; print(t["user"]["id"], t["project"]["id"])' "$WORK/b")
U=${ids% *} P=${ids#* }
EXP=$(in_minutes 30)
base="\"user_id\":\"$U\",\"expires_at\":\"$EXP\",\"audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"]"
printf '%s\n' \
    "{$base,\"methods\":[\"password\"],\"project_id\":\"$P\"}" \
    "{$base,\"methods\":[\"application_credential\"],\"project_id\":\"$P\",\"app_cred_id\":\"7fa6333299a559cc925ff589a824711d\"}" \
    "{$base,\"methods\":[\"mapped\"],\"project_id\":\"$P\",\"federated_group_ids\":[],\"identity_provider_id\":\"acme-idp\",\"protocol_id\":\"saml2\"}" \
    "{$base,\"methods\":[\"mapped\"],\"federated_group_ids\":[\"e1d3a5b7c9f0e2d4c6b8a0f1e3d5c7b9\"],\"identity_provider_id\":\"acme-idp\",\"protocol_id\":\"saml2\"}" \
    "{$base,\"methods\":[\"oauth1\"],\"project_id\":\"$P\",\"access_token_id\":\"7fa6333299a559cc925ff589a824711d\"}" |
    /usr/bin/python3 tests/integration/lib/keystone_fernet.py mint "$REPO" \
    > "$WORK/theirs" 2> "$WORK/py.err" || fail "mint: $(cat "$WORK/py.err")"

get() {
	curl -s -o "$WORK/b" -w '%{http_code}' -H "X-Auth-Token: $ADMIN" \
	    -H "X-Subject-Token: $1" "$API/v3/auth/tokens"
}
expect_eq "Keystone's project token validates" 200 "$(get "$(sed -n 1p "$WORK/theirs")")"
n=1
for what in "application credential (v9)" "federated project (v5)" \
    "federated unscoped (v4)" "OAuth1 (v7)"; do
	n=$((n + 1))
	tok=$(sed -n ${n}p "$WORK/theirs")
	expect_ok "the signer opens Keystone's $what token" rpc open-fernet "$tok"
	expect_eq "Keystone's $what token is not found" 404 "$(get "$tok")"
	grep -q '"admin"' "$WORK/b" && fail "the 404 names the roles"
	code=$(curl -s -o "$WORK/b" -w '%{http_code}' \
	    -H 'Content-Type: application/json' \
	    -d "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$tok\"}}, \"scope\": {\"project\": {\"id\": \"$P\"}}}}" \
	    "$API/v3/auth/tokens")
	expect_eq "no re-scope from a $what token" 401 "$code"
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $tok" \
	    "$API/v3/auth/projects")
	expect_eq "a $what token is no X-Auth-Token" 401 "$code"
done
finish
