# A request that waits on the signer does not hold a connection thread:
# with the signer frozen (SIGSTOP) and three re-scopes outstanding for
# each of signet-api's connection threads, each waiting on the signer,
# validations of a cached token on connections of their own still come
# back in under 0.3 s. On a connection thread, each re-scope held every
# other connection of its thread until the signer's deadline, and a new
# connection was not accepted while every thread was held (1.5 s). The
# answers are made by the answer workers (the metrics count them); after
# SIGCONT, re-scoping works again.
. tests/integration/lib/softhsm.sh

appliance_up
metrics_on
start_api
ADMIN=$(admin_token)
expect_eq "validated (and cached) before" 200 \
    "$(token_status "$ADMIN" "$ADMIN")"
rescope() {	# the token method (no bcrypt): only the signer's share waits
	curl -s -m 60 -o /dev/null -w '%{http_code}\n' \
	    -H 'Content-Type: application/json' \
	    -d "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$ADMIN\"}}, \"scope\": {\"project\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}}}}}" \
	    "$API/v3/auth/tokens"
}
expect_eq "a re-scope before" 201 "$(rescope)"
before=$(metric signet_api_answers_offloaded_total)

kill -STOP "$SIGNER_PID"
n=$((3 * 8 * $(nproc)))		# 8 connection threads per CPU
i=0
pids=""
while [ $i -lt "$n" ]; do
	rescope > "$WORK/r.$i" &
	pids="$pids $!"
	i=$((i + 1))
done
sleep 0.5			# all of them sent and waiting
slow=0
i=0
while [ $i -lt 5 ]; do
	set -- $(curl -s -m 30 -o /dev/null -w '%{http_code} %{time_total}' \
	    -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $ADMIN" \
	    "$API/v3/auth/tokens")
	echo "validation $i: $1 in $2 s"
	[ "$1" = 200 ] && awk -v t="$2" 'BEGIN { exit !(t < 0.3) }' ||
	    slow=$((slow + 1))
	i=$((i + 1))
done
expect_eq "5 cached validations amid $n waiting re-scopes: 200, each \
in under 0.3 s" 0 "$slow"
kill -CONT "$SIGNER_PID"
# shellcheck disable=SC2086
wait $pids
offloaded=$(($(metric signet_api_answers_offloaded_total) - before))
[ "$offloaded" -gt 0 ] && ok "$offloaded re-scopes answered by the workers" ||
    fail "no answer made by the workers"
expect_eq "every re-scope answered (201, or 503 while frozen)" "" \
    "$(cat "$WORK"/r.* | grep -v '^201$' | grep -v '^503$' | sort -u)"
wait_until 10 eval '[ "$(rescope)" = 201 ]' &&
    ok "re-scoping works after SIGCONT" || fail "no re-scope after SIGCONT"
kill -0 "$API_PID" && ok "signet-api still runs" || fail "signet-api died"
finish
