# Keystone's golden Fernet vectors (tests/vectors/fernet, minted by
# Keystone 22) through the token: byte-identical payloads and tokens from
# the same key, timestamp and IV; Keystone's tokens open to Keystone's
# claims; every token Keystone refuses is refused.
. tests/integration/lib/softhsm.sh

cp -r tests/vectors/fernet/keys "$WORK/keys"
chmod 700 "$WORK/keys"
expect_ok "init-token" prov init-token
expect_ok "import the vectors' key repository" prov fernet-import "$WORK/keys"
expect_ok "golden vectors" ours "$TBIN/fernet-vectors" "$CONF" \
    tests/vectors/fernet/tokens.json
cat "$WORK/out"
finish
