# A rotation is honoured at once. signet-api caches validated
# tokens for [token] cache_time (300 s here); once the signer serves a
# key set without the key a cached token was sealed with, that token is
# refused within a couple of seconds, not served from the cache until the
# entry ages out. Tokens of the keys still served keep validating.
. tests/integration/lib/softhsm.sh

appliance_up
start_api
keyset() {
	rpc health | sed -n 's/.*"fernet_keyset": *"\([0-9a-f]*\)".*/\1/p'
}
ks0=$(keyset)
[ ${#ks0} -eq 16 ] && ok "Health names the key set" ||
    fail "no key set in Health: $(rpc health)"
old=$(admin_token)
[ -n "$old" ] || fail "no token issued"
expect_eq "the token validates (and is cached)" 200 \
    "$(token_status "$old" "$old")"

expect_ok "rotate (its key becomes a secondary)" prov fernet-rotate
kill -HUP "$SIGNER_PID"
sleep 2.5
mid=$(admin_token)
expect_eq "under a secondary key it still validates" 200 \
    "$(token_status "$mid" "$old")"

expect_ok "rotate again (its key is purged)" prov fernet-rotate
kill -HUP "$SIGNER_PID"
sleep 2.5
expect_fail "the signer refuses it" "not found" rpc open-fernet "$old"
ks2=$(keyset)
[ -n "$ks2" ] && [ "$ks2" != "$ks0" ] && ok "the key set's name moved" ||
    fail "key set: $ks0 then $ks2"
new=$(admin_token)
expect_eq "the cache does not serve it either" 404 \
    "$(token_status "$new" "$old")"
expect_eq "a token of a key still served validates" 200 \
    "$(token_status "$new" "$mid")"
grep -q "the signer serves other Fernet keys; cached validations dropped" \
    "$WORK/api.log" && ok "the drop is logged" ||
    fail "no drop logged: $(cat "$WORK/api.log")"
expect_ok "clean shutdown" stop_api
finish
