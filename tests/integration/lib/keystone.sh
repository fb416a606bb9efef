# Sourced after softhsm.sh by the tests that run a real Keystone 22
# (keystone_setup.py made its configuration in WORK): LIB, the plain
# build's libsignet-client the provider loads, a free PORT, and Keystone
# started and stopped on it (KS_PID; stopped with the test).
LIB=${PLAIN_BIN:-$PWD/build/bin}/../lib/libsignet-client.so.0
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
KS_PID=""
trap 'kill $KS_PID 2>/dev/null || true; cleanup' EXIT

start_keystone() {
	PYTHONPATH="$WORK/site" /usr/bin/python3 \
	    tests/integration/lib/keystone_server.py "$WORK/ks" "$PORT" \
	    > "$WORK/ks.out" 2>&1 &
	KS_PID=$!
	wait_until 30 eval 'grep -qs "keystone serving" "$WORK/ks.out" ||
	    ! kill -0 "$KS_PID" 2>/dev/null'
	grep -qs "keystone serving" "$WORK/ks.out" ||
	    fail "keystone did not start: $(tail -5 "$WORK/keystone.log")"
}

stop_keystone() {
	kill "$KS_PID"
	wait "$KS_PID" 2>/dev/null || :	# killed: 143
	KS_PID=""
}
