# A rotation reaches a running signer on SIGHUP without failing a call in
# flight: a token stays valid while its key is a secondary and is refused
# once Keystone's rotation purges that key.
. tests/integration/lib/softhsm.sh

token_up
export PYTHONPATH="$PWD/tests/integration/lib"
issue() {
	rpc issue-fernet "{\"user_id\":\"u1\",\"methods\":[\"password\"],\"expires_at\":\"$(in_minutes 30)\",\"audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"]}" |
	    sed -n 's/.*"token": "\(.*\)".*/\1/p'
}
a=$(issue)
expect_ok "rotate (1 becomes a secondary)" prov fernet-rotate
kill -HUP "$SIGNER_PID"
sleep 0.5
expect_ok "the old token opens under its secondary key" rpc open-fernet "$a"
b=$(issue)
/usr/bin/python3 tests/integration/lib/openloop.py "$SOCK" "$b" 4 \
    > "$WORK/loop" 2>&1 &
loop=$!
sleep 1
expect_ok "rotate again (1 is purged)" prov fernet-rotate
kill -HUP "$SIGNER_PID"
wait $loop || fail "calls failed during the reload: $(cat "$WORK/loop")"
cat "$WORK/loop"
expect_fail "the token of the purged key is refused" "not found" \
    rpc open-fernet "$a"
expect_ok "the newer token still opens" rpc open-fernet "$b"
grep -c "Fernet keys loaded: 3, primary 3" "$WORK/signer.log" > /dev/null ||
    fail "the signer did not load the rotated keys"
expect_ok "clean shutdown" stop_signer
finish
