# The token taken away under a running signer, and
# its Fernet keys replaced. With the token's files gone the signer stops
# serving at once and Health says why (HSM_LOST), signet-api answers 503
# (never a token), and a restart once the token is back serves again
# (SoftHSM2 reads its token directory only at C_Initialize). With every
# Fernet key replaced by keys the signer never used (a re-initialised
# token), a reload stops it for good (KEYS_REPLACED): it never seals with
# keys it did not start with, unless a rotation kept one of them.
. tests/integration/lib/softhsm.sh

appliance_up
start_api
claims='{"user_id":"0c2b7eea0e925cc9974fab5df940c6bd","methods":["password"],"expires_at":"'$(in_minutes 30)'","audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"]}'
issue() {
	http_status -m 20 \
	    -H 'Content-Type: application/json' \
	    -d "$(login_body admin secret-admin -)" \
	    "$API/v3/auth/tokens"
}
expect_eq "a token before" 201 "$(issue)"
expect_ok "issuance through the RPC" rpc issue-fernet "$claims"
T=$(sed -n 's/.*"token": "\(.*\)".*/\1/p' "$WORK/out")

mv "$WORK/tokens" "$WORK/tokens.away"
mkdir -m 700 "$WORK/tokens"
expect_fail "token gone: the call in flight fails" "HSM" \
    rpc issue-fernet "$claims"
# the signer looks at the token within a second of a lost call
wait_until 3 eval 'rpc health 2>/dev/null | grep -q HSM_LOST'
expect_fail "token gone: the next is refused, saying why" "HSM_LOST" \
    rpc issue-fernet "$claims"
expect_fail "token gone: no opening either" "HSM_LOST" rpc open-fernet "$T"
expect_ok "token gone: health answers" rpc health
grep -q '"ready": false' "$WORK/out" && grep -q HSM_LOST "$WORK/out" &&
    ok "token gone: health says why" || fail "health: $(cat "$WORK/out")"
expect_eq "token gone: signet-api answers 503" 503 "$(issue)"
grep -q 'HSM_LOST' "$WORK/signer.log" && ok "the signer logged it" ||
    fail "no log line"

rmdir "$WORK/tokens"
mv "$WORK/tokens.away" "$WORK/tokens"
stop_signer || fail "the signer did not stop cleanly"
start_signer
expect_ok "token back, signer restarted: issuance" rpc issue-fernet "$claims"
expect_ok "and the old token opens" rpc open-fernet "$T"
wait_until 6 eval '[ "$(issue)" = 201 ]' && ok "signet-api issues again" ||
    fail "signet-api: no token"

# Every Fernet key replaced behind the signer's back.
p11tool --login --pin "$PIN" --list-objects --type secrkey |
    sed -n 's/^ *label: *\(signet-fernet-[0-9]*\)$/\1/p' | sort -u > "$WORK/labels"
[ -s "$WORK/labels" ] || fail "no Fernet key labels listed"
while read -r l; do
	while p11tool --login --pin "$PIN" --delete-object --type secrkey \
	    --label "$l" > /dev/null; do :; done
done < "$WORK/labels"
expect_ok "new keys in the same token" prov fernet-setup
kill -HUP "$SIGNER_PID"
sleep 1
expect_fail "keys replaced: issuance refused" "KEYS_REPLACED" \
    rpc issue-fernet "$claims"
expect_ok "keys replaced: health answers" rpc health
grep -q '"ready": false' "$WORK/out" && grep -q KEYS_REPLACED "$WORK/out" &&
    ok "keys replaced: health says why" || fail "health: $(cat "$WORK/out")"
expect_eq "keys replaced: signet-api answers 503" 503 "$(issue)"
stop_api
stop_signer || fail "the signer did not stop cleanly"
finish
