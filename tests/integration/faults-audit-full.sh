# The audit log on a full disk. A file size limit on the
# running signer (prlimit --fsize) and a log that is /dev/full: issuance is
# refused (no token leaves without its record), a record cut short is
# taken back so the log parses line by line, Health says why, and once the
# disk has room again (SIGHUP reopens the log) issuance resumes.
. tests/integration/lib/softhsm.sh

token_keys
AUDIT="$WORK/audit.log"
start_signer
claims='{"user_id":"0c2b7eea0e925cc9974fab5df940c6bd","methods":["password"],"expires_at":"'$(in_minutes 30)'","audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"]}'
expect_ok "issuance before" rpc issue-fernet "$claims"
size=$(stat -c %s "$AUDIT")

parses() {	# every line is one JSON object; prints how many are not
		# connections (each signet-rpc call adds one of those)
	/usr/bin/python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    assert line.endswith("\n")
    r = json.loads(line)
    n += r["op"] != "connect"
print(n)' "$AUDIT"
}
lines=$(parses)

# No room at all, then room for part of one record.
for room in 0 20; do
	prlimit --pid "$SIGNER_PID" --fsize=$((size + room)):unlimited
	expect_fail "room for $room bytes: issuance refused" \
	    "audit log unavailable" rpc issue-fernet "$claims"
	grep -q gAAAA "$WORK/out" && fail "room for $room bytes: a token left"
	expect_eq "room for $room bytes: the log is as it was" "$size" \
	    "$(stat -c %s "$AUDIT")"
	expect_eq "room for $room bytes: it parses" "$lines" "$(parses)"
done
expect_ok "health answers" rpc health
grep -q '"ready": false' "$WORK/out" && grep -q 'disk is full' "$WORK/out" &&
    ok "health says why" || fail "health: $(cat "$WORK/out")"

prlimit --pid "$SIGNER_PID" --fsize=unlimited:unlimited
kill -HUP "$SIGNER_PID"
sleep 0.5
expect_ok "room again and SIGHUP: health" rpc health
grep -q '"ready": true' "$WORK/out" || fail "not ready: $(cat "$WORK/out")"
grep -q "audit log .* is written again" "$WORK/signer.log" &&
    ok "the signer logged the recovery" ||
    fail "no log line: $(cat "$WORK/signer.log")"
expect_ok "issuance resumes" rpc issue-fernet "$claims"
expect_eq "its record and the reload's are written" $((lines + 2)) \
    "$(parses)"

# A log on a device that is always full, then the log file back.
stop_signer || fail "the signer did not stop cleanly"
mv "$AUDIT" "$WORK/audit.saved"
ln -s /dev/full "$AUDIT"
start_signer
expect_fail "/dev/full: issuance refused" "audit log unavailable" \
    rpc issue-fernet "$claims"
expect_ok "/dev/full: health answers" rpc health
grep -q 'disk is full' "$WORK/out" || fail "health: $(cat "$WORK/out")"
rm "$AUDIT"
mv "$WORK/audit.saved" "$AUDIT"
kill -HUP "$SIGNER_PID"
sleep 0.5
expect_ok "the file back and SIGHUP: issuance resumes" \
    rpc issue-fernet "$claims"
expect_eq "the log parses" $((lines + 4)) "$(parses)"
stop_signer || fail "the signer did not stop cleanly"
finish
