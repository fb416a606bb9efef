# Keystone trust tokens (issue: trust-scoped tokens passed for project
# tokens). signet-api has no trusts, so a trust-scoped Fernet token that
# Keystone minted with the imported keys, for a user and project signet
# knows, is not found (404), while Keystone's plain project token for the
# same user and project validates; a re-scope from it is refused; and
# the signer's default allowed_scopes no longer seal a trust scope.
. tests/integration/lib/softhsm.sh

keystone_keys
start_signer
bootstrap_admin
start_api

ADMIN=$(admin_token)
[ -n "$ADMIN" ] || fail "no admin token"
ids=$(/usr/bin/python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["token"]; print(t["user"]["id"], t["project"]["id"])' "$WORK/body")
U=${ids% *} P=${ids#* }
EXP=$(in_minutes 30)
printf '%s\n' \
    "{\"user_id\":\"$U\",\"methods\":[\"password\"],\"expires_at\":\"$EXP\",\"audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"],\"project_id\":\"$P\"}" \
    "{\"user_id\":\"$U\",\"methods\":[\"password\"],\"expires_at\":\"$EXP\",\"audit_ids\":[\"8cTDsvhXK3S1M2YwNp8kXQ\"],\"project_id\":\"$P\",\"trust_id\":\"7fa6333299a559cc925ff589a824711d\"}" |
    /usr/bin/python3 tests/integration/lib/keystone_fernet.py mint "$REPO" \
    > "$WORK/theirs" 2> "$WORK/py.err" || fail "mint: $(cat "$WORK/py.err")"
PLAIN=$(sed -n 1p "$WORK/theirs") TRUST=$(sed -n 2p "$WORK/theirs")

get() {
	curl -s -o "$WORK/b" -w '%{http_code}' -H "X-Auth-Token: $ADMIN" \
	    -H "X-Subject-Token: $1" "$API/v3/auth/tokens"
}
expect_eq "Keystone's project token validates" 200 "$(get "$PLAIN")"
expect_eq "Keystone's trust token is not found" 404 "$(get "$TRUST")"
grep -q '"admin"' "$WORK/b" && fail "the 404 names the roles"
code=$(curl -s -o "$WORK/b" -w '%{http_code}' \
    -H 'Content-Type: application/json' \
    -d "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$TRUST\"}}, \"scope\": {\"project\": {\"id\": \"$P\"}}}}" \
    "$API/v3/auth/tokens")
expect_eq "no re-scope from a trust token" 401 "$code"
code=$(http_status -H "X-Auth-Token: $TRUST" \
    "$API/v3/auth/projects")
expect_eq "a trust token is no X-Auth-Token" 401 "$code"

expect_fail "the signer's defaults seal no trust scope" "scope" \
    rpc issue-fernet "{\"user_id\":\"$U\",\"methods\":[\"password\"],\"expires_at\":\"$EXP\",\"audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"],\"project_id\":\"$P\",\"trust_id\":\"7fa6333299a559cc925ff589a824711d\"}"
finish
