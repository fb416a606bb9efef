# Clocks under libfaketime. signet-api and the signer each
# read their wall clock from a file (FAKETIME_TIMESTAMP_FILE, re-read on
# every call); the monotonic clock stays real, as under an NTP step.
# - skew within [signer] max_clock_skew (300 s) either way: Fernet and PKI
#   issuance, validation and the signed revocation list all work;
# - skew beyond it, or a jump of 2 h forward or back on either side: the
#   signer refuses (503: the fault is the server's), it is audited, and
#   no answer ever carries expires_at <= issued_at; a Fernet token's
#   expiry is judged by the signer's clock, a PKI token's by the API's;
# - the API's deadlines hold across a wall-clock jump (monotonic).
. tests/integration/lib/softhsm.sh

FT=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
[ -f "$FT" ] || { fail "libfaketime is not installed"; finish; }
token_keys pki
bootstrap_admin
printf '[token]\nprovider = fernet\n' >> "$CONF"

export FAKETIME_NO_CACHE=1 FAKETIME_DONT_FAKE_MONOTONIC=1
clock() {	# clock signer|api OFFSET: that process's wall clock from now on
	printf '%s\n' "$2" > "$WORK/$1.clock"
}
# The plain build: libfaketime inside ASan's allocator can deadlock
# (p11-kit's constructor -> newlocale -> ASan malloc -> clock_gettime ->
# libfaketime -> realloc).
[ -x "$PLAIN_BIN/signet-signerd" ] || { fail "no plain build in $PLAIN_BIN"; finish; }
PLAIN_PRELOAD=$FT
clock signer +0
FAKETIME_TIMESTAMP_FILE="$WORK/signer.clock" start_signer "$PLAIN_BIN/signet-signerd"
clock api +0
FAKETIME_TIMESTAMP_FILE="$WORK/api.clock" start_api "$PLAIN_BIN/signet-api"
PLAIN_PRELOAD=""

: > "$WORK/answers"
issue() {	# the status; a 201's body is kept for the final check
	c=$(curl -s -m 20 -D "$WORK/h" -o "$WORK/b" -w '%{http_code}' \
	    -H 'Content-Type: application/json' \
	    -d "$(login_body admin secret-admin)" \
	    "$API/v3/auth/tokens")
	[ "$c" = 201 ] && { cat "$WORK/b"; echo; } >> "$WORK/answers"
	echo "$c"
}
subject() {
	sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$WORK/h"
}
get() {		# get TOKEN [PATH]: the status; a 200's body is kept
	c=$(curl -s -m 20 -o "$WORK/b" -w '%{http_code}' -H "X-Auth-Token: $1" \
	    -H "X-Subject-Token: $1" "$API${2:-/v3/auth/tokens}")
	[ "$c" = 200 ] && [ -z "${2:-}" ] && { cat "$WORK/b"; echo; } >> "$WORK/answers"
	echo "$c"
}

expect_eq "same clocks: issued" 201 "$(issue)"
T0=$(subject)
for skew in +4m -4m; do
	clock api "$skew"
	expect_eq "api $skew: issued" 201 "$(issue)"
	expect_eq "api $skew: it validates" 200 "$(get "$(subject)")"
	expect_eq "api $skew: an older token validates" 200 "$(get "$T0")"
done
for skew in +10m -70m; do
	clock api "$skew"
	expect_eq "api $skew (beyond the skew): no token" 503 "$(issue)"
done
clock api +2h
expect_eq "api jumped 2 h forward: no token" 503 "$(issue)"
expect_eq "api jumped 2 h forward: a Fernet token's expiry is the signer's" \
    200 "$(get "$T0")"
clock api -2h
expect_eq "api jumped 2 h back: no token" 503 "$(issue)"
clock api +0
expect_eq "api back: issued" 201 "$(issue)"
expect_eq "api back: the old token validates" 200 "$(get "$T0")"

clock signer +2h
expect_eq "signer jumped 2 h forward: no token" 503 "$(issue)"
clock signer -2h
expect_eq "signer jumped 2 h back: no token" 503 "$(issue)"
clock signer +0
grep -q 'denied: claims: expires_at' "$WORK/audit.log" &&
    ok "the signer audited the refusals" || fail "no denial audited"

# PKI: issued_at comes from the API's clock and the list is dated by it.
sed -i "s/^provider = .*/provider = pki/" "$CONF"
stop_api
PLAIN_PRELOAD=$FT
FAKETIME_TIMESTAMP_FILE="$WORK/api.clock" start_api "$PLAIN_BIN/signet-api"
PLAIN_PRELOAD=""
for skew in +4m -4m; do
	clock api "$skew"
	expect_eq "pki, api $skew: issued" 201 "$(issue)"
	P=$(subject)
	expect_eq "pki, api $skew: it validates" 200 "$(get "$P")"
	expect_eq "pki, api $skew: the revocation list is signed" 200 \
	    "$(get "$P" /v3/auth/tokens/OS-PKI/revoked)"
done
clock api +10m
expect_eq "pki, api +10m: no token" 503 "$(issue)"
expect_eq "pki, api +10m: no post-dated revocation list" 503 \
    "$(get "$P" /v3/auth/tokens/OS-PKI/revoked)"
clock api +0

# A wall-clock jump while calls wait on a frozen signer: the deadline is
# monotonic, so they end after about 2 s whatever the wall clock did.
kill -STOP "$SIGNER_PID"
i=0
while [ $i -lt 4 ]; do
	( t0=$(date +%s%N); curl -s -m 30 -o /dev/null \
	    -H 'Content-Type: application/json' \
	    -d "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$P\"}}}}" \
	    "$API/v3/auth/tokens"
	  echo $(( ($(date +%s%N) - t0) / 1000000 )) > "$WORK/w.$i" ) &
	i=$((i + 1))
done
sleep 0.5
clock api -2h
wait_until 20 eval '[ "$(ls "$WORK"/w.* 2>/dev/null | wc -l)" -ge 4 ]'
slowest=$(cat "$WORK"/w.* | sort -n | tail -1)
[ "${slowest:-99999}" -lt 6000 ] &&
    ok "calls across a 2 h jump back ended in ${slowest} ms" ||
    fail "calls across a jump: ${slowest:-none} ms"
# The API now presumes the signer down and probes it every 500 ms. One
# more probe fails with the clock right, then the wall clock goes back
# 4 min (within the skew, so issuance is allowed): that must not hold the
# next probe off for 4 min.
clock api +0
sleep 0.6
curl -s -m 10 -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$P\"}}}}" \
    "$API/v3/auth/tokens"
clock api -4m
kill -CONT "$SIGNER_PID"
n=0
while [ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' \
    -H 'Content-Type: application/json' \
    -d "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$P\"}}}}" \
    "$API/v3/auth/tokens")" != 201 ] && [ $n -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
[ $n -lt 50 ] && ok "after a jump back, issuance resumes at the next probe" ||
    fail "no issuance within 5 s of SIGCONT after a jump back"
clock api +0

/usr/bin/python3 - "$WORK/answers" <<'PY' &&
import datetime, json, sys
def t(s):
    return datetime.datetime.strptime(s[:19], '%Y-%m-%dT%H:%M:%S')
n = 0
for line in open(sys.argv[1]):
    tok = json.loads(line)['token']
    assert t(tok['expires_at']) > t(tok['issued_at']), tok
    n += 1
assert n >= 10, n
print(n)
PY
    ok "every token answered has expires_at > issued_at" ||
    fail "a token with expires_at <= issued_at"
grep -q 'signer refused a token: claims: expires_at (in the past)' \
    "$WORK/api.old.log" && ok "the API logged why" || fail "no API log line"
finish
