# The signer over TCP with mutual TLS: a client with a
# certificate from the pinned CA is served; no certificate, one from
# another CA, an expired one, or TLS 1.1 is refused before any frame is
# parsed, and the signer keeps serving. Both outcomes are audited.
. tests/integration/lib/softhsm.sh

CA="/usr/bin/python3 tests/integration/lib/extca.py"
T="$WORK/tls"
mkdir "$T"
$CA ca "$T/ca.key" "$T/ca.pem"
$CA ca "$T/other.key" "$T/other.pem"
cert() {	# cert NAME CN CAKEY CACERT [MODE]
	openssl req -new -newkey rsa:2048 -nodes -keyout "$T/$1.key" \
	    -subj "/CN=$2" -out "$T/$1.csr" 2>/dev/null
	$CA sign "$T/$1.csr" "$3" "$4" "$T/$1.pem" ${5:-}
	chmod 600 "$T/$1.key"
}
cert server 127.0.0.1 "$T/ca.key" "$T/ca.pem" tlsserver
cert client signet-api "$T/ca.key" "$T/ca.pem" tlsclient
cert stranger signet-api "$T/other.key" "$T/other.pem" tlsclient
cert late signet-api "$T/ca.key" "$T/ca.pem" expired
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

token_keys
cat >> "$CONF" <<CF
[signer]
tcp_listen = 127.0.0.1:$PORT
tls_cert = $T/server.pem
tls_key = $T/server.key
tls_ca = $T/ca.pem
CF
start_signer
wait_until 5 grep -q "serving mutual TLS" "$WORK/signer.log"
client_conf() {	# client_conf NAME: a signet-rpc config using that cert
	printf '[signer]\nsocket = tcp://127.0.0.1:%s\ntls_client_cert = %s\ntls_client_key = %s\ntls_ca = %s\n' \
	    "$PORT" "$T/$1.pem" "$T/$1.key" "$T/ca.pem" > "$WORK/$1.conf"
}
for n in client stranger late; do client_conf "$n"; done
expect_ok "health over mutual TLS" ours "$BIN/signet-rpc" \
    -c "$WORK/client.conf" health
grep -q '"ready": true' "$WORK/out" || fail "not ready over TLS"
expect_ok "a token over mutual TLS" ours "$BIN/signet-rpc" \
    -c "$WORK/client.conf" issue-fernet "{\"user_id\":\"u1\",\"methods\":[\"password\"],\"expires_at\":\"$(in_minutes 30)\",\"audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"]}"
# Under TLS 1.3 the client may learn of the refusal only on its first read.
expect_fail "a client certificate from another CA" "no (signer answers|answer)" \
    ours "$BIN/signet-rpc" -c "$WORK/stranger.conf" health
expect_fail "an expired client certificate" "no (signer answers|answer)" \
    ours "$BIN/signet-rpc" -c "$WORK/late.conf" health
expect_fail "no client certificate" "alert|error|errno" sh -c \
    "printf 'xxxx' | openssl s_client -connect 127.0.0.1:$PORT -CAfile $T/ca.pem -quiet 1>&2; exit 1"
expect_fail "TLS 1.1" "alert|error|no protocols" sh -c \
    "openssl s_client -connect 127.0.0.1:$PORT -tls1_1 -cert $T/client.pem -key $T/client.key -CAfile $T/ca.pem < /dev/null 1>&2; exit 1"
grep -q '"result":"tls peer /CN=signet-api"' "$WORK/audit.log" ||
    fail "the TLS peer is not audited by name"
expect_ok "the Unix socket still serves" rpc health
expect_ok "clean shutdown" stop_signer
# Refusals are audited at a bounded rate: one in full, the rest counted
# in a summary (written at the latest when the signer stops).
denied=$(/usr/bin/python3 -c '
import json, re, sys
n = 0
for line in open(sys.argv[1]):
    m = re.match(r"tls peer denied(?:: (\d+) more refusals in the last \d+ s)?$",
                 json.loads(line)["result"])
    if m:
        n += int(m.group(1) or 1)
print(n)' "$WORK/audit.log")
[ "$denied" -ge 4 ] || fail "refused TLS peers are not all audited ($denied)"
finish
