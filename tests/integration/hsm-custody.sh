# Key custody on a provisioned token: no key's value can be read, no key
# wraps under an untrusted key, no attribute can be weakened, no object
# can both wrap and decrypt (hsm-check custody does the PKCS#11 calls).
. tests/integration/lib/softhsm.sh

expect_ok "init-token" prov init-token
expect_ok "pki-setup" prov pki-setup
expect_ok "fernet-setup" prov fernet-setup
expect_ok "custody of RSA and Fernet keys" ours "$TBIN/hsm-check" "$CONF" custody
cat "$WORK/out"
grep -q "checked signet-fernet-1-hmac" "$WORK/out" ||
    fail "custody did not look at the Fernet keys"
expect_ok "pki-setup ec-p256" prov pki-setup --force --key-type ec-p256
expect_ok "custody of EC keys" ours "$TBIN/hsm-check" "$CONF" custody
finish
