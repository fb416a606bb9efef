# The units' SystemCallFilter=@system-service ~@privileged: every system
# call signet-signerd and signet-api make (traced with strace through
# start-up, every RPC, HTTP issuance, validation and revocation, SIGHUP and
# SIGTERM) is in the set systemd-analyze lists for @system-service and
# not in @privileged, so the filter refuses neither anything. The plain build: ASan's own calls are not theirs.
. tests/integration/lib/softhsm.sh

# syscalls GROUP: the system calls in a systemd group, nested ones expanded.
syscalls() {
	systemd-analyze syscall-filter "$1" | sed 1d | grep -v '^ *#' |
	    tr -s ' ' '\n' | grep . | while read -r s; do
		case $s in
		@*) syscalls "$s" ;;
		*) echo "$s" ;;
		esac
	done
}
syscalls @system-service | sort -u > "$WORK/service"
syscalls @privileged | sort -u > "$WORK/privileged"
# SQLite gives its journal the database's owner only when it runs as root
# (as this test does); under the unit, as signet-api, it never calls fchown.
{ comm -23 "$WORK/service" "$WORK/privileged"; echo fchown; } | sort \
    > "$WORK/allowed"
[ -s "$WORK/allowed" ] || fail "systemd-analyze lists no @system-service"

# traced NAME: a wrapper that runs PROGRAM under strace into NAME.trace
traced() {
	printf '#!/bin/sh\nexec strace -f -qq -o %s %s "$@"\n' \
	    "$WORK/$1.trace" "$PLAIN_BIN/$1" > "$WORK/traced-$1"
	chmod 755 "$WORK/traced-$1"
}
# stop_traced PID: SIGTERM to the program strace runs, then strace's end.
stop_traced() {
	kill "$(pgrep -P "$1")"
	wait "$1"
}

token_keys pki
bootstrap_admin
traced signet-signerd
traced signet-api
start_signer "$WORK/traced-signet-signerd"
start_api "$WORK/traced-signet-api"

EXP=$(in_minutes 30)
expect_ok "health" rpc health
expect_ok "issue-fernet" rpc issue-fernet '{"user_id":"0c2b7eea0e925cc9974fab5df940c6bd","methods":["password"],"expires_at":"'"$EXP"'","audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"]}'
tok=$(sed -n 's/.*"token": "\(.*\)".*/\1/p' "$WORK/out")
expect_ok "open-fernet" rpc open-fernet "$tok"
kill -HUP "$SIGNER_PID"
code=$(curl -s -o /dev/null -D "$WORK/h" -w '%{http_code}' \
    -H 'Content-Type: application/json' \
    -d "$(login_body admin secret-admin)" \
    "$API/v3/auth/tokens")
expect_eq "a token over HTTP" 201 "$code"
tok=$(sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$WORK/h")
for u in /v3/auth/tokens /v3/auth/tokens/OS-PKI/revoked \
    /v2.0/certificates/signing; do
	expect_eq "GET $u" 200 "$(http_status \
	    -H "X-Auth-Token: $tok" -H "X-Subject-Token: $tok" "$API$u")"
done
expect_eq "DELETE" 204 "$(http_status -X DELETE \
    -H "X-Auth-Token: $tok" -H "X-Subject-Token: $tok" "$API/v3/auth/tokens")"
stop_traced "$API_PID"
API_PID=""
stop_traced "$SIGNER_PID"
SIGNER_PID=""

for p in signet-signerd signet-api; do
	sed -n 's/^[0-9]* *\([a-z0-9_]*\)(.*/\1/p' "$WORK/$p.trace" |
	    sort -u > "$WORK/$p.used"
	[ "$(wc -l < "$WORK/$p.used")" -gt 20 ] ||
	    fail "$p: too few calls traced: $(head "$WORK/$p.trace")"
	out=$(comm -23 "$WORK/$p.used" "$WORK/allowed" | tr '\n' ' ')
	expect_eq "$p: every system call in @system-service ~@privileged" \
	    "" "$out"
	echo "$p: $(wc -l < "$WORK/$p.used") distinct system calls"
done
finish
