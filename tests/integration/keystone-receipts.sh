# Keystone's MFA receipt keys and credential encryption keys in the HSM,
# with a real Keystone 22 (tokens from signet throughout):
# 1. A signer without receipt or credential keys serves tokens and
#    refuses those calls with a clear reason.
# 2. Keystone on its own file keys: a user with MFA rules
#    [["password", "totp"]] and a TOTP credential; password alone is 401
#    with an Openstack-Auth-Receipt.
# 3. fernet-import --keys receipt and --keys credential of Keystone's
#    repositories, SIGHUP, `[receipt] provider = signet` and
#    `[credential] provider = signet`, Keystone restarted without the
#    repositories: the receipt Keystone made and the credential it
#    encrypted still work (receipt + TOTP passcode: a token); new
#    receipts are the signer's, new blobs the signer's (no plaintext in
#    the credential table, key_hash the signer's key name); a tampered
#    receipt is 401; Keystone's own providers on the kept repositories
#    read what the signer made (the step back), byte for byte.
# 4. The signer stopped: 503, never 500; back.
# 5. Receipt and credential rotations and a SIGHUP: older receipts and
#    blobs still work; signet-keystone-credential-migrate moves every
#    credential to the new primary.
# No credential plaintext reaches the audit log or the signer's log.
. tests/integration/lib/softhsm.sh
. tests/integration/lib/keystone.sh


[ -f "$LIB" ] || { fail "no $LIB: run make all first"; finish; }
METHODS=external,password,token,oauth1,mapped,application_credential,totp
expect_ok "init-token" prov init-token
expect_ok "fernet-setup" prov fernet-setup
printf '[signer]\nallowed_scopes = unscoped,project,domain,system,trust,federated,oauth1,application_credential\n' \
    >> "$CONF"
printf '[auth]\nmethods = %s\n' "$METHODS" >> "$CONF"
start_signer

mfa() {
	/usr/bin/python3 tests/integration/lib/keystone_mfa.py \
	    "http://127.0.0.1:$PORT/v3" "$WORK" "$@" || FAILS=$((FAILS + 1))
}
health_has() {	# health_has FIELD N
	rpc health 2> /dev/null | grep -q "\"$1\": $2,"
}

# 1. Tokens without the other sets; their calls say what is missing.
health_has receipt_keys 0 && health_has credential_keys 0 &&
    ok "Health: no receipt or credential keys" ||
    fail "Health: $(rpc health)"
expect_fail "a receipt without receipt keys" \
    "no receipt keys in the token .*fernet-setup --keys receipt" \
    rpc issue-receipt "{\"user_id\": \"u1\", \"methods\": [\"password\"], \"expires_at\": \"$(in_minutes 4)\"}"
expect_fail "a credential without credential keys" \
    "no credential keys in the token" \
    rpc decrypt-credential gAAAAABrDl2yzQvwZtKINO4NUsb6jG7EltjOS_jWAtudTH8g3VC8BfZeKJAP6z75-TgRRfdEx8Q_aGGteOUZZG02b2IIg_7_aRRp8G3vMQJcG60Nxt8s12I=
claims="{\"user_id\":\"u1\",\"methods\":[\"password\"],\"expires_at\":\"$(in_minutes 30)\",\"audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"]}"
expect_ok "tokens are served meanwhile" rpc issue-fernet "$claims"

# 2. Keystone on its own receipt and credential files.
/usr/bin/python3 tests/integration/lib/keystone_setup.py keysets "$WORK" \
    "$PORT" "$SOCK" "$LIB" 2> "$WORK/setup.err" ||
    { fail "keystone setup: $(cat "$WORK/setup.err")"; finish; }
start_keystone
mfa files
stop_keystone

# 3. The HSM takes both repositories; Keystone switches to signet.
expect_ok "fernet-import --keys receipt" \
    prov fernet-import --keys receipt "$WORK/receipt-keys"
expect_ok "fernet-import --keys credential" \
    prov fernet-import --keys credential "$WORK/credential-keys"
expect_eq "the token keys are untouched" "0 staged
1 primary" "$(prov fernet-list)"
kill -HUP "$SIGNER_PID"
wait_until 5 eval 'health_has receipt_keys 2 && health_has credential_keys 2' &&
    ok "SIGHUP: the signer serves the imported sets" ||
    fail "after SIGHUP: $(rpc health)"
/usr/bin/python3 tests/integration/lib/keystone_setup.py keysets-switch \
    "$WORK" "$SOCK"
mv "$WORK/receipt-keys" "$WORK/receipt-keys.kept"
mv "$WORK/credential-keys" "$WORK/credential-keys.kept"
start_keystone
mfa signet
grep -q '"op":"issue_receipt".*"user_id":"[0-9a-f]\{32\}".*"result":"ok"' \
    "$WORK/audit.log" && ok "the signer minted and audited the receipts" ||
    fail "no issue_receipt record"
grep -q '"op":"encrypt_credential".*"key":1,.*"result":"ok"' \
    "$WORK/audit.log" && ok "the signer encrypted the credential (key 1)" ||
    fail "no encrypt_credential record"
grep -q '"op":"decrypt_credential".*"result":"ok"' "$WORK/audit.log" &&
    ok "and decrypted credentials" || fail "no decrypt_credential record"
secrets=$(/usr/bin/python3 -c 'import json, sys
s = json.load(open(sys.argv[1])); print(s["secret"]); print(s["secret2"])' \
    "$WORK/mfa.json")
leaked=""
for s in $secrets; do
	grep -qF "$s" "$WORK/audit.log" "$WORK/signer.log" && leaked=yes
done
[ -z "$leaked" ] && [ -n "$secrets" ] &&
    ok "no credential plaintext in the audit log or the signer's log" ||
    fail "a credential's plaintext was logged"
mfa read "$WORK/receipt-keys.kept" "$WORK/credential-keys.kept"

# 4. The signer stopped: 503 with Retry-After; then back.
stop_signer || fail "the signer did not stop cleanly"
mfa down
start_signer

# 5. Rotations under Keystone, which is not restarted.
expect_ok "fernet-rotate --keys receipt" prov fernet-rotate --keys receipt
expect_ok "fernet-rotate --keys credential" \
    prov fernet-rotate --keys credential
kill -HUP "$SIGNER_PID"
wait_until 5 eval 'grep -q "receipt keys loaded: 3, primary 2" "$WORK/signer.log" &&
    grep -q "credential keys loaded: 3, primary 2" "$WORK/signer.log"' &&
    ok "SIGHUP: the rotated sets are served" ||
    fail "after the rotations: $(tail -3 "$WORK/signer.log")"
mfa rotated
PYTHONPATH="$WORK/site" /usr/bin/python3 -m \
    signet_keystone.credential_migrate --config-file "$WORK/ks/keystone.conf" \
    > "$WORK/migrate.out" 2>&1 &&
    grep -q "re-encrypted 2 of 3 credentials" "$WORK/migrate.out" &&
    ok "signet-keystone-credential-migrate: 2 of 3 re-encrypted" ||
    fail "credential migrate: $(tail -5 "$WORK/migrate.out")"
mfa migrated

grep -q "Traceback" "$WORK/ks.out" &&
    fail "the WSGI server logged a traceback: $(grep -A3 Traceback "$WORK/ks.out" | head -20)"
expect_eq "no key file in Keystone's configuration" "keystone.conf" \
    "$(cd "$WORK/ks" && find . -type f | sed 's|^\./||')"
finish
