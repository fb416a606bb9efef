# Stolen tokens do not survive a password reset or a re-enable: as in
# Keystone, a new password (signet-manage bootstrap) and user-disable
# record a revocation event for every token of the user issued up to then.
# signet-api honours it at once (cache or not), OS-REVOKE/events and the
# signed list carry it, and libsignet-verify refuses such PKI tokens
# offline. A bootstrap that changes nothing revokes nothing.
. tests/integration/lib/softhsm.sh

appliance_up pki
printf 'secret-demo\n' > "$WORK/demo.pw"
expect_ok "a demo user" mgr user-create demo --password-file "$WORK/demo.pw"
expect_ok "demo is a member" mgr role-grant member --user demo --project admin
start_api

get() {		# get TOKEN: the status of validating it with itself
	token_status "$1" "$1"
}

OLD=$(user_token admin secret-admin)
expect_eq "the admin token validates" 200 "$(get "$OLD")"
expect_ok "bootstrap again, the same password" mgr bootstrap \
    --admin-password-file "$WORK/admin.pw"
expect_eq "an unchanged password revokes nothing" 200 "$(get "$OLD")"
sleep 1.1	# tokens issued in the second of the change go with it
printf 'new-admin-pw\n' > "$WORK/admin2.pw"
expect_ok "bootstrap with a new password" mgr bootstrap \
    --admin-password-file "$WORK/admin2.pw"
sleep 1.1
NEW=$(user_token admin new-admin-pw)
expect_eq "a token with the new password validates" 200 "$(get "$NEW")"
expect_eq "the old admin token is revoked" 404 \
    "$(token_status "$NEW" "$OLD")"
expect_eq "nor is it an X-Auth-Token" 401 \
    "$(http_status -H "X-Auth-Token: $OLD" "$API/v3/auth/projects")"

D=$(user_token demo secret-demo)
expect_eq "demo's token validates" 200 "$(get "$D")"
expect_ok "user-disable demo" mgr user-disable demo
expect_eq "disabled: its token is gone" 404 \
    "$(token_status "$NEW" "$D")"
expect_ok "user-disable admin" mgr user-disable admin
expect_ok "bootstrap enables admin again" mgr bootstrap \
    --admin-password-file "$WORK/admin2.pw"
sleep 1.1
NEWER=$(user_token admin new-admin-pw)
expect_eq "re-enabled: the token from before the disable stays revoked" 404 \
    "$(token_status "$NEWER" "$NEW")"
curl -s -H "X-Auth-Token: $NEWER" "$API/v3/OS-REVOKE/events" > "$WORK/events"
expect_eq "OS-REVOKE/events: one event per revoked user" 3 \
    "$(grep -o '"user_id"' "$WORK/events" | wc -l)"

# A token issued in the second of its user's event goes with it, as in
# Keystone; signet-api keeps each new token's answer as it issues it,
# but not a token already revoked so.
. tests/integration/lib/identity.sh
DEMO=$(sql "SELECT id FROM user WHERE name = 'demo'")
expect_ok "user-enable demo" mgr user-enable demo
tries=0 same=""
while [ -z "$same" ] && [ $tries -lt 5 ]; do
	sleep 1.1
	mgr user-disable demo > /dev/null && mgr user-enable demo > /dev/null
	D2=$(user_token demo secret-demo)
	at=$(sed -n 's/.*"issued_at": *"\([^".]*\).*/\1/p' "$WORK/body")
	ev=$(sql "SELECT max(issued_before) FROM revocation_event WHERE \
	    user_id = '$DEMO'")
	[ "$(date -u -d "${at}Z" +%s)" = "$ev" ] && same=$D2
	tries=$((tries + 1))
done
[ -n "$same" ] && ok "a token issued in the second of a disable" ||
    fail "no token issued in the second of its event in $tries tries"
expect_eq "is refused at once, though new" 404 \
    "$(token_status "$NEWER" "$same")"

# PKI, offline: libsignet-verify reads the user event in the signed list.
stop_api
printf '[token]\nprovider = pki\n' >> "$CONF"
start_api
printf 'secret-pki\n' > "$WORK/pki.pw"
expect_ok "a pki user" mgr user-create pkiuser --password-file "$WORK/pki.pw"
expect_ok "pkiuser is a member" mgr role-grant member --user pkiuser \
    --project admin
sleep 1.1
P=$(user_token pkiuser secret-pki)
printf '%s\n' "$P" > "$WORK/p.tok"
sv() {
	ours "$BIN/signet-verify" --url "$API" --user admin --password-file \
	    "$WORK/admin2.pw" --project admin --signing-dir "$WORK/sd$1" \
	    --token-file "$WORK/p.tok" > "$WORK/out" 2>&1
}
sv 1
expect_eq "signet-verify: the PKI token, offline" 0 "$?"
expect_ok "user-disable pkiuser" mgr user-disable pkiuser
sv 2
expect_eq "signet-verify: revoked by the user event" "1 revoked" \
    "$? $(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["reason"])' < "$WORK/out" 2>&1)"
finish
