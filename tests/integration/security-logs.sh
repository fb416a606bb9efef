# With the signer and the API at debug level, every
# provider is exercised (issue, wrong password, re-scope, validate, bad
# tokens, revoke, the revocation list, signet-verify) and then no log signet
# wrote (signer, API, audit) holds an issued token, Fernet or PKI bytes, a
# password or a PIN. The API maps no PKCS#11 module; the signer has no core.
. tests/integration/lib/softhsm.sh

token_keys pki
SIGNER_FLAGS=-d start_signer
ADMIN_PW='Adm1n-secret-pw'
WRONG_PW='N0t-the-password'
printf '%s\n' "$ADMIN_PW" > "$WORK/admin.pw"
expect_ok "bootstrap" mgr bootstrap --admin-password-file "$WORK/admin.pw"
printf '[token]\nprovider = fernet\n' >> "$CONF"
: > "$WORK/issued"

auth() {	# auth PASSWORD: the token, or nothing
	user_token admin "$1"
}
rescope() {
	curl -s -D "$WORK/h" -o /dev/null -H 'Content-Type: application/json' \
	    -d "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$1\"}}, \"scope\": {\"project\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}}}}}" \
	    "$API/v3/auth/tokens"
	sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$WORK/h"
}
changed() {	# the token with its 30th character replaced
	c=X
	[ "$(printf '%s' "$1" | cut -c30)" = X ] && c=Y
	printf '%s%s%s' "$(printf '%s' "$1" | cut -c1-29)" "$c" \
	    "$(printf '%s' "$1" | cut -c31-)"
}

API_FLAGS=-d
for provider in fernet pki pkiz uuid; do
	sed -i "s/^provider = .*/provider = $provider/" "$CONF"
	[ -n "${API_PID:-}" ] && stop_api
	start_api
	admin=$(auth "$ADMIN_PW")
	child=$(rescope "$admin")
	other=$(auth "$ADMIN_PW")
	printf '%s\n%s\n%s\n' "$admin" "$child" "$other" >> "$WORK/issued"
	[ -n "$admin" ] && [ -n "$child" ] && [ -n "$other" ] &&
	    ok "$provider: issued" || fail "$provider: no token"
	expect_eq "$provider: a wrong password" "" "$(auth "$WRONG_PW")"
	expect_eq "$provider: valid" 200 "$(token_status "$admin" "$child")"
	expect_eq "$provider: garbage" 404 "$(token_status "$admin" "garbage-token")"
	expect_eq "$provider: changed" 404 \
	    "$(token_status "$admin" "$(changed "$other")")"
	expect_eq "$provider: an unknown caller" 401 \
	    "$(token_status "x$admin" "$child")"
	code=$(http_status -X DELETE \
	    -H "X-Auth-Token: $admin" -H "X-Subject-Token: $child" \
	    "$API/v3/auth/tokens")
	expect_eq "$provider: revoked" 204 "$code"
	expect_eq "$provider: the revoked token" 404 \
	    "$(token_status "$admin" "$child")"
	code=$(http_status -H "X-Auth-Token: $admin" \
	    "$API/v3/auth/tokens/OS-PKI/revoked")
	expect_eq "$provider: the revocation list" 200 "$code"
	printf '%s\n' "$other" > "$WORK/tok"
	expect_ok "$provider: signet-verify" ours "$BIN/signet-verify" \
	    --url "$API" --signing-dir "$WORK/sd" --user admin \
	    --password-file "$WORK/admin.pw" --project admin \
	    --token-file "$WORK/tok"
done
grep -q 'debug' "$WORK/signer.log" || fail "the signer logged no debug line"
grep -q 'debug' "$WORK/api.log" "$WORK/api.old.log" ||
    fail "the API logged no debug line"

grep -q "^[^ ]" /proc/$API_PID/maps && ! grep -qE 'softhsm|opensc-pkcs11|p11-kit-client|pkcs11\.so' \
    "/proc/$API_PID/maps" && ok "the API maps no PKCS#11 module" ||
    fail "the API maps a PKCS#11 module"
grep -q "Max core file size *0 *0" /proc/$SIGNER_PID/limits &&
    ok "the signer cannot dump core" || fail "the signer can dump core"

stop_api
stop_signer || fail "the signer did not stop cleanly"
logs="$WORK/signer.log $WORK/api.log $WORK/api.old.log $WORK/audit.log"
n=0
while read -r t; do
	[ -n "$t" ] || continue
	n=$((n + 1))
	# shellcheck disable=SC2086
	! grep -qF -- "$t" $logs || fail "an issued token reached a log"
	# shellcheck disable=SC2086
	! grep -qF -- "$(printf '%s' "$t" | cut -c1-24)" $logs ||
	    fail "a token's first 24 characters reached a log"
done < "$WORK/issued"
expect_eq "tokens checked" 12 "$n"
for pat in gAAAA MII PKIZ_ "$ADMIN_PW" "$WRONG_PW" "$PIN" \
    "$(cat "$WORK/so.pin")"; do
	# shellcheck disable=SC2086
	! grep -qF -- "$pat" $logs || fail "a log holds ${pat%"${pat#???}"}..."
done
[ -s "$WORK/audit.log" ] && ok "the audit log was written" ||
    fail "no audit log"
finish
