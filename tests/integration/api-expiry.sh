# Expiry ([token] expiration = 10 s): a token validates until expires_at,
# then is 404 (and 401 through keystonemiddleware), yet still opens with
# ?allow_expired within the window, with its real past expires_at.
. tests/integration/lib/softhsm.sh

token_keys
printf '[token]\nexpiration = 10\n' >> "$CONF"
start_signer
printf 'secret-svc\n' > "$WORK/svc.pw"
expect_ok "db-sync" mgr db-sync
start_api
bootstrap_admin --public-url "$API/v3/"
expect_ok "a service user" mgr user-create svc --password-file "$WORK/svc.pw"
expect_ok "with the service role on admin" mgr role-grant service \
    --user svc --project admin
mw() {		# mw TOKEN: auth_token's status for it
	printf '%s\n' "$1" | /usr/bin/python3 tests/integration/lib/mw_status.py \
	    "$API" 2>/dev/null
}
expect_eq "keystonemiddleware passes a fresh token" 200 \
    "$(mw "$(admin_token)")"
tok=$(admin_token)
exp=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"]["expires_at"])' "$WORK/body")
get() {		# get AUTH SUBJECT [QUERY]
	curl -s -o "$WORK/v" -w '%{http_code}' -H "X-Auth-Token: $1" \
	    -H "X-Subject-Token: $2" "$API/v3/auth/tokens${3:-}"
}
expect_eq "valid before expires_at" 200 "$(get "$tok" "$tok")"
sleep 11
fresh=$(admin_token)
expect_eq "404 once expired" 404 "$(get "$fresh" "$tok")"
expect_eq "allow_expired still opens it" 200 \
    "$(get "$fresh" "$tok" '?allow_expired=1')"
grep -q "\"expires_at\":\"$exp\"" "$WORK/v" ||
    fail "allow_expired changed expires_at: $(cat "$WORK/v")"
# Keystone reads the flag with oslo's bool_from_string: these are true...
for v in yes YES true True t T on On y Y 1 '%20yes%20'; do
	expect_eq "allow_expired=$v opens it" 200 \
	    "$(get "$fresh" "$tok" "?allow_expired=$v")"
done
# ...and anything else is false, a bare flag included.
for q in '?allow_expired=0' '?allow_expired=no' '?allow_expired=false' \
    '?allow_expired=2' '?allow_expired=' '?allow_expired' '?allow_expired=ye'; do
	expect_eq "$q does not" 404 "$(get "$fresh" "$tok" "$q")"
done
expect_eq "an expired X-Auth-Token is 401" 401 "$(get "$tok" "$fresh")"
expect_eq "keystonemiddleware refuses the expired token" 401 "$(mw "$tok")"
expect_ok "clean shutdown" stop_api
finish
