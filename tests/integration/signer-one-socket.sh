# One signer per socket: a second signet-signerd on the same config
# refuses to start, names the socket, and leaves the first one's socket in
# place; a socket left by a killed signer is taken over.
. tests/integration/lib/softhsm.sh

token_up
expect_ok "the first signer answers" rpc health

LD_PRELOAD="${SIGNET_PRELOAD:-}" timeout 20 "$BIN/signet-signerd" \
    -c "$CONF" > "$WORK/second.log" 2>&1
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "the second signer: exit $rc"
grep -qF "$SOCK" "$WORK/second.log" && grep -q "another signet-signerd" \
    "$WORK/second.log" || fail "the second signer's message: $(cat "$WORK/second.log")"
grep -q "serving on" "$WORK/second.log" && fail "the second signer served"
expect_ok "the first signer still answers" rpc health
[ -S "$SOCK" ] || fail "the socket is gone"

# A signer killed outright leaves its socket behind; the next one takes it.
kill -9 "$SIGNER_PID"
wait "$SIGNER_PID" 2>/dev/null
SIGNER_PID=""
[ -S "$SOCK" ] || fail "a killed signer left no socket (nothing to test)"
LD_PRELOAD="${SIGNET_PRELOAD:-}" "$BIN/signet-signerd" -c "$CONF" \
    > "$WORK/signer.log" 2>&1 &
SIGNER_PID=$!
i=0
while ! grep -q "serving on" "$WORK/signer.log" &&
    kill -0 "$SIGNER_PID" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_ok "a new signer serves on the stale socket's path" rpc health

# A signer unlinks only the socket it bound: one put in its place by
# someone else stays.
rm -f "$SOCK"
/usr/bin/python3 -c 'import socket, sys
socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$SOCK"
expect_ok "clean shutdown" stop_signer
[ -S "$SOCK" ] || fail "the signer unlinked a socket it did not bind"
rm -f "$SOCK"
start_signer
expect_ok "clean shutdown" stop_signer
[ -S "$SOCK" ] && fail "a clean shutdown left the socket"
finish
