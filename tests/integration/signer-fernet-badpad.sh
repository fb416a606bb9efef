# A Fernet token whose MAC is right but whose padding is not is a bad
# token, not a sick HSM: signet-api answers 404 (as Keystone does) and the
# signer refuses it without an HSM error, a new session or a key reload,
# and audits it as a bad token. Valid tokens keep validating.
. tests/integration/lib/softhsm.sh

keystone_keys
start_signer
bootstrap_admin
start_api

tok=$(admin_token)
[ -n "$tok" ] || fail "no token issued"
get() {		# get SUBJECT: the status of GET /v3/auth/tokens
	token_status "$tok" "$1"
}
expect_eq "a valid token validates" 200 "$(get "$tok")"
loads=$(grep -c "Fernet keys loaded" "$WORK/signer.log")

# Under the primary (2) and under a secondary (1): each is reached.
for k in 2 1; do
	bad=$(/usr/bin/python3 tests/integration/lib/fernet_badpad.py \
	    "$REPO/$k") || fail "could not make the token"
	expect_eq "bad padding under key $k: 404" 404 "$(get "$bad")"
	expect_fail "bad padding under key $k: refused as a token" \
	    "token not found" rpc open-fernet "$bad"
done
sleep 1.5	# a lost session would have the signer look at the token now
grep -E "error|CKR_" "$WORK/signer.log" &&
    fail "the signer took a bad token for an HSM error"
expect_eq "no key reload" "$loads" "$(grep -c "Fernet keys loaded" \
    "$WORK/signer.log")"
expect_eq "bad tokens audited as such" 4 \
    "$(grep -cE '"op":"open_fernet",("request_id":"[^"]*",)?"result":"bad token"' "$WORK/audit.log")"
expect_eq "a valid token still validates" 200 "$(get "$tok")"
expect_ok "the signer is healthy" rpc health
grep -q '"status": "ready"\|READY\|"ready": true' "$WORK/out" ||
    fail "health: $(cat "$WORK/out")"
expect_ok "clean shutdown" stop_api
finish
