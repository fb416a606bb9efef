# make run's layout (scripts/run.sh), as root: the signer as
# signet-signer owning the token and the PIN, the API as signet-api
# reaching only the socket, the SO PIN gone after init-token, the admin
# password given in SIGNET_ADMIN_PASSWORD in no daemon's environment, the
# port given kept for the next run and printed with absolute paths. The
# programs are copied beside the state: the checkout may be in a folder
# other users cannot enter.
. tests/integration/lib/softhsm.sh

if [ "$(id -u)" -ne 0 ]; then
	ok "skipped: separate users need root"
	finish
fi
[ -x "$PLAIN_BIN/signet-api" ] || { fail "no plain build in $PLAIN_BIN"; finish; }
chmod 755 "$WORK"
mkdir -m 755 "$WORK/bin" "$WORK/run"
cp "$PLAIN_BIN"/signet-* "$WORK/bin/"
chmod 755 "$WORK/bin"/*
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PW=run-layout-$$-password

RUN_PID=""
run() {		# run [PORT]: make run's script in WORK/run until it serves
	: > "$WORK/run.log"
	(cd "$WORK/run" && export SIGNET_ADMIN_PASSWORD="$PW" &&
	    exec sh "$OLDPWD/scripts/run.sh" "$WORK/bin" "$@") \
	    > "$WORK/run.log" 2>&1 &
	RUN_PID=$!
	i=0
	until grep -qs 'serving the Keystone' "$WORK/run.log"; do
		kill -0 $RUN_PID 2>/dev/null && [ $i -lt 300 ] ||
		    { fail "make run did not serve: $(tail -5 "$WORK/run.log")"; return 1; }
		sleep 0.2
		i=$((i + 1))
	done
}
stop() {	# SIGTERM to the API: the script ends and takes the signer
	api=$(pgrep -f "$WORK/bin/signet-api -c $WORK/run/var/signet.conf")
	[ -n "$api" ] && kill $api
	wait $RUN_PID
}
trap 'stop 2>/dev/null; cleanup' EXIT

run "$PORT" || finish
V="$WORK/run/var"
grep -q "on http://127.0.0.1:$PORT" "$WORK/run.log" &&
    grep -q "cat $V/admin.password" "$WORK/run.log" &&
    ok "the banner names the port and absolute paths" ||
    fail "banner: $(cat "$WORK/run.log")"
sig=$(pgrep -f "$WORK/bin/signet-signerd -c $V/signet.conf")
api=$(pgrep -f "$WORK/bin/signet-api -c $V/signet.conf")
expect_eq "the signer's user" signet-signer "$(ps -o user= -p "$sig")"
expect_eq "the API's user" signet-api "$(ps -o user= -p "$api")"
for p in $sig $api; do
	tr '\0' '\n' < "/proc/$p/environ" | grep -q "$PW" &&
	    fail "SIGNET_ADMIN_PASSWORD is in $(ps -o comm= -p "$p")'s environment"
done
[ -e "$V/signer/so.pin" ] && fail "the SO PIN is left beside the signer"
as_api() {
	setpriv --reuid=signet-api --regid=signet-api --init-groups "$@"
}
as_api cat "$V/signer/user.pin" > /dev/null 2>&1 &&
    fail "the API's user can read the user PIN"
as_api ls "$V/signer/tokens" > /dev/null 2>&1 &&
    fail "the API's user can list the token"
as_api test -w "$V/run/signer.sock" ||
    fail "the API's user cannot use the socket"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    test -w "$V/run/signer.sock" 2>/dev/null &&
    fail "any user can use the socket"
code=$(http_status \
    -H 'Content-Type: application/json' -d "$(login_body admin "$PW" -)" \
    "http://127.0.0.1:$PORT/v3/auth/tokens")
expect_eq "a token with the password given" 201 "$code"
stop

# A second run with no PORT reuses the first one's.
run || finish
grep -q "on http://127.0.0.1:$PORT" "$WORK/run.log" &&
    ok "the second run keeps the port" || fail "$(head -20 "$WORK/run.log")"
stop
finish
