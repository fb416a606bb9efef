# The audit log fails closed: a full disk stops issuance. Health shows it
# coming: the log's size, its filesystem's free space, and a warning
# while ready once free space is under [signer] audit_min_free_mb;
# signet-rpc health and signet-api's /healthcheck (still 200) show it.
. tests/integration/lib/softhsm.sh

appliance_up
expect_ok "health" rpc health
grep -q '"ready": true' "$WORK/out" || fail "not ready: $(cat "$WORK/out")"
size=$(stat -c %s "$WORK/audit.log")
expect_eq "Health has the log's size" "$size" \
    "$(sed -n 's/.*"audit_log_bytes": \([0-9]*\).*/\1/p' "$WORK/out")"
free=$(sed -n 's/.*"audit_free_bytes": \([0-9]*\).*/\1/p' "$WORK/out")
want=$(( $(stat -f -c '%a * %S' "$WORK") ))
# other writers share the filesystem: within 64 MB of df's answer
[ -n "$free" ] && [ $(( free - want )) -lt 67108864 ] &&
    [ $(( want - free )) -lt 67108864 ] &&
    ok "Health has the free space ($free bytes)" ||
    fail "free space: Health says [$free], statfs [$want]"
grep -q '"warning": ""' "$WORK/out" && ok "no warning with room" ||
    fail "a warning with room: $(cat "$WORK/out")"

# More room wanted than any disk here has: the warning, ready still.
stop_signer || fail "the signer did not stop cleanly"
printf '[signer]\naudit_min_free_mb = 16777216\n' >> "$CONF"
start_signer
expect_ok "health under the threshold" rpc health
grep -q '"ready": true' "$WORK/out" || fail "not ready: $(cat "$WORK/out")"
grep -q '"warning": "the audit log.s filesystem has [0-9]* MB free, under \[signer\] audit_min_free_mb (16777216); issuance stops when it is full"' \
    "$WORK/out" && ok "Health warns" || fail "no warning: $(cat "$WORK/out")"
grep -q "under \[signer\] audit_min_free_mb" "$WORK/signer.log" &&
    ok "the signer logs it" || fail "no log line"
claims="{\"user_id\":\"u1\",\"methods\":[\"password\"],\"expires_at\":\"$(in_minutes 30)\",\"audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"]}"
expect_ok "issuance goes on meanwhile" rpc issue-fernet "$claims"
start_api
code=$(curl -s -o "$WORK/hc" -w '%{http_code}' "$API/healthcheck")
expect_eq "/healthcheck stays 200" 200 "$code"
grep -q "^OK (warning: signer: the audit log's filesystem has [0-9]* MB free" \
    "$WORK/hc" && ok "/healthcheck shows the warning" ||
    fail "/healthcheck: $(cat "$WORK/hc")"
expect_ok "api: clean shutdown" stop_api
expect_ok "signer: clean shutdown" stop_signer
finish
