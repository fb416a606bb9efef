# One allowed peer must not starve the signer of its slots: an idle
# connection is closed after [signer] idle_timeout (and signet-api, whose
# pooled connection it was, reconnects unseen); one uid gets at most
# [signer] max_connections_per_peer (half of max_connections by default);
# a frame dripped a byte at a time is cut SIGNER_READ_TIMEOUT_S (5 s)
# after its first byte; and a peer dripping a big frame does not keep
# another from having a revocation list signed.
. tests/integration/lib/softhsm.sh

token_keys pki
printf '[signer]\nallowed_uids = nobody\nmax_connections = 6\nidle_timeout = 3\n' \
    >> "$CONF"
start_signer

# nobody runs its own copy of the client in WORK (see signer-hostile.sh).
mkdir -m 755 "$WORK/nobody"
cp tests/integration/lib/sigproto.py tests/integration/lib/starve.py \
    "$WORK/nobody/"
chmod 644 "$WORK/nobody"/*
chmod 755 "$WORK"
chmod 666 "$SOCK"
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    /usr/bin/python3 "$WORK/nobody/starve.py" "$SOCK" "$@"
}
# waits up to 10 s for a line in FILE
line_in() {
	wait_until 10 [ -s "$1" ]
	head -1 "$1"
}

# 1. nobody opens every slot and keeps them: it gets only its share,
# and root (the signer's own uid) is still served.
as_nobody hog 6 2 > "$WORK/hog" &
hog=$!
expect_eq "one uid gets half of max_connections" 3 "$(line_in "$WORK/hog")"
expect_ok "another uid is served meanwhile" rpc health
grep -q '"result":"refused: per-peer connection limit"' "$WORK/audit.log" &&
    ok "the refusal is audited" || fail "no audit record of the refusal"
wait $hog

# 2. An idle connection is closed after idle_timeout (3 s).
PYTHONPATH=tests/integration/lib /usr/bin/python3 \
    tests/integration/lib/starve.py "$SOCK" idle 8 > "$WORK/idle"
t=$(cat "$WORK/idle")
case $t in
[3-5].*) ok "an idle connection is closed after ${t} s" ;;
*) fail "idle connection: $t (want closed after 3 s)" ;;
esac
grep -q "idle for 3 s; connection closed" "$WORK/signer.log" ||
    fail "the idle close is not logged"

# 3. A frame dripped a byte a second is cut 5 s after its first byte.
PYTHONPATH=tests/integration/lib /usr/bin/python3 \
    tests/integration/lib/starve.py "$SOCK" drip 100 1 12 > "$WORK/drip"
t=$(tail -1 "$WORK/drip")
case $t in
[4-6].*) ok "a dripped frame is cut after ${t} s" ;;
*) fail "dripped frame: $t (want cut after 5 s)" ;;
esac

# 4. nobody drips a big frame (1 MB announced); root's revocation list,
# a big frame too, is signed meanwhile, not after nobody's deadline.
/usr/bin/python3 -c '
import json, sys
sys.stdout.write(json.dumps({"revoked": [{"expires": "2100-01-01T00:00:00Z",
    "audit_id": "DMz0_i0HjcyWYPLi%04dqA" % i}
    for i in range(1500)]}))' > "$WORK/rl.json"
[ "$(stat -c %s "$WORK/rl.json")" -gt 65536 ] || fail "the list is not big"
as_nobody drip 1048576 1 12 > "$WORK/bigdrip" &
dripper=$!
expect_eq "nobody is dripping" dripping "$(line_in "$WORK/bigdrip")"
PYTHONPATH=tests/integration/lib /usr/bin/python3 \
    tests/integration/lib/starve.py "$SOCK" list "$WORK/rl.json" > "$WORK/list"
read -r st ms < "$WORK/list"
expect_eq "a revocation list while another peer drips one" 0 "$st"
[ "${ms:-99999}" -lt 2500 ] && ok "signed in $ms ms" ||
    fail "the list waited ${ms:-?} ms for another peer's big frame"
wait $dripper
case $(tail -1 "$WORK/bigdrip") in
[4-6].*) ok "the dripped big frame is cut after 5 s" ;;
*) fail "dripped big frame: $(tail -1 "$WORK/bigdrip")" ;;
esac

# 5. signet-api's pooled connections are closed when idle: its next
# calls reconnect, unseen by its clients. (With its validation cache on,
# signet-api asks Health every second and its connection never idles.)
chmod 700 "$WORK"
expect_ok "db-sync" mgr db-sync
printf '[token]\ncache_time = 0\n' >> "$CONF"
start_api
bootstrap_admin
issue() {
	http_status -H 'Content-Type: application/json' \
	    -d "$(login_body admin secret-admin)" "$API/v3/auth/tokens"
}
expect_eq "a token" 201 "$(issue)"
n=$(grep -c "idle for 3 s; connection closed" "$WORK/signer.log")
sleep 4.5
[ "$(grep -c "idle for 3 s; connection closed" "$WORK/signer.log")" -gt "$n" ] &&
    ok "signet-api's idle connection was closed" ||
    fail "signet-api's connection was not closed when idle"
for i in 1 2 3; do
	expect_eq "a token after the idle close ($i)" 201 "$(issue)"
done
expect_eq "healthcheck after the idle close" 200 "$(curl -s -o /dev/null \
    -w '%{http_code}' "$API/healthcheck")"
grep -q "does not answer" "$WORK/api.log" &&
    fail "signet-api saw the signer as down: $(cat "$WORK/api.log")"
expect_ok "api: clean shutdown" stop_api
expect_ok "signer: clean shutdown" stop_signer
finish
