# signet-api's cache of validated tokens keeps every one of 1,000 live
# tokens: each kept as it is issued (as Keystone's cache_on_issue), then
# validated twice, and both rounds are answered from the cache (the
# metrics count the misses); two tokens whose hashes meet no longer evict
# each other.
. tests/integration/lib/softhsm.sh

appliance_up
MPORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf '[api]\nmetrics_port = %s\n[token]\ncache_time = 300\n' "$MPORT" >> "$CONF"
start_api
ADMIN=$(admin_token)
/usr/bin/python3 - "$API_PORT" "$ADMIN" 1000 "$MPORT" > "$WORK/rounds" <<'PY' ||
import http.client, json, sys
port, admin, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
def misses():
    m = http.client.HTTPConnection("127.0.0.1", int(sys.argv[4]))
    m.request("GET", "/metrics")
    for line in m.getresponse().read().decode().splitlines():
        if line.startswith("signet_api_token_cache_misses_total "):
            return int(line.split()[1])
c = http.client.HTTPConnection("127.0.0.1", port)
def call(method, body=None, subject=None):
    h = {"X-Auth-Token": admin, "Content-Type": "application/json"}
    if subject:
        h["X-Subject-Token"] = subject
    c.request(method, "/v3/auth/tokens", body=body, headers=h)
    r = c.getresponse()
    r.read()
    return r.status, r.getheader("X-Subject-Token")
body = json.dumps({"auth": {"identity": {"methods": ["token"],
    "token": {"id": admin}}, "scope": {"project": {"name": "admin",
    "domain": {"id": "default"}}}}})
toks = []
for _ in range(n):
    st, t = call("POST", body)
    assert st == 201, st
    toks.append(t)
for rnd in (1, 2):
    before = misses()
    ok = sum(call("GET", subject=t)[0] == 200 for t in toks)
    print(rnd, ok, misses() - before)
PY
    fail "the rounds did not run"
read -r _ first missed1 < "$WORK/rounds"
expect_eq "the first round validated all" 1000 "$first"
expect_eq "the first round from the cache, kept as issued" yes \
    "$([ "$missed1" -le 5 ] && echo yes)"
read -r _ second missed2 <<EOT
$(sed -n 2p "$WORK/rounds")
EOT
expect_eq "the second round too" 1000 "$second"
expect_eq "the second round from the cache, all but a few" yes \
    "$([ "$missed2" -le 5 ] && echo yes)"
echo "cache misses: $missed1 in the first round, $missed2 in the second"
stop_api || fail "signet-api exited badly: $(tail -5 "$WORK/api.log")"
finish
