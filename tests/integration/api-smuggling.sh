# Request smuggling (RFC 9112 6.3) and headers given twice, over raw
# sockets: two Content-Lengths (even equal ones), a Content-Length beside
# a Transfer-Encoding, a Transfer-Encoding other than chunked, two Hosts,
# no Host in HTTP/1.1, two X-Auth-Tokens or two X-Subject-Tokens are
# refused with Keystone's 400 and the connection is closed, so a request
# hidden behind the first is never answered. Plain keep-alive, pipelined
# requests and a chunked body are still served.
. tests/integration/lib/softhsm.sh

appliance_up
start_api
ADMIN=$(admin_token)
[ -n "$ADMIN" ] && ok "a token" || fail "no token"

/usr/bin/python3 - "$API_PORT" "$ADMIN" > "$WORK/py" 2>&1 <<'PY'
import sys
sys.path.insert(0, 'tests/integration/lib')
from rawhttp import exchange, statuses, keystone_error, check

port, tok = int(sys.argv[1]), sys.argv[2].encode()
SMUGGLED = b'GET /v3 HTTP/1.1\r\nHost: x\r\n\r\n'
AUTH = (b'{"auth": {"identity": {"methods": ["token"], "token": {"id": "'
        + tok + b'"}}}}')


def refused(desc, req):
    buf, closed = exchange(port, req)
    st = statuses(buf)
    check(desc + ': one answer, 400', st == [400], repr(st))
    check(desc + ': Keystone\'s error shape', keystone_error(buf, 400),
          repr(buf[-200:]))
    check(desc + ': the connection is closed', closed)


# Two Content-Lengths: the first (0) would end the body and the bytes
# after it would be a second request.
refused('two Content-Lengths',
        b'POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\n'
        b'Content-Type: application/json\r\nContent-Length: 0\r\n'
        b'Content-Length: %d\r\n\r\n' % len(SMUGGLED) + SMUGGLED)
refused('two equal Content-Lengths',
        b'POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\n'
        b'Content-Type: application/json\r\nContent-Length: 2\r\n'
        b'Content-Length: 2\r\n\r\n{}' + SMUGGLED)
# Content-Length and chunked: chunked would win and "0" end the body.
refused('Content-Length beside Transfer-Encoding',
        b'POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\n'
        b'Content-Type: application/json\r\nContent-Length: %d\r\n'
        b'Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n'
        % (5 + len(SMUGGLED)) + SMUGGLED)
refused('Transfer-Encoding: gzip, chunked',
        b'POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\n'
        b'Content-Type: application/json\r\n'
        b'Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n' + SMUGGLED)
refused('Transfer-Encoding: identity',
        b'POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\n'
        b'Transfer-Encoding: identity\r\n\r\n' + SMUGGLED)
refused('two Transfer-Encodings',
        b'POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\n'
        b'Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n'
        b'0\r\n\r\n' + SMUGGLED)
refused('two Hosts', b'GET /v3 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'
        + SMUGGLED)
refused('no Host in HTTP/1.1', b'GET /v3 HTTP/1.1\r\n\r\n' + SMUGGLED)
refused('HTTP/1.0 with Transfer-Encoding',
        b'POST /v3/auth/tokens HTTP/1.0\r\nConnection: keep-alive\r\n'
        b'Content-Type: application/json\r\n'
        b'Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n' + SMUGGLED)
refused('a blank before the colon',
        b'POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\n'
        b'Content-Type: application/json\r\nContent-Length : %d\r\n'
        b'\r\n' % len(SMUGGLED) + SMUGGLED)
refused('a blank before the colon of X-Auth-Token',
        b'GET /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nX-Auth-Token : '
        + tok + b'\r\nX-Subject-Token: ' + tok + b'\r\n\r\n')
refused('two X-Auth-Tokens',
        b'GET /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ' + tok
        + b'\r\nX-Auth-Token: garbage\r\nX-Subject-Token: ' + tok
        + b'\r\n\r\n')
refused('two X-Subject-Tokens',
        b'GET /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ' + tok
        + b'\r\nX-Subject-Token: ' + tok
        + b'\r\nX-Subject-Token: garbage\r\n\r\n')

# What stays served.
buf, closed = exchange(port, SMUGGLED + SMUGGLED, wait=1.5)
check('two pipelined requests: two answers', statuses(buf) == [200, 200],
      repr(statuses(buf)))
check('and the connection stays open', not closed)
buf, closed = exchange(port, b'GET /v3 HTTP/1.0\r\n\r\n')
check('HTTP/1.0 without a Host is served', statuses(buf) == [200],
      repr(statuses(buf)))
chunks = b'%x\r\n%s\r\n0\r\n\r\n' % (len(AUTH), AUTH)
buf, closed = exchange(port, b'POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\n'
                       b'Content-Type: application/json\r\n'
                       b'Transfer-Encoding: chunked\r\n\r\n' + chunks
                       + SMUGGLED, wait=2)
check('a chunked body is read, and the next request answered',
      statuses(buf) == [201, 200], repr(statuses(buf)))
buf, closed = exchange(port, b'GET /v3/auth/tokens HTTP/1.1\r\nHost: x\r\n'
                       b'X-Auth-Token: ' + tok + b'\r\nX-Subject-Token: '
                       + tok + b'\r\nConnection: close\r\n\r\n')
check('one X-Auth-Token and one X-Subject-Token: 200',
      statuses(buf) == [200], repr(statuses(buf)))
print('done')
PY
cat "$WORK/py"
FAILS=$((FAILS + $(grep -c '^FAIL' "$WORK/py")))
grep -q '^done$' "$WORK/py" || fail "the checks did not run to the end"
expect_ok "still serving" curl -sf "$API/v3"
finish
