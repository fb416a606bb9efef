# Three Fernet key sets in one token, Keystone's three repositories:
# token keys, MFA receipt keys (--keys receipt) and credential keys
# (--keys credential). Each is set up, imported, listed and rotated on its
# own (Keystone's arithmetic, its own journal), with its own
# max_active_keys ([fernet_receipts], and 3 for credentials); status
# reports each. The signer serves all three: a receipt is no token and a
# token no receipt; receipts follow their policy ([auth] methods,
# [receipt] expiration); credentials round-trip and are bounded; only
# [signer] credential_uids (and the signer's own uid) may use the
# credential keys, and every refusal is audited.
. tests/integration/lib/softhsm.sh

keystone_repo() {	# keystone_repo DIR MAX_ACTIVE ROTATIONS
	mkdir -m 700 "$1"
	/usr/bin/python3 tests/integration/lib/keystone_repo.py "$1" "$2" "$3" \
	    > /dev/null 2>&1 || fail "keystone made no repository in $1"
}

expect_ok "init-token" prov init-token
expect_ok "fernet-setup" prov fernet-setup
expect_fail "--keys names a set" "not token, receipt or credential" \
    prov fernet-list --keys tokens
expect_ok "fernet-setup --keys receipt" prov fernet-setup --keys receipt
expect_eq "receipt keys as keystone-manage receipt_setup" "0 staged
1 primary" "$(prov fernet-list --keys receipt)"
expect_fail "a second setup" "already holds 2 receipt keys.*--force" \
    prov fernet-setup --keys receipt
expect_ok "fernet-rotate --keys receipt" prov fernet-rotate --keys receipt
expect_eq "the token keys did not move" "0 staged
1 primary" "$(prov fernet-list)"
expect_eq "the receipt keys rotated" "0 staged
1 secondary
2 primary" "$(prov fernet-list --keys receipt)"
expect_eq "no credential keys yet" "" "$(prov fernet-list --keys credential)"
expect_fail "no credential keys to rotate" \
    "no credential keys in the token; run fernet-setup --keys credential" \
    prov fernet-rotate --keys credential

# Keystone's credential repository (max_active_keys 3, whatever the
# options say), imported; one more key than 3 is refused.
keystone_repo "$WORK/cred" 3 1
expect_ok "fernet-import --keys credential" \
    prov fernet-import --keys credential "$WORK/cred"
for i in 0 1 2; do
	expect_ok "credential key $i equals Keystone's" ours "$TBIN/hsm-check" \
	    "$CONF" fernet "$WORK/cred/$i" "$i" credential
done
keystone_repo "$WORK/cred4" 4 3
expect_fail "4 credential keys" \
    "4 keys but max_active_keys \(3 for credential keys" \
    prov fernet-import --force --keys credential "$WORK/cred4"
printf '[fernet_receipts]\nmax_active_keys = 2\n' >> "$CONF"
expect_fail "[fernet_receipts] max_active_keys bounds an import" \
    "3 keys but \[fernet_receipts\] max_active_keys is 2" \
    prov fernet-import --force --keys receipt "$WORK/cred"
expect_ok "rotation keeps [fernet_receipts] max_active_keys" \
    prov fernet-rotate --keys receipt
expect_eq "the receipt keys after it" "0 staged
3 primary" "$(prov fernet-list --keys receipt)"
prov status > "$WORK/st" 2>&1
grep -q "^receipt keys: 2 (max_active_keys 2)" "$WORK/st" &&
    grep -q "^credential keys: 3 (max_active_keys 3)" "$WORK/st" &&
    grep -q "^fernet keys: 2 (max_active_keys 3)" "$WORK/st" &&
    ok "status reports each set" || fail "status: $(cat "$WORK/st")"

# The signer serves the three sets.
METHODS=external,password,token,oauth1,mapped,application_credential,totp
printf '[auth]\nmethods = %s\n[receipt]\nexpiration = 300\n' "$METHODS" \
    >> "$CONF"
start_signer
grep -q "receipt keys loaded: 2, primary 3" "$WORK/signer.log" &&
    grep -q "credential keys loaded: 3, primary 2" "$WORK/signer.log" &&
    ok "the signer loaded every set" || fail "$(cat "$WORK/signer.log")"
keyset=$(rpc health | sed -n 's/.*"fernet_keyset": "\(.*\)".*/\1/p')
receipt=$(rpc issue-receipt "{\"user_id\": \"0c2b7eea0e925cc9974fab5df940c6bd\", \"methods\": [\"password\", \"totp\"], \"expires_at\": \"$(in_minutes 4)\"}" |
    sed -n 's/.*"receipt": "\(.*\)".*/\1/p')
case "$receipt" in gAAAAA*) ok "issue-receipt" ;;
*) fail "issue-receipt: $(cat "$WORK/signer.log" | tail -3)" ;; esac
rpc open-receipt "$receipt" > "$WORK/r" 2>&1
grep -q '"user_id": "0c2b7eea0e925cc9974fab5df940c6bd"' "$WORK/r" &&
    grep -q '"totp"' "$WORK/r" && grep -q '"password"' "$WORK/r" &&
    ok "open-receipt: its user and methods" || fail "open-receipt: $(cat "$WORK/r")"
expect_fail "a receipt is no token" "token not found" rpc open-fernet "$receipt"
claims="{\"user_id\":\"u1\",\"methods\":[\"password\"],\"expires_at\":\"$(in_minutes 30)\",\"audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"]}"
tok=$(rpc issue-fernet "$claims" | sed -n 's/.*"token": "\(.*\)".*/\1/p')
expect_fail "a token is no receipt" "receipt not found" rpc open-receipt "$tok"
expect_fail "a receipt beyond [receipt] expiration" \
    "beyond \[receipt\] expiration" rpc issue-receipt \
    "{\"user_id\": \"u1\", \"methods\": [\"password\"], \"expires_at\": \"$(in_minutes 20)\"}"
expect_fail "a receipt of an unknown method" "receipt: methods" \
    rpc issue-receipt \
    "{\"user_id\": \"u1\", \"methods\": [\"fingerprint\"], \"expires_at\": \"$(in_minutes 4)\"}"

printf '\377\376 otp secret\n\0 NUL' > "$WORK/pt"	# not UTF-8, a NUL
rpc encrypt-credential "$WORK/pt" > "$WORK/c" ||
    fail "encrypt-credential: $(cat "$WORK/c")"
blob=$(sed -n 's/.*"blob": "\(.*\)".*/\1/p' "$WORK/c")
hash=$(sed -n 's/.*"key_hash": "\(.*\)".*/\1/p' "$WORK/c")
rpc decrypt-credential "$blob" > "$WORK/d" &&
    grep -q '"plaintext_b64": "__4gb3RwIHNlY3JldAoAIE5VTA=="' "$WORK/d" &&
    ok "a credential's bytes round-trip" || fail "decrypt: $(cat "$WORK/d")"
rpc encrypt-credential - < /dev/null > "$WORK/c2" &&
    [ "$(sed -n 's/.*"key_hash": "\(.*\)".*/\1/p' "$WORK/c2")" = "$hash" ] &&
    echo "$hash" | grep -qx '[0-9a-f]\{64\}' &&
    ok "key_hash: one 64-hex name for the primary" ||
    fail "key_hash: $hash, $(cat "$WORK/c2")"
head -c 16385 /dev/zero > "$WORK/big"
expect_fail "a credential over 16 KiB" "credential too long" \
    rpc encrypt-credential "$WORK/big"
expect_fail "a token is no credential" "cannot be decrypted" \
    rpc decrypt-credential "$tok"
expect_eq "the token keys' set is the same" "$keyset" \
    "$(rpc health | sed -n 's/.*"fernet_keyset": "\(.*\)".*/\1/p')"

# A rotation and a SIGHUP: the old blob and receipt still open; the new
# primary has a new name.
expect_ok "fernet-rotate --keys credential" prov fernet-rotate --keys credential
kill -HUP "$SIGNER_PID"
wait_until 5 grep -q "credential keys loaded: 3, primary 3" "$WORK/signer.log" ||
    fail "no reload: $(tail -3 "$WORK/signer.log")"
expect_ok "an older blob after the rotation" rpc decrypt-credential "$blob"
expect_ok "an older receipt after a reload" rpc open-receipt "$receipt"
rpc encrypt-credential "$WORK/pt" > "$WORK/c3"
[ "$(sed -n 's/.*"key_hash": "\(.*\)".*/\1/p' "$WORK/c3")" != "$hash" ] &&
    ok "the new primary has another name" || fail "key_hash did not change"

# A peer allowed to connect, not to use the credential keys: nobody.
printf '[signer]\nsocket = %s\n' "$SOCK" > "$WORK/nobody.conf"
mkdir -m 755 "$WORK/nobody"
cp "$BIN/signet-rpc" "$WORK/nobody/"
preload=""
for f in ${SIGNET_PRELOAD:-}; do
	cp "$f" "$WORK/nobody/" && preload="$preload $WORK/nobody/${f##*/}"
done
chmod 755 "$WORK/nobody"/*
chmod 644 "$WORK/nobody.conf"
stop_signer || fail "the signer did not stop cleanly"
printf '[signer]\nallowed_uids = nobody\n' >> "$CONF"
start_signer
chmod 755 "$WORK"
chmod 666 "$SOCK"
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    env LD_PRELOAD="$preload" "$WORK/nobody/signet-rpc" \
	    -c "$WORK/nobody.conf" "$@"
}
expect_fail "nobody may not decrypt credentials" \
    "may not use the credential keys \(\[signer\] credential_uids\)" \
    as_nobody decrypt-credential "$blob"
expect_ok "nobody may open receipts" as_nobody open-receipt "$receipt"
stop_signer
printf 'credential_uids = nobody\n' >> "$CONF"
start_signer
chmod 666 "$SOCK"
expect_ok "credential_uids = nobody: it may" as_nobody decrypt-credential "$blob"
chmod 700 "$WORK"
grep -q '"op":"decrypt_credential".*"result":"denied: not in \[signer\] credential_uids"' \
    "$WORK/audit.log" && ok "the refusal is audited" ||
    fail "no audit record of the refusal"
grep -q 'otp secret' "$WORK/audit.log" "$WORK/signer.log" &&
    fail "a credential's plaintext reached a log"
expect_ok "clean shutdown" stop_signer
finish
