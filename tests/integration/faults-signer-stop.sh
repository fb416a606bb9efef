# The signer frozen (SIGSTOP) for 10 s under requests.
# Calls that need it get 503 within the API's deadline, nothing piles up
# without bound, the cached validation of a known token goes on, and after
# SIGCONT every answer belongs to its own request (no late reply is taken
# for another).
. tests/integration/lib/softhsm.sh

appliance_up
start_api

token() {
	curl -s -m 20 -D "$WORK/h.$1" -o "$WORK/b.$1" -w '%{http_code}' \
	    -H 'Content-Type: application/json' \
	    -d "$(login_body admin secret-admin)" \
	    "$API/v3/auth/tokens"
}
rescope() {	# the token method (no bcrypt): only the signer's share waits
	curl -s -m 20 -o /dev/null -w '%{http_code}' \
	    -H 'Content-Type: application/json' \
	    -d "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$ADMIN\"}}, \"scope\": {\"project\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}}}}}" \
	    "$API/v3/auth/tokens"
}
subject() {
	sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$WORK/h.$1"
}
expect_eq "a token before" 201 "$(token before)"
ADMIN=$(subject before)
code=$(token_status "$ADMIN" "$ADMIN")
expect_eq "validated (and cached) before" 200 "$code"

kill -STOP "$SIGNER_PID"
# 16 re-scopes at once against a frozen signer
i=0
while [ $i -lt 16 ]; do
	( t0=$(date +%s%N); c=$(rescope); t1=$(date +%s%N)
	  echo "$c $(( (t1 - t0) / 1000000 ))" > "$WORK/r.$i" ) &
	i=$((i + 1))
done
wait_until 30 eval '[ "$(ls "$WORK"/r.* 2>/dev/null | wc -l)" -ge 16 ]'
codes=$(cat "$WORK"/r.* | cut -d' ' -f1 | sort -u | tr '\n' ' ')
expect_eq "every issuance while frozen: 503" "503 " "$codes"
slowest=$(cat "$WORK"/r.* | cut -d' ' -f2 | sort -n | tail -1)
[ "$slowest" -lt 6000 ] && ok "each answered within 6 s (slowest ${slowest} ms)" ||
    fail "an answer took ${slowest} ms"
code=$(http_status -m 10 -H "X-Auth-Token: $ADMIN" \
    -H "X-Subject-Token: $ADMIN" "$API/v3/auth/tokens")
expect_eq "a cached validation goes on while frozen" 200 "$code"
sleep 6
kill -CONT "$SIGNER_PID"
# The API presumes a silent signer down and probes it twice a second:
# issuance resumes once a probe gets through the thawed signer's backlog.
t0=$(date +%s%N)
wait_until 5 eval '[ "$(rescope)" = 201 ]'
back=$?
resumed=$(( ($(date +%s%N) - t0) / 1000000 ))
[ $back -eq 0 ] && ok "issuance resumed ${resumed} ms after SIGCONT" ||
    fail "no issuance within ${resumed} ms of SIGCONT"

# After the thaw: tokens and their validation, each answer its own.
i=0
pids=""
while [ $i -lt 20 ]; do
	token "a$i" > "$WORK/c.$i" &
	pids="$pids $!"
	i=$((i + 1))
done
# shellcheck disable=SC2086
wait $pids
bad=0
i=0
while [ $i -lt 20 ]; do
	[ "$(cat "$WORK/c.$i")" = 201 ] || bad=$((bad + 1))
	t=$(subject "a$i")
	aid=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"]["audit_ids"][0])' "$WORK/b.a$i" 2>/dev/null)
	got=$(curl -s -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $t" \
	    "$API/v3/auth/tokens" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"]["audit_ids"][0])' 2>/dev/null)
	[ -n "$aid" ] && [ "$aid" = "$got" ] || bad=$((bad + 1))
	i=$((i + 1))
done
expect_eq "after SIGCONT: 20 issued, each validates as itself" 0 "$bad"
kill -0 "$API_PID" && ok "signet-api still runs" || fail "signet-api died"
finish
