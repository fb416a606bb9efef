# Keystone's golden Fernet vectors (tests/vectors/fernet, minted by
# Keystone 22) through the token: byte-identical payloads and tokens from
# the same key, timestamp and IV; Keystone's tokens open to Keystone's
# claims; every token Keystone refuses is refused. Then the Fernet
# specification's own vectors (tests/vectors/fernet-spec) under its secret.
. tests/integration/lib/softhsm.sh

cp -r tests/vectors/fernet/keys "$WORK/keys"
chmod 700 "$WORK/keys"
expect_ok "init-token" prov init-token
expect_ok "import the vectors' key repository" prov fernet-import "$WORK/keys"
expect_ok "golden vectors" ours "$TBIN/fernet-vectors" "$CONF" \
    tests/vectors/fernet/tokens.json
cat "$WORK/out"

cp -r tests/vectors/fernet-spec/keys "$WORK/spec-keys"
chmod 700 "$WORK/spec-keys"
chmod 600 "$WORK/spec-keys/0"
expect_ok "import the spec's secret" prov fernet-import --force \
    "$WORK/spec-keys"
expect_ok "Fernet spec vectors" ours "$TBIN/fernet-vectors" "$CONF" spec \
    tests/vectors/fernet-spec/vectors.json
cat "$WORK/out"
finish
