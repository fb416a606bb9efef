# signet-api over HTTPS ([api] tls_cert, tls_key): TLS 1.2+ only, a key
# file others can read refuses to start, and curl and the openstack CLI
# (with the CA as OS_CACERT) get tokens.
. tests/integration/lib/softhsm.sh

CA="/usr/bin/python3 tests/integration/lib/extca.py"
$CA ca "$WORK/ca.key" "$WORK/ca.pem"
openssl req -new -newkey rsa:2048 -nodes -keyout "$WORK/api.key" \
    -subj /CN=127.0.0.1 -out "$WORK/api.csr" 2>/dev/null
$CA sign "$WORK/api.csr" "$WORK/ca.key" "$WORK/ca.pem" "$WORK/api.pem" tlsserver
appliance_up

chmod 644 "$WORK/api.key"
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf '[api]\nport = %s\ntls_cert = api.pem\ntls_key = api.key\npublic_endpoint = https://127.0.0.1:%s\n' \
    "$PORT" "$PORT" >> "$CONF"
expect_fail "a world-readable TLS key" "mode 0600" ours "$BIN/signet-api" \
    -c "$CONF"
chmod 600 "$WORK/api.key"
LD_PRELOAD="${SIGNET_PRELOAD:-}" "$BIN/signet-api" -c "$CONF" \
    > "$WORK/api.log" 2>&1 &
API_PID=$!
wait_until 10 grep -q "serving the Keystone" "$WORK/api.log"
API="https://127.0.0.1:$PORT"
expect_eq "discovery over HTTPS" 200 "$(http_status \
    --cacert "$WORK/ca.pem" "$API/v3")"
expect_eq "a token over HTTPS" 201 "$(http_status \
    --cacert "$WORK/ca.pem" -H 'Content-Type: application/json' \
    -d "$(login_body admin secret-admin -)" \
    "$API/v3/auth/tokens")"
expect_fail "TLS 1.1" "refused" sh -c "curl -s --cacert '$WORK/ca.pem' --tlsv1.1 \
    --tls-max 1.1 '$API/v3' >/dev/null 2>&1 || { echo refused >&2; exit 1; }"
expect_fail "plain HTTP" "refused" sh -c "curl -s -m 5 'http://127.0.0.1:$PORT/v3' \
    | grep -q version || { echo refused >&2; exit 1; }"
expect_ok "openstack token issue over HTTPS" env -i PATH=/usr/bin:/bin \
    HOME="$WORK" OS_AUTH_URL="$API/v3" OS_CACERT="$WORK/ca.pem" \
    OS_USERNAME=admin OS_PASSWORD=secret-admin OS_PROJECT_NAME=admin \
    OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default \
    OS_IDENTITY_API_VERSION=3 /usr/bin/openstack token issue -f value -c id
finish
