# signet-api with two signers ([signer] socket = a list), both on the same
# token: calls spread over both (each audits what it made); one frozen
# (SIGSTOP) costs at most one request a deadline and the rest go to the
# other; one killed costs none; back, it takes calls again after a probe;
# both gone: 503 at once; one back: served. Every token issued validates.
. tests/integration/lib/softhsm.sh

token_keys
bootstrap_admin
start_signer
S1_PID=$SIGNER_PID
cp "$CONF" "$WORK/signer2.conf"
printf '[signer]\nsocket = signer2.sock\naudit_log = audit2.log\n' >> \
    "$WORK/signer2.conf"
start_second() {
	rm -f "$WORK/signer2.sock"
	LD_PRELOAD="${SIGNET_PRELOAD:-}" "$BIN/signet-signerd" \
	    -c "$WORK/signer2.conf" > "$WORK/signer2.log" 2>&1 &
	S2_PID=$!
	wait_until 10 [ -S "$WORK/signer2.sock" ] ||
	    fail "the second signer did not start: $(cat "$WORK/signer2.log")"
}
start_second
trap 'kill $S2_PID 2>/dev/null; kill -CONT $S1_PID 2>/dev/null; cleanup' EXIT
cp "$CONF" "$WORK/api.conf"
printf '[signer]\nsocket = signer.sock, signer2.sock\n' >> "$WORK/api.conf"
SIGNER_CONF=$CONF
CONF="$WORK/api.conf"
start_api
CONF=$SIGNER_CONF

audited() {	# audited FILE: its lines so far
	wc -l < "$WORK/$1" 2>/dev/null || echo 0
}
# issue N: N tokens; counts their 201s (OKS), and those that took longer
# than a second (SLOW); the tokens go to $WORK/issued
issue() {
	OKS=0 SLOW=0
	for _i in $(seq "$1"); do
		set -- $(curl -s -D "$WORK/h" -o /dev/null -w '%{http_code} %{time_total}' \
		    -H 'Content-Type: application/json' -d "$(login_body admin secret-admin)" \
		    "$API/v3/auth/tokens")
		[ "$1" = 201 ] && OKS=$((OKS + 1)) &&
		    sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$WORK/h" >> "$WORK/issued"
		awk -v t="$2" 'BEGIN { exit !(t > 1) }' && SLOW=$((SLOW + 1))
	done
}
ADMIN=$(admin_token)

# both answer: the calls spread
a1=$(audited audit.log) a2=$(audited audit2.log)
issue 20
expect_eq "20 tokens" 20 "$OKS"
expect_eq "the first signer made some" yes \
    "$([ "$(audited audit.log)" -gt "$a1" ] && echo yes)"
expect_eq "the second signer made some" yes \
    "$([ "$(audited audit2.log)" -gt "$a2" ] && echo yes)"

# the first frozen: one deadline at most, the rest from the second
kill -STOP "$S1_PID"
issue 12
expect_eq "frozen: every token still issued" 12 "$OKS"
expect_eq "frozen: at most one request waited a deadline" yes \
    "$([ "$SLOW" -le 1 ] && echo yes)"
grep -q "the signer at .*signer.sock does not answer" "$WORK/api.log" &&
    ok "the log names the signer that went silent" ||
    fail "no log line for the frozen signer: $(tail -3 "$WORK/api.log")"
kill -CONT "$S1_PID"
# the background probe (every 500 ms; one still waiting on the frozen
# signer answers once it runs) finds the first answering again
sleep 1.5

# the second killed: none waits (a refused connection moves on at once)
kill -9 "$S2_PID"
wait "$S2_PID" 2>/dev/null
issue 12
expect_eq "killed: every token still issued" 12 "$OKS"
expect_eq "killed: none waited" 0 "$SLOW"

# both gone: 503 at once, never a hang or a 500
kill -STOP "$S1_PID"
issue 3
expect_eq "no signer: no token" 0 "$OKS"
expect_eq "no signer: the answer" 503 "$(http_status -H 'Content-Type: application/json' \
    -d "$(login_body admin secret-admin)" "$API/v3/auth/tokens")"
kill -CONT "$S1_PID"

# back: after a probe the second takes calls again
start_second
a2=$(audited audit2.log)
sleep 1
issue 20
expect_eq "both back: every token issued" 20 "$OKS"
expect_eq "the second signer takes calls again" yes \
    "$([ "$(audited audit2.log)" -gt "$a2" ] && echo yes)"

# every token made along the way validates (the same keys on both)
n=0 bad=0
while read -r t; do
	n=$((n + 1))
	[ "$(token_status "$ADMIN" "$t")" = 200 ] || bad=$((bad + 1))
done < "$WORK/issued"
expect_eq "all $n tokens validate" 0 "$bad"
stop_api || fail "signet-api exited badly: $(tail -5 "$WORK/api.log")"
finish
