# Raw HTTP/1.1 over a plain socket, for requests curl will not send
# (two Content-Lengths, a smuggled second request, a byte at a time).
# check() prints "ok: ..." or "FAIL: ..." lines the calling test counts.
import json
import re
import socket
import time


def connect(port, src=None, timeout=5.0):
    s = socket.socket()
    if src is not None:
        s.bind((src, 0))
    s.settimeout(timeout)
    s.connect(('127.0.0.1', port))
    return s


def exchange(port, data, wait=3.0, src=None):
    """Sends data, reads until the server closes or wait passes:
    (bytes read, whether the server closed)."""
    s = connect(port, src)
    s.sendall(data)
    buf, closed = b'', False
    end = time.monotonic() + wait
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            closed = True
            break
        if not d:
            closed = True
            break
        buf += d
    s.close()
    return buf, closed


def statuses(buf):
    """The status codes of every response in buf, in order."""
    return [int(m) for m in re.findall(rb'HTTP/1\.[01] (\d{3}) ', buf)]


def keystone_error(buf, code):
    """buf's one response is Keystone's error shape with this code."""
    head, _, body = buf.partition(b'\r\n\r\n')
    try:
        e = json.loads(body)['error']
    except (ValueError, KeyError, TypeError):
        return False
    return e.get('code') == code and 'message' in e and 'title' in e


def check(desc, cond, detail=''):
    if cond:
        print('ok: %s' % desc, flush=True)
    else:
        print('FAIL: %s: %s' % (desc, detail), flush=True)
    return cond
