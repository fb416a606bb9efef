# The signer starts after signet-api (or is restarting when it starts):
# the API serves version discovery, answers 503 at once to what needs the
# signer, retries on its own with one log line per change, and issues as
# soon as the signer listens; a PKI front-end fetches the certificates
# then. Before, signet-api gave up and exited after about 1.7 s.
. tests/integration/lib/softhsm.sh

token_keys pki
bootstrap_admin

issue() {
	curl -s -m 10 -o "$WORK/body" -D "$WORK/h" -w '%{http_code}' \
	    -H 'Content-Type: application/json' \
	    -d "$(login_body admin secret-admin)" \
	    "$API/v3/auth/tokens"
}
# issued_within SECONDS: polls issuance until 201; the seconds it took.
issued_within() {
	t0=$(date +%s.%N)
	wait_until "$1" eval '[ "$(issue)" = 201 ]' &&
	    echo "$(date +%s.%N) - $t0" | bc
}

start_api
expect_eq "discovery without a signer" 200 \
    "$(http_status "$API/v3")"
expect_eq "issuance without a signer: 503" 503 "$(issue)"
grep -qi '^Retry-After' "$WORK/h" || fail "no Retry-After on the 503"
# (issuance spends its time on bcrypt; the certificates only on the signer)
t0=$(date +%s%N)
expect_eq "the signing certificate without a signer: 503" 503 \
    "$(http_status "$API/v2.0/certificates/signing")"
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -lt 500 ] && ok "503 at once ($ms ms)" || fail "503 took $ms ms"
sleep 3	# several rounds of retries
expect_eq "one line while waiting" 1 \
    "$(grep -c 'does not answer' "$WORK/api.log")"
expect_eq "why, once (not a line per retry)" 1 \
    "$(grep -c 'signer at .*: No such file' "$WORK/api.log")"
grep -q 'no signer answers' "$WORK/api.log" &&
    fail "a line per retry: $(cat "$WORK/api.log")"
kill -0 "$API_PID" && ok "signet-api still runs" || fail "signet-api exited"

start_signer
s=$(issued_within 5) && ok "issued ${s}s after the signer listened" ||
    fail "no token within 5 s of the signer: $(cat "$WORK/api.log")"
expect_eq "one line when it answers" 1 \
    "$(grep -c 'the signer answers' "$WORK/api.log")"
expect_ok "clean shutdown" stop_api

# PKI: the certificates come from the signer once it is there.
stop_signer || fail "the signer did not stop cleanly"
printf '[token]\nprovider = pki\n' >> "$CONF"
start_api
expect_eq "pki: 503 without a signer" 503 "$(issue)"
start_signer
s=$(issued_within 5) && ok "pki: issued ${s}s after the signer listened" ||
    fail "pki: no token: $(cat "$WORK/api.log")"
tok=$(sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$WORK/h")
code=$(token_status "$tok" "$tok")
expect_eq "pki: validated with the certificates fetched late" 200 "$code"
grep -q 'CMS certificates' "$WORK/api.log" && fail "pki: no certificates"
expect_ok "pki: clean shutdown" stop_api
finish
