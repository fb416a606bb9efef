# Routing on the path as sent: "%00", "%74okens" (t) and "%2f" (/) do not
# reach /v3/auth/tokens (MHD decodes the path it hands the handler; the
# proxy in front routed the encoded one), they are 404 in Keystone's
# error shape. At debug level, a path cannot forge an access line ("%0a"
# is logged as sent) and a token in a path (v2's GET /v2.0/tokens/{id})
# does not reach the log.
. tests/integration/lib/softhsm.sh

appliance_up
API_FLAGS=-d start_api
ADMIN=$(admin_token)
[ -n "$ADMIN" ] && ok "a token" || fail "no token"

/usr/bin/python3 - "$API_PORT" "$ADMIN" > "$WORK/py" 2>&1 <<'PY'
import sys
sys.path.insert(0, 'tests/integration/lib')
from rawhttp import exchange, statuses, keystone_error, check

port, tok = int(sys.argv[1]), sys.argv[2].encode()


def get(path):
    return exchange(port, b'GET ' + path + b' HTTP/1.1\r\nHost: x\r\n'
                    b'X-Auth-Token: ' + tok + b'\r\nX-Subject-Token: ' + tok
                    + b'\r\nConnection: close\r\n\r\n')[0]


buf = get(b'/v3/auth/tokens')
check('/v3/auth/tokens validates', statuses(buf) == [200],
      repr(statuses(buf)))
for path in (b'/v3/auth/tokens%00', b'/v3/auth/tokens%00.json',
             b'/v3/auth/%74okens', b'/v3/auth%2ftokens', b'/v3/auth%2Ftokens',
             b'/v3/auth/tokens%2f', b'/v3%2Fauth%2Ftokens', b'/%76%33',
             b'/v3/auth/tokens/OS-PKI/%72evoked'):
    buf = get(path)
    check('%s: 404' % path.decode(), statuses(buf) == [404],
          repr(statuses(buf)))
    check('%s: Keystone\'s error shape' % path.decode(),
          keystone_error(buf, 404), repr(buf[-120:]))

# The access log.
get(b'/%0asignet-api:/%20info:/%20forged')
get(b'/%0d%0a2030-01-01/x%0a%0d/signet-api:/%0binfo:')
get(b'/v3\n2030-01-01T00:00:00.000Z signet-api: info: forged')
get(b'/v2.0/tokens/' + tok)
get(b'/v3/auth/tokens/' + tok)
get(b'/v3/auth/tokens?token=' + tok)
print('done')
PY
cat "$WORK/py"
FAILS=$((FAILS + $(grep -c '^FAIL' "$WORK/py")))
grep -q '^done$' "$WORK/py" || fail "the checks did not run to the end"
stop_api || fail "signet-api did not stop cleanly"
if grep -vE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z signet-api: ' \
    "$WORK/api.log"; then
	fail "a line of the log is not one signet-api wrote"
else
	ok "no path forged a log line"
fi
grep -qF '"GET /%0asignet-api:/%20info:/%20forged" 404' "$WORK/api.log" &&
    ok "the path is logged as sent" || fail "the %0a path is not in the log"
if grep -qF -- "$(printf '%s' "$ADMIN" | cut -c1-24)" "$WORK/api.log"; then
	fail "a token in a path reached the log"
else
	ok "a token in a path is not logged"
fi
grep -q '"GET /v2.0/tokens/\*\*\*" 404' "$WORK/api.log" &&
    ok "its segment is logged as ***" ||
    fail "no access line for /v2.0/tokens/...: $(grep v2.0 "$WORK/api.log")"
finish
