# The SQLite store locked by another writer, then its disk
# full (prlimit --fsize on signet-api). Calls that must write get 503, and
# DELETE never answers 204 unless its revocation committed (the token
# stays valid, then is revoked once the store can be written). Fernet
# issuance and validation, which only read, go on; signet-manage fails
# with a clear error; UUID issuance (a write) is 503, then works again.
. tests/integration/lib/softhsm.sh

appliance_up
printf '[token]\nprovider = fernet\n' >> "$CONF"
start_api

issue() {	# the X-Subject-Token of a new admin token, or nothing
	curl -s -m 30 -D "$WORK/h" -o /dev/null -H 'Content-Type: application/json' \
	    -d "$(login_body admin secret-admin)" \
	    "$API/v3/auth/tokens"
	sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$WORK/h"
}
call() {	# call METHOD SUBJECT: the HTTP status
	http_status -m 30 -X "$1" \
	    -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $2" \
	    "$API/v3/auth/tokens"
}
lock() {	# another process holds the store's write lock until unlock
	rm -f "$WORK/locked"
	/usr/bin/python3 - "$WORK/signet.db" "$WORK/locked" <<'PY' &
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
while os.path.exists(sys.argv[2]):
    time.sleep(0.05)
c.execute("ROLLBACK")
PY
	LOCKER=$!
	wait_until 10 [ -f "$WORK/locked" ] ||
	    fail "the store could not be locked"
}
unlock() {
	rm -f "$WORK/locked"
	wait "$LOCKER"
}

ADMIN=$(issue)
[ -n "$ADMIN" ] && ok "an admin token" || fail "no admin token"
VICTIM=$(issue)

lock
expect_eq "locked: DELETE is 503, not 204" 503 "$(call DELETE "$VICTIM")"
expect_eq "locked: so the token stays valid" 200 "$(call GET "$VICTIM")"
[ -n "$(issue)" ] && ok "locked: Fernet issuance goes on" ||
    fail "locked: no Fernet token"
expect_fail "locked: signet-manage says so" "locked|busy" \
    mgr role-revoke admin --user admin --project admin
unlock
expect_eq "unlocked: the token is still valid" 200 "$(call GET "$VICTIM")"
expect_eq "unlocked: DELETE" 204 "$(call DELETE "$VICTIM")"
expect_eq "unlocked: the token is revoked" 404 "$(call GET "$VICTIM")"
grep -q "database is locked" "$WORK/api.log" &&
    ok "the API logged why" || fail "no log line: $(cat "$WORK/api.log")"

# A full disk (a 1 kB file size limit on signet-api: the write-ahead log
# cannot take a page): the revocation cannot be written, so no 204, and
# the token stays valid.
VICTIM=$(issue)
prlimit --pid "$API_PID" --fsize=1024:unlimited
expect_eq "disk full: DELETE is 503, not 204" 503 "$(call DELETE "$VICTIM")"
expect_eq "disk full: the token stays valid" 200 "$(call GET "$VICTIM")"
prlimit --pid "$API_PID" --fsize=unlimited:unlimited
expect_eq "room again: DELETE" 204 "$(call DELETE "$VICTIM")"
expect_eq "room again: the token is revoked" 404 "$(call GET "$VICTIM")"

sed -i "s/^provider = .*/provider = uuid/" "$CONF"
stop_api
start_api
ADMIN=$(issue)
[ -n "$ADMIN" ] && ok "uuid: an admin token" || fail "uuid: no admin token"
lock
code=$(http_status -m 30 \
    -H 'Content-Type: application/json' \
    -d "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$ADMIN\"}}}}" \
    "$API/v3/auth/tokens")
expect_eq "locked: UUID issuance is 503" 503 "$code"
expect_eq "locked: UUID validation goes on" 200 "$(call GET "$ADMIN")"
unlock
[ -n "$(issue)" ] && ok "unlocked: UUID issuance" || fail "unlocked: no token"
kill -0 "$API_PID" && ok "signet-api still runs" || fail "signet-api died"
finish
