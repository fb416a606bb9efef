# signet-api's /v3/credentials, as keystone/api/credentials.py: blobs the
# signer encrypts under the credential keys in the HSM (the store holds no
# plaintext, and the key's name), shown decrypted; an ec2 credential known
# by its access key's SHA-256 and needing a project; only the blob
# changes; the owner or an admin, others 403 and each user's list their
# own; a token from an application credential reaches none; a credential goes with its user; bad input refused with nothing
# written; without credential keys, 503 and the reason in the log. Then
# the openstack CLI: credential create, list, show, delete.
. tests/integration/lib/softhsm.sh
. tests/integration/lib/osc.sh

osc_start
printf '[signer]\nallowed_scopes = unscoped,project,domain,system,application_credential\n' >> "$CONF"
token_up
expect_ok "db-sync" mgr db-sync
start_api
bootstrap_admin --public-url "$API/v3/"
. tests/integration/lib/identity.sh
ADMIN=$(admin_token)
ADMIN_U=$(sql "SELECT id FROM user WHERE name = 'admin'")

# a signer without credential keys: 503, the reason in the log, nothing
# written; then the keys, and the signer back
refused "no credential keys: 503" 503 POST /v3/credentials \
    "{\"credential\": {\"type\": \"totp\", \"user_id\": \"$ADMIN_U\", \"blob\": \"GEZDGNBV\"}}"
expect_eq "the log says why" yes \
    "$(grep -q 'no credential keys' "$WORK/api.log" && echo yes)"
expect_eq "nothing written" 0 "$(sql "SELECT count(*) FROM credential")"
for u in demo other; do
	printf 'secret-%s\n' "$u" > "$WORK/$u.pw"
	expect_ok "user $u" mgr user-create "$u" --password-file "$WORK/$u.pw"
done
expect_ok "a demo project" mgr project-create demo
expect_ok "demo is a member of demo" mgr role-grant member --user demo --project demo
expect_ok "other is a member of demo" mgr role-grant member --user other --project demo
ON_DEMO='{"project": {"name": "demo", "domain": {"id": "default"}}}'
stop_signer
expect_ok "credential keys" prov fernet-setup --keys credential
start_signer
wait_until 10 eval 'DEMO=$(user_token demo secret-demo "$ON_DEMO"); test -n "$DEMO"' ||
    fail "no token once the signer is back"
OTHER=$(user_token other secret-other "$ON_DEMO")
DEMO_U=$(sql "SELECT id FROM user WHERE name = 'demo'")
OTHER_U=$(sql "SELECT id FROM user WHERE name = 'other'")
DEMO_P=$(sql "SELECT id FROM project WHERE name = 'demo'")
counts() { sql "SELECT count(*) FROM credential"; }

# a user's own totp secret and ec2 keys
TOK=$DEMO answered "demo makes a totp credential" 201 POST /v3/credentials \
    "{\"credential\": {\"type\": \"totp\", \"user_id\": \"$DEMO_U\", \"blob\": \"GEZDGNBVGY3TQOJQ\", \"note\": \"phone\"}}"
T=$(jq_ 'j["credential"]["id"]')
expect_eq "Keystone's shape: the blob shown, an extra attribute kept" \
    "totp $DEMO_U None GEZDGNBVGY3TQOJQ phone False False" \
    "$(jq_ '[j["credential"].get(k) for k in ("type", "user_id", "project_id", "blob", "note")] + ["encrypted_blob" in j["credential"], "key_hash" in j["credential"]]' | tr -d "[],'")"
expect_eq "its self link" "$API/v3/credentials/$T" "$(jq_ 'j["credential"]["links"]["self"]')"
expect_eq "the store holds no plaintext" 0 \
    "$(sql "SELECT count(*) FROM credential WHERE encrypted_blob LIKE '%GEZDGNBVGY3TQOJQ%' OR extra LIKE '%GEZDGNBVGY3TQOJQ%'")"
expect_eq "the key's name, as the signer gives it" 64 \
    "$(sql "SELECT length(key_hash) FROM credential WHERE id = '$T'")"
rpc decrypt-credential "$(sql "SELECT encrypted_blob FROM credential WHERE id = '$T'")" \
    > "$WORK/pt" 2>&1
expect_eq "the signer opens what the store holds" GEZDGNBVGY3TQOJQ \
    "$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["plaintext"])' "$WORK/pt")"
EC2='{\"access\": \"AKIA-demo\", \"secret\": \"s3cr3t\"}'
TOK=$DEMO answered "demo makes ec2 keys" 201 POST /v3/credentials \
    "{\"credential\": {\"type\": \"ec2\", \"user_id\": \"$DEMO_U\", \"project_id\": \"$DEMO_P\", \"blob\": \"$EC2\"}}"
E=$(jq_ 'j["credential"]["id"]')
expect_eq "an ec2 credential's id: its access key's SHA-256" \
    "$(printf 'AKIA-demo' | sha256sum | cut -d' ' -f1)" "$E"
expect_eq "its blob, decrypted" s3cr3t "$(jq_ 'json.loads(j["credential"]["blob"])["secret"]')"
refused "the same access key again" 409 POST /v3/credentials \
    "{\"credential\": {\"type\": \"ec2\", \"user_id\": \"$DEMO_U\", \"project_id\": \"$DEMO_P\", \"blob\": \"$EC2\"}}"

# who sees what
TOK=$DEMO answered "demo shows its own" 200 GET "/v3/credentials/$T"
expect_eq "decrypted" GEZDGNBVGY3TQOJQ "$(jq_ 'j["credential"]["blob"]')"
TOK=$OTHER refused "another user's: 403" 403 GET "/v3/credentials/$T"
TOK=$OTHER refused "another user's update: 403" 403 PATCH "/v3/credentials/$T" \
    '{"credential": {"blob": "stolen"}}'
TOK=$OTHER refused "another user's delete: 403" 403 DELETE "/v3/credentials/$T"
TOK=$OTHER refused "a credential for someone else: 403" 403 POST /v3/credentials \
    "{\"credential\": {\"type\": \"totp\", \"user_id\": \"$DEMO_U\", \"blob\": \"x\"}}"
TOK=$OTHER answered "other lists" 200 GET /v3/credentials
expect_eq "none of demo's" 0 "$(jq_ 'len(j["credentials"])')"
TOK=$OTHER answered "other asks for demo's" 200 GET "/v3/credentials?user_id=$DEMO_U"
expect_eq "still none" 0 "$(jq_ 'len(j["credentials"])')"
TOK=$DEMO answered "demo lists" 200 GET /v3/credentials
expect_eq "its two" 2 "$(jq_ 'len(j["credentials"])')"
answered "the admin lists by type" 200 GET "/v3/credentials?type=ec2"
expect_eq "the ec2 one" "$E" "$(jq_ '",".join(c["id"] for c in j["credentials"])')"
answered "the admin lists by user" 200 GET "/v3/credentials?user_id=$OTHER_U"
expect_eq "none of other's yet" 0 "$(jq_ 'len(j["credentials"])')"

# an update changes the blob alone
TOK=$DEMO answered "demo changes its totp secret" 200 PATCH "/v3/credentials/$T" \
    '{"credential": {"blob": "JBSWY3DPEHPK3PXP"}}'
expect_eq "the new blob" "JBSWY3DPEHPK3PXP totp" "$(jq_ 'j["credential"]["blob"], j["credential"]["type"]' | tr -d "(),'")"
TOK=$DEMO answered "and it stays" 200 GET "/v3/credentials/$T"
expect_eq "read back" JBSWY3DPEHPK3PXP "$(jq_ 'j["credential"]["blob"]')"

# bad input: Keystone's 400/404/409, nothing written
before=$(counts)
refused "no blob" 400 POST /v3/credentials "{\"credential\": {\"type\": \"totp\", \"user_id\": \"$DEMO_U\"}}"
refused "a blob that is a number" 400 POST /v3/credentials "{\"credential\": {\"type\": \"totp\", \"user_id\": \"$DEMO_U\", \"blob\": 5}}"
refused "no type" 400 POST /v3/credentials "{\"credential\": {\"user_id\": \"$DEMO_U\", \"blob\": \"x\"}}"
refused "ec2 without a project" 400 POST /v3/credentials \
    "{\"credential\": {\"type\": \"ec2\", \"user_id\": \"$DEMO_U\", \"blob\": \"{\\\"access\\\": \\\"a2\\\"}\"}}"
refused "ec2 whose blob is not JSON" 400 POST /v3/credentials \
    "{\"credential\": {\"type\": \"ec2\", \"user_id\": \"$DEMO_U\", \"project_id\": \"$DEMO_P\", \"blob\": \"nope\"}}"
refused "ec2 without an access key" 400 POST /v3/credentials \
    "{\"credential\": {\"type\": \"ec2\", \"user_id\": \"$DEMO_U\", \"project_id\": \"$DEMO_P\", \"blob\": \"{}\"}}"
refused "no such user" 404 POST /v3/credentials '{"credential": {"type": "totp", "user_id": "nobody", "blob": "x"}}'
refused "no such project" 404 POST /v3/credentials \
    "{\"credential\": {\"type\": \"totp\", \"user_id\": \"$DEMO_U\", \"project_id\": \"nowhere\", \"blob\": \"x\"}}"
refused "a blob over 16 KiB" 400 POST /v3/credentials \
    "{\"credential\": {\"type\": \"totp\", \"user_id\": \"$DEMO_U\", \"blob\": \"$(head -c 16385 /dev/zero | tr '\0' x)\"}}"
refused "an update of the type" 400 PATCH "/v3/credentials/$T" '{"credential": {"blob": "y", "type": "ec2"}}'
refused "an update without a blob" 400 PATCH "/v3/credentials/$T" '{"credential": {}}'
refused "ec2: the access id is kept" 400 PATCH "/v3/credentials/$E" \
    '{"credential": {"blob": "{\"access\": \"AKIA-demo\", \"access_id\": \"x\"}"}}'
refused "show no such credential" 404 GET /v3/credentials/nothing
TOK= refused "no token" 401 GET /v3/credentials
expect_eq "nothing written" "$before" "$(counts)"
TOK=$DEMO answered "the blob is as it was" 200 GET "/v3/credentials/$T"
expect_eq "unchanged" JBSWY3DPEHPK3PXP "$(jq_ 'j["credential"]["blob"]')"

# a token from an application credential reaches no credential
TOK=$DEMO answered "demo makes an application credential" 201 POST \
    "/v3/users/$DEMO_U/application_credentials" '{"application_credential": {"name": "ci"}}'
AC_ID=$(jq_ 'j["application_credential"]["id"]')
AC_SECRET=$(jq_ 'j["application_credential"]["secret"]')
curl -s -D "$WORK/h" -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"auth\": {\"identity\": {\"methods\": [\"application_credential\"], \"application_credential\": {\"id\": \"$AC_ID\", \"secret\": \"$AC_SECRET\"}}}}" \
    "$API/v3/auth/tokens"
AC=$(sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$WORK/h")
TOK=$AC refused "its token cannot read a totp secret" 403 GET "/v3/credentials/$T"
expect_eq "Keystone's reason" "You are not authorized to perform the requested action: Delegated tokens cannot access credentials directly." \
    "$(jq_ 'j["error"]["message"]')"
TOK=$AC refused "nor ec2 keys" 403 GET "/v3/credentials/$E"
TOK=$AC refused "nor make one" 403 POST /v3/credentials \
    "{\"credential\": {\"type\": \"ec2\", \"user_id\": \"$DEMO_U\", \"project_id\": \"$DEMO_P\", \"blob\": \"{\\\"access\\\": \\\"a9\\\"}\"}}"
TOK=$AC refused "nor change one" 403 PATCH "/v3/credentials/$T" '{"credential": {"blob": "z"}}'
TOK=$AC refused "nor delete one" 403 DELETE "/v3/credentials/$T"
TOK=$AC answered "and lists none" 200 GET /v3/credentials
expect_eq "an empty list" 0 "$(jq_ 'len(j["credentials"])')"

# gone with its owner and on delete
answered "a credential for other" 201 POST /v3/credentials \
    "{\"credential\": {\"type\": \"cert\", \"user_id\": \"$OTHER_U\", \"blob\": \"-----BEGIN CERTIFICATE-----\"}}"
O=$(jq_ 'j["credential"]["id"]')
answered "delete other" 204 DELETE "/v3/users/$OTHER_U"
refused "its credential went with it" 404 GET "/v3/credentials/$O"
TOK=$DEMO answered "demo deletes its totp credential" 204 DELETE "/v3/credentials/$T"
refused "gone" 404 GET "/v3/credentials/$T"

# the openstack CLI, as demo (the owner) and the admin
os() {
	osc_as "$@"
}
expect_ok "openstack credential create" os demo demo credential create \
    --type totp -f value -c id "$DEMO_U" KRUGS4ZANFZSAYLEMFWWK
C=$(cat "$WORK/out")
expect_ok "openstack credential list" os demo demo credential list -f value -c ID -c Data
expect_eq "lists it, decrypted" yes "$(grep -q "$C KRUGS4ZANFZSAYLEMFWWK" "$WORK/out" && echo yes)"
expect_ok "openstack credential show" os admin admin credential show "$C" -f value -c blob
expect_eq "the admin sees it" KRUGS4ZANFZSAYLEMFWWK "$(cat "$WORK/out")"
expect_ok "openstack credential delete" os demo demo credential delete "$C"
expect_eq "gone from the store" 0 "$(sql "SELECT count(*) FROM credential WHERE id = '$C'")"

stop_api || fail "signet-api exited badly: $(tail -5 "$WORK/api.log")"
finish
