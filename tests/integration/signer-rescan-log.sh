# The signer rescans the token every rescan_interval seconds but logs
# "Fernet keys loaded" only when the keys change: once at start, once
# after a rotation, never for a rescan that finds the same keys.
. tests/integration/lib/softhsm.sh

token_keys
printf '[signer]\nrescan_interval = 1\n' >> "$CONF"
start_signer
loaded() {
	grep -c "Fernet keys loaded" "$WORK/signer.log"
}
sleep 3.5
expect_eq "three rescans, one line" 1 "$(loaded)"
expect_ok "rotate" prov fernet-rotate
kill -HUP "$SIGNER_PID"
sleep 1
expect_eq "a rotation: one more line" 2 "$(loaded)"
grep -q "Fernet keys loaded: 3, primary 2" "$WORK/signer.log" ||
    fail "the rotated keys: $(cat "$WORK/signer.log")"
sleep 2.5
expect_eq "rescans after it: no more" 2 "$(loaded)"
expect_ok "the signer answers" rpc health
expect_ok "clean shutdown" stop_signer
finish
