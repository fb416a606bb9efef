# [token] provider = uuid: 32-hex tokens kept in the store, looked up by
# exact match (no LIKE wildcards, no case folding), revocable, usable by
# the openstack CLI.
. tests/integration/lib/softhsm.sh

appliance_up
printf '[token]\nprovider = uuid\n[security_compliance]\nlockout_failure_attempts = 3\nlockout_duration = 3\n' >> "$CONF"
metrics_on
start_api
expect_ok "the identity endpoint" mgr endpoint-create identity public \
    "$API/v3/"
body=$(login_body admin secret-admin)
code=$(curl -s -o "$WORK/body" -D "$WORK/h" -w '%{http_code}' \
    -H 'Content-Type: application/json' -d "$body" "$API/v3/auth/tokens")
expect_eq "issued" 201 "$code"
tok=$(sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$WORK/h")
case "$tok" in
????????????????????????????????) ok "32 characters" ;;
*) fail "token $tok" ;;
esac
[ "$(printf '%s' "$tok" | tr -d '0-9a-f')" = "" ] || fail "not lowercase hex"
get() {
	token_status "$tok" "$1"
}
expect_eq "validates" 200 "$(get "$tok")"
for v in "${tok%??}%%" "${tok%?}_" "${tok%?}" "${tok}0" \
    "$(printf '%s' "$tok" | tr a-f A-F)" "%" "________________________________"; do
	expect_eq "no match for '$v'" 404 "$(get "$v")"
done
code=$(http_status -X DELETE \
    -H "X-Auth-Token: $tok" -H "X-Subject-Token: $tok" "$API/v3/auth/tokens")
expect_eq "revoked" 204 "$code"
expect_eq "the revoked token as X-Auth-Token" 401 "$(get "$tok")"
os() {
	env -i PATH=/usr/bin:/bin HOME="$WORK" OS_AUTH_URL="$API/v3" \
	    OS_USERNAME=admin OS_PASSWORD=secret-admin OS_PROJECT_NAME=admin \
	    OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default \
	    OS_IDENTITY_API_VERSION=3 /usr/bin/openstack "$@"
}
expect_ok "openstack token issue" os token issue -f value -c id
cli=$(cat "$WORK/out")
expect_ok "openstack token revoke" os token revoke "$cli"
tok=$cli
expect_eq "the CLI-revoked token" 401 "$(get "$cli")"
# Lockout: 3 failures in a row lock the user for 3 s; a success resets.
login() {	# login PASSWORD -> HTTP status
	http_status -H 'Content-Type: application/json' \
	    -d "$(login_body admin "$1")" \
	    "$API/v3/auth/tokens"
}
for i in 1 2; do login wrong > /dev/null; done
expect_eq "two failures, then the right password" 201 "$(login secret-admin)"
for i in 1 2; do login wrong > /dev/null; done
expect_eq "the count restarted after the success" 201 "$(login secret-admin)"
for i in 1 2 3; do login wrong > /dev/null; done
expect_eq "locked out after three failures" 401 "$(login secret-admin)"
sleep 3.5
expect_eq "the lock expires" 201 "$(login secret-admin)"
# Many at once: documents are committed in groups; each token is
# answered only once its own is committed, so every one validates.
adm=$(admin_token)
before=$(metric signet_api_uuid_tokens_total)
rescope="{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$adm\"}}, \"scope\": {\"project\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}}}}}"
seq 64 | xargs -P 16 -I{} curl -s -o /dev/null -D - \
    -H 'Content-Type: application/json' -d "$rescope" "$API/v3/auth/tokens" |
    sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' > "$WORK/many"
expect_eq "64 tokens issued at once, all different" 64 \
    "$(sort -u "$WORK/many" | wc -l)"
bad=0
while read -r t; do
	[ "$(token_status "$adm" "$t")" = 200 ] || bad=$((bad + 1))
done < "$WORK/many"
expect_eq "each validates" 0 "$bad"
expect_eq "64 more documents committed" 64 \
    "$(($(metric signet_api_uuid_tokens_total) - before))"
echo "note: $(metric signet_api_uuid_commits_total) commits for" \
    "$(metric signet_api_uuid_tokens_total) UUID tokens"
# signet-api's own commits of UUID tokens add rows no cache reads, so
# what is cached stays cached across them (one at a time here: a request
# that starts while one is being noted empties the caches, which is safe);
# another process's commit in the middle of them still empties them.
misses() {
	metric signet_api_token_cache_misses_total
}
t=$(head -n 1 "$WORK/many")
expect_eq "a token validated before" 200 "$(token_status "$adm" "$t")"
m=$(misses)
for i in $(seq 10); do
	curl -s -o /dev/null -H 'Content-Type: application/json' \
	    -d "$rescope" "$API/v3/auth/tokens"
done
expect_eq "10 more issued; it validates" 200 "$(token_status "$adm" "$t")"
expect_eq "from the cache, as did their callers" "$m" "$(misses)"
printf 'secret-demo\n' > "$WORK/demo.pw"
expect_ok "a demo user" mgr user-create demo --password-file "$WORK/demo.pw"
for round in 1 2 3; do
	d=$(user_token demo secret-demo -)
	expect_eq "round $round: demo's token validates" 200 \
	    "$(token_status "$adm" "$d")"
	seq 200 | xargs -P 8 -I{} curl -s -o /dev/null \
	    -H 'Content-Type: application/json' -d "$rescope" \
	    "$API/v3/auth/tokens" &
	issuing=$!
	sleep 0.2
	expect_ok "round $round: demo disabled by signet-manage mid-issuance" \
	    mgr user-disable demo
	expect_eq "round $round: demo's token refused at once" 404 \
	    "$(token_status "$adm" "$d")"
	wait "$issuing"
	expect_ok "round $round: demo enabled again" mgr user-enable demo
	sleep 1	# the disable revoked what was issued up to its second
done
expect_ok "clean shutdown" stop_api
finish
