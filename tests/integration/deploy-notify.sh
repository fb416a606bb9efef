# Type=notify: signet-signerd and signet-api tell $NOTIFY_SOCKET READY=1
# only once they answer (the listener connects, or GETs /v3, the moment
# READY=1 arrives; strace shows listen(2) first), through a path or an
# abstract (@) address; a signer whose self-test failed says why in
# STATUS= and never says READY=1; signet-api's STATUS= follows the signer
# going and coming back; both say STOPPING=1 on SIGTERM.
. tests/integration/lib/softhsm.sh

# listen NAME ADDR CHECK SECONDS: the listener in the background, bound
# before this returns; its output goes to $WORK/NAME.out.
listen() {
	rm -f "$WORK/$1.bound"
	/usr/bin/python3 tests/integration/lib/notify_listen.py "$2" "$3" \
	    "$4" "$WORK/$1.bound" > "$WORK/$1.out" 2>&1 &
	LISTENER=$!
	wait_until 5 [ -f "$WORK/$1.bound" ]
}

token_keys pki
listen signer "$WORK/notify.sock" "unix:$SOCK" 30
export NOTIFY_SOCKET="$WORK/notify.sock"
start_signer
unset NOTIFY_SOCKET
wait "$LISTENER"
expect_eq "signer: READY=1 once its socket answers" 0 "$?"
grep -q '^got STATUS=serving on ' "$WORK/signer.out" ||
    fail "signer: no STATUS with READY=1: $(cat "$WORK/signer.out")"
expect_ok "signer: ready by Health too" rpc health
grep -q '"ready": *true' "$WORK/out" || fail "signer: Health: $(cat "$WORK/out")"

bootstrap_admin
# An abstract address, as systemd hands out in containers and tests.
listen api "@signet-notify-$$" "http:$CONF" 30
export NOTIFY_SOCKET="@signet-notify-$$"
start_api
unset NOTIFY_SOCKET
wait "$LISTENER"
expect_eq "api: READY=1 once /v3 answers, at an abstract address" 0 "$?"
grep -q '^got STATUS=serving on .*the signer answers' "$WORK/api.out" ||
    fail "api: STATUS: $(cat "$WORK/api.out")"

# STATUS= follows the signer: killed, it does not answer; back, it does.
issue() {
	http_status -m 20 \
	    -H 'Content-Type: application/json' \
	    -d "$(login_body admin secret-admin)" \
	    "$API/v3/auth/tokens"
}
listen status "@signet-notify-$$" collect 60
kill -KILL "$SIGNER_PID"
wait "$SIGNER_PID" 2>/dev/null
SIGNER_PID=""
expect_eq "the signer killed: 503" 503 "$(issue)"
export NOTIFY_SOCKET="$WORK/notify.sock"	# for its STOPPING=1 below
start_signer
unset NOTIFY_SOCKET
wait_until 4 eval '[ "$(issue)" = 201 ]'
# STOPPING=1 on SIGTERM, from each (their NOTIFY_SOCKET is still set).
stop_api || fail "signet-api did not stop cleanly"
wait "$LISTENER"
expect_eq "api: STOPPING=1" 0 "$?"
expect_eq "api: STATUS down, then up, then stopping" \
    "does not answer|answers|stopping" "$(sed -n \
    's/^got STATUS=.*\(does not answer\|the signer answers\|stopping\)$/\1/p' \
    "$WORK/status.out" | sed 's/the signer //' | paste -sd'|')"
listen stop "$WORK/notify.sock" "unix:/nonexistent" 10
stop_signer || fail "the signer did not stop cleanly"
wait "$LISTENER"
expect_eq "signer: STOPPING=1" 0 "$?"

# The order, by the system calls themselves (the plain build: ASan's
# leak check cannot run under a tracer): listen(2) comes before the
# datagram that says READY=1, in the signer and in the API.
# traced NAME PROGRAM: runs it under strace until it says READY=1.
traced() {
	listen "$1" "$WORK/notify.sock" "unix:/nonexistent" 60
	NOTIFY_SOCKET="$WORK/notify.sock" strace -f -qq -o "$WORK/$1.strace" \
	    -e trace=listen,sendto "$PLAIN_BIN/$2" -c "$CONF" \
	    > "$WORK/$1.log" 2>&1 &
	TRACED=$!
	wait "$LISTENER"
	# the daemon itself: strace would only let go of it
	kill "$(sed -n 's/^pid //p' "$WORK/$1.out")" || kill "$TRACED"
	wait "$TRACED"
	awk '/listen\(/ && !l { l = NR } /READY=1/ && !r { r = NR }
	    END { exit !(l && r && l < r) }' "$WORK/$1.strace" &&
	    ok "$1: listen(2) before READY=1" ||
	    fail "$1: listen(2) not before READY=1: $(cat "$WORK/$1.strace")"
}
traced signer-order signet-signerd
start_signer
traced api-order signet-api
stop_signer

# A certificate that is not the key's: the self-test fails; the signer
# listens (Health says why) but is never ready.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/stray.key" \
    -subj /CN=stray -days 2 -outform DER -out "$WORK/stray.der" 2>/dev/null
p11tool --login --pin "$PIN" --delete-object --type cert \
    --label signet-signing > /dev/null || fail "could not delete the cert"
p11tool --login --pin "$PIN" --write-object "$WORK/stray.der" --type cert \
    --label signet-signing > /dev/null || fail "could not write the cert"
listen failed "$WORK/notify.sock" "unix:$SOCK" 4
export NOTIFY_SOCKET="$WORK/notify.sock"
start_signer
unset NOTIFY_SOCKET
wait "$LISTENER"
expect_eq "failed self-test: no READY=1" 3 "$?"
grep -q '^got STATUS=not serving: FAILED_SELFTEST' "$WORK/failed.out" ||
    fail "failed self-test: STATUS: $(cat "$WORK/failed.out")"
finish
