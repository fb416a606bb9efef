# What an operator watches: GET /healthcheck (200 OK, or 503 naming the
# signer or the store, while /v3 stays 200), GET /metrics on its own
# listener only (Prometheus text that parses, counters that rise,
# cumulative histograms), x-openstack-request-id on every answer and the
# same id in the access line and the signer's audit record, a warning per
# failed login (user and peer, never the password), escaped control
# bytes, journald priorities, and start and stop lines.
. tests/integration/lib/softhsm.sh

PROM="/usr/bin/python3 tests/integration/lib/promtext.py"
free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
appliance_up
MPORT=$(free_port)
printf '[api]\nmetrics_port = %s\n' "$MPORT" >> "$CONF"
start_api
METRICS="http://127.0.0.1:$MPORT"
AUDIT="$WORK/audit.log"

# --- start lines
grep -qE "signet-api [0-9.]+ \(pid $API_PID\) serving the Keystone v3 token API on http://127.0.0.1:$API_PORT; /metrics and /healthcheck on http://127.0.0.1:$MPORT" "$WORK/api.log" &&
    ok "signet-api's start line: version, pid, what it serves" ||
    fail "no start line: $(cat "$WORK/api.log")"
grep -qE "signet-signerd [0-9.]+ \(pid $SIGNER_PID\) serving the RPC on $SOCK" "$WORK/signer.log" &&
    ok "the signer's start line" || fail "no signer start line: $(cat "$WORK/signer.log")"
grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z signet-api: info: ' "$WORK/api.log" &&
    ok "lines open with the UTC time when stderr is not the journal" ||
    fail "no timestamp prefix: $(head -2 "$WORK/api.log")"

# --- health
hc() {	# hc URL: "CODE BODY"
	curl -s -m 10 -o "$WORK/hc" -D "$WORK/hc.h" -w '%{http_code}' "$1/healthcheck"
	printf ' %s' "$(cat "$WORK/hc")"
}
expect_eq "/healthcheck on the main port" "200 OK" "$(hc "$API")"
grep -qi '^Content-Type: text/plain' "$WORK/hc.h" && ok "text/plain" ||
    fail "healthcheck content type: $(cat "$WORK/hc.h")"
expect_eq "/healthcheck on the metrics port" "200 OK" "$(hc "$METRICS")"

# --- request ids on every kind of answer
UUID4='^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
: > "$WORK/ids"
rid() {	# rid NAME WANT_CODE curl-args...: records the answer's id
	name=$1 want=$2; shift 2
	code=$(curl -s -m 10 -D "$WORK/h.$name" -o "$WORK/b.$name" -w '%{http_code}' "$@")
	id=$(tr -d '\r' < "$WORK/h.$name" | sed -n 's/^[Xx]-[Oo]pen[Ss]tack-[Rr]equest-[Ii]d: //p')
	expect_eq "$name: status" "$want" "$code"
	if echo "$id" | grep -qE "$UUID4"; then
		ok "$name: x-openstack-request-id $id"
	else
		fail "$name: request id [$id]"
	fi
	echo "$id" >> "$WORK/ids"
}
rid version 200 "$API/v3?marker=query-secret"
rid issue 201 -H 'Content-Type: application/json' -d "$(login_body admin secret-admin)" "$API/v3/auth/tokens"
rid badlogin 401 -H 'Content-Type: application/json' -d "$(login_body admin wrong-pass-Zq81)" "$API/v3/auth/tokens"
rid nowhere 404 "$API/v3/nowhere"
rid badjson 400 -H 'Content-Type: application/json' -d '{"auth": ' "$API/v3/auth/tokens"
rid health 200 "$METRICS/healthcheck"
TOKEN=$(tr -d '\r' < "$WORK/h.issue" | sed -n 's/^X-Subject-Token: //p')
rid validate 200 -H "X-Auth-Token: $TOKEN" -H "X-Subject-Token: $TOKEN" "$API/v3/auth/tokens"
expect_eq "every id differs" "$(wc -l < "$WORK/ids")" "$(sort -u "$WORK/ids" | wc -l)"

# --- one issuance, followed end to end
ISSUE_ID=$(sed -n 2p "$WORK/ids")
USER_ID=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"]["user"]["id"])' "$WORK/b.issue")
grep -F "$ISSUE_ID" "$WORK/api.log" | grep -qE "\"POST /v3/auth/tokens\" 201 [0-9.]+ ms user $USER_ID" &&
    ok "the access line: id, method, path, status, time, user" ||
    fail "no access line for $ISSUE_ID: $(grep -F "$ISSUE_ID" "$WORK/api.log")"
/usr/bin/python3 - "$AUDIT" "$ISSUE_ID" <<'PY' && ok "the signer's issue_fernet record carries the request id" || fail "no audit record with $ISSUE_ID"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(0 if any(r.get("request_id") == sys.argv[2] and
                  r["op"] == "issue_fernet" and r["result"] == "ok"
                  for r in recs) else 1)
PY
VALIDATE_ID=$(sed -n 7p "$WORK/ids")
grep -F "\"request_id\":\"${VALIDATE_ID:-none}\"" "$AUDIT" | grep -q '"op":"open_fernet"' &&
    ok "a validation's open_fernet record carries its id" ||
    fail "no open_fernet record with $VALIDATE_ID"
VERSION_ID=$(sed -n 1p "$WORK/ids")
grep -F "${VERSION_ID:-none}" "$WORK/api.log" | grep -q '"GET /v3" 200 .* user -$' &&
    ! grep -q 'query-secret' "$WORK/api.log" &&
    ok "the access line has the path without its query" ||
    fail "query logged, or no access line: $(grep -F "${VERSION_ID:-none}" "$WORK/api.log")"
grep -qF "$TOKEN" "$WORK/api.log" "$AUDIT" && fail "a token was logged" ||
    ok "no token in the logs"

# --- failed logins
grep -E "warning: .*authentication failed for user name 'admin' in domain 'default' from 127.0.0.1" "$WORK/api.log" |
    grep -qF "$(sed -n 3p "$WORK/ids")" &&
    ok "a failed login: a warning with the user name, peer and request id" ||
    fail "no failed-login warning: $(grep -i warn "$WORK/api.log")"
grep -q 'wrong-pass-Zq81' "$WORK/api.log" && fail "the password was logged" ||
    ok "the password is not logged"
curl -s -o /dev/null -H 'Content-Type: application/json' \
    -d "$(login_body 'evil\nsignet-api: error: forged-line' nope)" "$API/v3/auth/tokens"
curl -s -o /dev/null "$API/v3/%0aforged-path"
sleep 0.2
expect_eq "a user name's newline makes no second line" "1 0" \
    "$(grep -c 'forged-line' "$WORK/api.log") $(grep -c '^signet-api: error: forged-line' "$WORK/api.log")"
grep 'forged-line' "$WORK/api.log" | grep -qF 'evil\x0asignet-api: error: forged-line' &&
    ok "it is logged escaped" || fail "not escaped: $(grep forged-line "$WORK/api.log")"
expect_eq "a path's %0a is logged as sent, on one line" "1 0" \
    "$(grep -c '"GET /v3/%0aforged-path" 404' "$WORK/api.log") $(grep -c '^forged-path' "$WORK/api.log")"

# --- metrics
code=$(http_status "$API/metrics")
expect_eq "no /metrics on the main port" 404 "$code"
scrape() {
	curl -s -m 10 -D "$WORK/m.h" -o "$WORK/$1" "$METRICS/metrics"
	expect_ok "$1 parses: HELP, TYPE, samples, histograms" $PROM check "$WORK/$1"
}
get() { $PROM get "$WORK/$1" "$2"; }
scrape m1
grep -qi '^Content-Type: text/plain; version=0.0.4' "$WORK/m.h" &&
    ok "text format 0.0.4" || fail "content type: $(cat "$WORK/m.h")"
for i in 1 2 3; do curl -s -o /dev/null "$API/v3"; done
for i in 1 2; do
	curl -s -o /dev/null -H "X-Auth-Token: $TOKEN" -H "X-Subject-Token: $TOKEN" "$API/v3/auth/tokens"
done
scrape m2
V3='signet_api_requests_total{route="/v3",method="GET",status="200"}'
a=$(get m1 "$V3") b=$(get m2 "$V3")
[ "$a" != absent ] && [ "$b" -ge $((a + 3)) ] && ok "requests counted by route template ($a -> $b)" ||
    fail "$V3: $a -> $b"
L='signet_api_request_duration_seconds_count{route="/v3"}'
[ "$(get m2 "$L")" -ge 4 ] && ok "latency histogram by route" || fail "$L: $(get m2 "$L")"
# /v3/nowhere, /v3/%0aforged-path and /metrics on the main port
expect_eq "404s count under route other" 3 "$(get m2 'signet_api_requests_total{route="other",method="GET",status="404"}')"
H=$(get m1 signet_api_token_cache_hits_total) H2=$(get m2 signet_api_token_cache_hits_total)
[ "$H2" -ge $((H + 2)) ] && ok "token cache hits counted ($H -> $H2)" || fail "cache hits $H -> $H2"
[ "$(get m2 signet_api_token_cache_misses_total)" -ge 1 ] && ok "token cache misses counted" ||
    fail "no cache miss counted"
[ "$(get m2 'signet_api_signer_calls_total{call="issue_fernet"}')" -ge 1 ] &&
    ok "signer calls counted by call" || fail "no signer issue_fernet call counted"
expect_eq "the signer's own counters, through Health" 1 "$(get m2 signet_signer_up)"
[ "$(get m2 'signet_signer_calls_total{call="issue_fernet"}')" -ge 1 ] &&
    ok "signet_signer_calls_total{issue_fernet}" || fail "no signer-side issue count"
[ "$(get m2 'signet_signer_errors_total{call="open_fernet"}')" -ge 0 ] 2>/dev/null &&
    ok "signet_signer_errors_total by call" || fail "no signer-side errors"
expect_eq "breaker closed" 0 "$(get m2 signet_api_signer_down)"
# 200 requests from 8 clients at once: every one counted (pool threads
# bump the same counters)
seq 200 | xargs -P 8 -I{} curl -s -o /dev/null "$API/v3"
scrape m2b
c=$(get m2b "$V3")
expect_eq "concurrent requests, each counted once" $((b + 200)) "$c"
expect_eq "and observed once in the histogram" \
    $(( $(get m2 "$L") + 200 )) "$(get m2b "$L")"
grep -qF "$TOKEN" "$WORK/m2" && fail "a token in the metrics" || ok "no token in the metrics"
grep -q 'nowhere\|forged' "$WORK/m2" && fail "a raw path in the metrics" ||
    ok "no raw path in the metrics"

# --- the journal: <N> priorities instead of the time
JLOG="$WORK/journal.log"
: > "$JLOG"
JPORT=$(free_port)
sed "s/^port = .*/port = $JPORT/; s/^metrics_port = .*/metrics_port = 0/" "$CONF" > "$WORK/j.conf"
JOURNAL_STREAM=$(stat -c '%d:%i' "$JLOG") LD_PRELOAD="${SIGNET_PRELOAD:-}" \
    "$BIN/signet-api" -c "$WORK/j.conf" 2>> "$JLOG" &
JPID=$!
wait_until 10 grep -qs "serving the Keystone" "$JLOG"
curl -s -o /dev/null -H 'Content-Type: application/json' \
    -d "$(login_body admin nope)" "http://127.0.0.1:$JPORT/v3/auth/tokens"
expect_eq "/metrics is off when metrics_port is 0" 404 \
    "$(http_status "http://127.0.0.1:$JPORT/metrics")"
kill "$JPID"; wait "$JPID"
grep -q '^<6>signet-api: info: signet-api .* serving the Keystone v3 token API on http://127.0.0.1:[0-9]*; /metrics off$' "$JLOG" &&
    ok "journal: <6> on an info line" || fail "no <6>: $(head -3 "$JLOG")"
grep -q '^<4>signet-api: warning: .*authentication failed' "$JLOG" &&
    ok "journal: <4> on a warning" || fail "no <4>: $(cat "$JLOG")"
grep -vq '^<[3-7]>' "$JLOG" && fail "a line without a priority: $(grep -v '^<' "$JLOG")" ||
    ok "every line has its priority, and no timestamp"

# --- the signer stopped: 503 naming it, discovery still 200
kill -STOP "$SIGNER_PID"
hc "$API" > "$WORK/hc.stopped"
expect_eq "/healthcheck with the signer stopped" "503 signer: not answering" "$(cat "$WORK/hc.stopped")"
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$API/v3")
expect_eq "/v3 still 200" 200 "$code"
curl -s -m 10 -o "$WORK/m3" "$METRICS/metrics"
expect_eq "metrics: the breaker is open" 1 "$($PROM get "$WORK/m3" signet_api_signer_down)"
expect_eq "metrics: the signer is not up" 0 "$($PROM get "$WORK/m3" signet_signer_up)"
[ "$($PROM get "$WORK/m3" signet_api_signer_breaker_trips_total)" -ge 1 ] &&
    ok "metrics: a breaker trip counted" || fail "no breaker trip"
[ "$($PROM get "$WORK/m3" 'signet_api_signer_errors_total{call="health",kind="unreachable"}')" -ge 1 ] &&
    ok "metrics: unreachable signer calls counted" || fail "no unreachable count"
kill -CONT "$SIGNER_PID"
wait_until 5 eval '[ "$(hc "$API")" = "200 OK" ]'
expect_eq "/healthcheck 200 again after SIGCONT" "200 OK" "$(hc "$API")"

# --- the signer's request_id: printable ASCII, at most 64 bytes
/usr/bin/python3 - "$SOCK" <<'PY' > "$WORK/rid.out"
import socket, struct, sys
def call(rid):
    rid = rid.encode()
    msg = b"\x08\x01\x32\x00" + b"\x3a" + bytes([len(rid)]) + rid
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(struct.pack(">I", len(msg)) + msg)
    n = struct.unpack(">I", s.recv(4))[0]
    body = b""
    while len(body) < n:
        body += s.recv(n - len(body))
    status = body[body.index(b"\x10") + 1] if b"\x10" in body[:4] else 0
    return status
print(call("req-ok"), call("bad id"), call("x" * 65), call("x" * 64))
PY
expect_eq "request_id: kept, refused with a space, over 64, kept at 64" "0 1 1 0" "$(cat "$WORK/rid.out")"

# --- the store: a trivial read fails, the health check says so
/usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("ALTER TABLE meta RENAME TO meta_gone"); c.commit()' "$WORK/signet.db"
hcs=$(hc "$API")
case "$hcs" in
"503 store: "*) ok "/healthcheck names the store: $hcs" ;;
*) fail "store broken: $hcs" ;;
esac
/usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("ALTER TABLE meta_gone RENAME TO meta"); c.commit()' "$WORK/signet.db"

# --- stop lines
expect_ok "signet-api stops" stop_api
grep -q "signet-api (pid [0-9]*) stopped" "$WORK/api.log" && ok "signet-api's stop line" ||
    fail "no stop line: $(tail -3 "$WORK/api.log")"
expect_ok "the signer stops" stop_signer
grep -q "signet-signerd (pid [0-9]*) stopped" "$WORK/signer.log" &&
    ok "the signer's stop line" || fail "no signer stop line: $(tail -3 "$WORK/signer.log")"
finish
