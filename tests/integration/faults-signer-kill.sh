# The signer killed with SIGKILL at random points while
# clients re-scope tokens through signet-api, SIGNET_KILLS times (20 in
# make test, 200 in make soak). Every answer is 201 or 503, a 503 comes
# within the API's deadline, every 201 carries a token whose issuance the
# audit log recorded, the log parses line by line, and after each restart
# issuance through the API works again within 5 s.
. tests/integration/lib/softhsm.sh

KILLS=${SIGNET_KILLS:-20}
appliance_up
start_api

ADMIN=$(admin_token)
[ -n "$ADMIN" ] && ok "an admin token" || fail "no admin token"
rescope() {
	curl -s -m 10 -o /dev/null -w '%{http_code}' \
	    -H 'Content-Type: application/json' \
	    -d "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$ADMIN\"}}, \"scope\": {\"project\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}}}}}" \
	    "$API/v3/auth/tokens"
}

: > "$WORK/run"
/usr/bin/python3 tests/integration/lib/reissue_load.py "$API" "$ADMIN" 4 \
    "$WORK/run" "$WORK/answers" > "$WORK/load.out" 2>&1 &
LOAD=$!
k=0 slowest=0
while [ $k -lt "$KILLS" ]; do
	sleep "0.$(od -An -N1 -tu1 /dev/urandom | tr -d ' ')"	# 0-0.255 s
	t0=$(date +%s%N)
	kill -KILL "$SIGNER_PID"
	wait "$SIGNER_PID" 2>/dev/null
	start_signer
	n=0
	while [ "$(rescope)" != 201 ] && [ $n -lt 100 ]; do
		sleep 0.05
		n=$((n + 1))
	done
	back=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ "$back" -gt "$slowest" ] && slowest=$back
	k=$((k + 1))
done
rm -f "$WORK/run"
wait "$LOAD" || fail "the load clients: $(cat "$WORK/load.out")"
[ "$slowest" -lt 5000 ] &&
    ok "$KILLS kills: issuance back within 5 s each (slowest ${slowest} ms)" ||
    fail "issuance took ${slowest} ms to come back after a kill"

n201=$(grep -c '^201 ' "$WORK/answers")
n503=$(grep -c '^503 ' "$WORK/answers")
echo "answers: $n201 x 201, $n503 x 503"
[ "$n201" -gt 0 ] && [ "$n503" -gt 0 ] && ok "both 201s and 503s seen" ||
    fail "201: $n201, 503: $n503"
other=$(grep -cv '^20[1] \|^503 ' "$WORK/answers")
expect_eq "no answer but 201 or 503" 0 "$other"
slow503=$(awk '$1 == 503 && $2 > m { m = $2 } END { print m + 0 }' \
    "$WORK/answers")
[ "$slow503" -lt 4500 ] && ok "each 503 within the deadline (slowest ${slow503} ms)" ||
    fail "a 503 took ${slow503} ms"
/usr/bin/python3 - "$WORK/audit.log" "$WORK/answers" <<'PY' &&
import json, sys
issued = set()
for line in open(sys.argv[1]):
    assert line.endswith('\n'), 'a torn last line'
    r = json.loads(line)
    if r['op'] == 'issue_fernet' and r['result'] == 'ok':
        issued.add(r['audit_id'])
given = [l.split()[2] for l in open(sys.argv[2]) if l.startswith('201 ')]
missing = [a for a in given if a not in issued]
assert not missing, '%d of %d tokens lack an audit record' % (
    len(missing), len(given))
PY
    ok "the audit log parses and records every token given out" ||
    fail "the audit log"
kill -0 "$API_PID" && ok "signet-api still runs" || fail "signet-api died"
finish
