# 10^5 live revocation events (a list of Keystone's once hit
# memcache's 1 MB page at 31.7k tokens, LP#1171985): the signed list is
# still made (the signer takes it in a big frame), openssl verifies it,
# libsignet-verify takes it and refuses the revoked token while passing
# others, and validation at the API goes on.
. tests/integration/lib/softhsm.sh

token_keys pki
mkdir "$WORK/certs"
expect_ok "export-certs" prov export-certs "$WORK/certs"
start_signer
bootstrap_admin
printf '[token]\nprovider = pki\n' >> "$CONF"

N=100000
expect_ok "$N revocation events in the store" /usr/bin/python3 - \
    "$WORK/signet.db" "$N" <<'PY'
import base64, os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
now = int(time.time())
db.executemany(
    'INSERT INTO revocation_event (audit_id, issued_before, revoked_at, '
    'expires_at) VALUES (?, ?, ?, ?)',
    ((base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip('='),
      now, now, now + 3600) for _ in range(int(sys.argv[2]))))
db.commit()
PY
start_api

ADMIN=$(admin_token)
GONE=$(admin_token)
KEPT=$(admin_token)
code=$(http_status -X DELETE \
    -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $GONE" \
    "$API/v3/auth/tokens")
expect_eq "one more, revoked through the API" 204 "$code"

t0=$(date +%s.%N)
code=$(curl -s -o "$WORK/list.json" -w '%{http_code}' \
    -H "X-Auth-Token: $ADMIN" "$API/v3/auth/tokens/OS-PKI/revoked")
echo "list made and signed in $(echo "$(date +%s.%N) - $t0" | bc) s"
expect_eq "the signed list of $((N + 1))" 200 "$code"
/usr/bin/python3 -c 'import json,sys; sys.stdout.write(json.load(open(sys.argv[1]))["signed"])' \
    "$WORK/list.json" > "$WORK/list.pem"
expect_ok "openssl verifies it" openssl cms -verify -inform PEM \
    -in "$WORK/list.pem" -certfile "$WORK/certs/signing_cert.pem" \
    -CAfile "$WORK/certs/ca.pem" -out "$WORK/list.txt"
expect_eq "every entry is in it" $((N + 1)) \
    "$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["revoked"]))' "$WORK/list.txt")"
echo "list: $(wc -c < "$WORK/list.pem") bytes of PEM; signer peak" \
    "$(awk '/VmHWM/ { print $2, $3 }' /proc/$SIGNER_PID/status), now" \
    "$(awk '/VmRSS/ { print $2, $3 }' /proc/$SIGNER_PID/status)"

code=$(token_status "$ADMIN" "$KEPT")
expect_eq "the API validates a live token" 200 "$code"
code=$(token_status "$ADMIN" "$GONE")
expect_eq "and refuses the revoked one" 404 "$code"

printf 'verify %s\nverify %s\nstats\n' "$GONE" "$KEPT" |
    LD_PRELOAD="${SIGNET_PRELOAD:-}" "$TBIN/verify-driver" "$API" \
    "$WORK/sd" admin "$WORK/admin.pw" admin 10 30 > "$WORK/v" 2> "$WORK/v.err"
expect_eq "libsignet-verify: the revoked token" REVOKED \
    "$(sed -n 1p "$WORK/v" | cut -d' ' -f1)"
expect_eq "libsignet-verify: the live token" OK \
    "$(sed -n 2p "$WORK/v" | cut -d' ' -f1)"
grep -q 'lists_ok=1 lists_bad=0 .*stale=0' "$WORK/v" &&
    ok "libsignet-verify took the list" ||
    fail "libsignet-verify: $(sed -n 3p "$WORK/v") $(cat "$WORK/v.err")"
stop_api || fail "signet-api did not stop cleanly: $(tail -5 "$WORK/api.log")"
stop_signer || fail "the signer did not stop cleanly"
finish
