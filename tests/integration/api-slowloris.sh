# Slowloris: with [api] timeout = 3 and request_timeout = 5, a connection
# dripping a byte a second (never idle for the timeout) is closed once
# its request has not all arrived 5 s after it was accepted, whether it
# drips the head or the body; a keep-alive connection whose requests each
# arrive at once is served past 5 s. With connection_limit = 32, one
# address opening 40 dripping connections holds at most its share
# (per_ip_connection_limit, by default connection_limit/8 and at least
# 4), and another address (127.0.0.2) is still served.
. tests/integration/lib/softhsm.sh

appliance_up
printf '[api]\ntimeout = 3\nrequest_timeout = 5\nconnection_limit = 32\n' \
    >> "$CONF"
start_api

/usr/bin/python3 - "$API_PORT" > "$WORK/py" 2>&1 <<'PY'
import socket, sys, threading, time
sys.path.insert(0, 'tests/integration/lib')
from rawhttp import connect, exchange, statuses, check

port = int(sys.argv[1])
HEAD = b'GET /v3 HTTP/1.1\r\nHost: x\r\n'
results = {}


def drip(name, first, limit=12.0):
    """Sends first, then a byte a second: the seconds until the server
    closes, or None if it is still open after limit."""
    s = connect(port)
    t0 = time.monotonic()
    s.sendall(first)
    s.settimeout(1.0)
    while time.monotonic() - t0 < limit:
        try:
            if s.recv(4096) == b'':
                break
        except socket.timeout:
            pass
        except OSError:
            break
        try:
            s.sendall(b'a')
        except OSError:
            break
    else:
        results[name] = None
        return
    results[name] = time.monotonic() - t0
    s.close()


def keepalive():
    s = connect(port)
    n = 0
    for i in range(3):
        if i:
            time.sleep(2)
        s.sendall(HEAD + b'\r\n')
        buf, end = b'', time.monotonic() + 2
        while b'}}' not in buf and time.monotonic() < end:
            try:
                d = s.recv(65536)
            except OSError:
                break
            if not d:
                break
            buf += d
        n += len(statuses(buf))
    results['keepalive'] = n


threads = [threading.Thread(target=drip, args=('head', HEAD + b'X-Pad: ')),
           threading.Thread(target=drip, args=(
               'body', b'POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\n'
               b'Content-Type: application/json\r\n'
               b'Content-Length: 100\r\n\r\n{')),
           threading.Thread(target=keepalive)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for name in ('head', 'body'):
    took = results[name]
    check('a dripped %s is cut by request_timeout' % name,
          took is not None and 4.5 <= took <= 8,
          'still open after 12 s' if took is None else 'closed at %.1f s'
          % took)
check('a keep-alive connection is served past request_timeout',
      results['keepalive'] == 3, '%d of 3 answers' % results['keepalive'])

# One address, 40 dripping connections.
hogs = []
for i in range(40):
    try:
        s = connect(port, timeout=1)
        s.sendall(HEAD + b'X-Pad: ')
        hogs.append(s)
    except OSError:
        pass
time.sleep(1)
open_hogs = 0
for s in hogs:
    s.setblocking(False)
    try:
        alive = s.recv(1) != b''
    except BlockingIOError:
        alive = True
    except OSError:
        alive = False
    if alive:
        try:
            s.sendall(b'a')
        except OSError:
            alive = False
    open_hogs += alive
served = 0
for i in range(6):
    try:
        buf, _ = exchange(port, b'GET /v3 HTTP/1.1\r\nHost: x\r\n'
                          b'Connection: close\r\n\r\n', wait=1.0,
                          src='127.0.0.2')
        served += statuses(buf) == [200]
    except OSError:
        pass
check('one address holds at most 4 of 32 connections', open_hogs <= 4,
      '%d open' % open_hogs)
check('another address is served meanwhile', served == 6,
      '%d of 6 answered' % served)
for s in hogs:
    s.close()
print('done')
PY
cat "$WORK/py"
FAILS=$((FAILS + $(grep -c '^FAIL' "$WORK/py")))
grep -q '^done$' "$WORK/py" || fail "the checks did not run to the end"
grep -q 'no whole request within 5 s' "$WORK/api.log" &&
    ok "the cut is logged" || fail "no log line for the cut"
expect_ok "still serving" curl -sf "$API/v3"
finish
