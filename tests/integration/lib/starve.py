"""One allowed peer trying to starve signet-signerd of its slots:
  starve.py SOCKET hog N HOLD       opens N connections, prints how many
                                    answer a health call, holds them HOLD s
  starve.py SOCKET idle WAIT        one connection, one call, then silence:
                                    prints how long until the signer closes
                                    it ("open" if not within WAIT s)
  starve.py SOCKET drip LEN EVERY WAIT
                                    a frame of LEN bytes announced, then a
                                    byte every EVERY s: prints how long
                                    until the signer closes it ("open" if
                                    not within WAIT s); "dripping" once the
                                    first bytes are out
  starve.py SOCKET list FILE        signs FILE as a revocation list: prints
                                    the status and how many ms it took"""
import socket
import struct
import sys
import time

import sigproto as sp


def answers(c):
    try:
        st, _ = c.call(sp.health(5))
        return st == 0
    except (EOFError, ConnectionResetError, BrokenPipeError,
            socket.timeout):
        return False


def hog(path, n, hold):
    conns = [sp.Conn(path) for _ in range(n)]
    print(sum(answers(c) for c in conns), flush=True)
    time.sleep(hold)


def closed_within(c, wait, t0, act=None, every=None):
    """Seconds from t0 until EOF on c, else None; act() every `every` s."""
    nxt = time.monotonic() + (every or wait)
    while time.monotonic() - t0 < wait:
        c.s.settimeout(max(0.05, min(nxt, t0 + wait) - time.monotonic()))
        try:
            if c.s.recv(1) == b'':
                return time.monotonic() - t0
        except socket.timeout:
            pass
        except ConnectionResetError:
            return time.monotonic() - t0
        if act is not None and time.monotonic() >= nxt:
            try:
                act()
            except (BrokenPipeError, ConnectionResetError):
                return time.monotonic() - t0
            nxt += every
    return None


def report(t):
    print('open' if t is None else '%.1f' % t, flush=True)


def idle(path, wait):
    c = sp.Conn(path)
    if not answers(c):
        print('no answer')
        return
    report(closed_within(c, wait, time.monotonic()))


def drip(path, length, every, wait):
    c = sp.Conn(path)
    c.send_raw(struct.pack('>I', length) + b'\x08')
    print('dripping', flush=True)
    t0 = time.monotonic()
    report(closed_within(c, wait, t0, lambda: c.send_raw(b'\x01'), every))


def sign_list(path, name):
    body = open(name, 'rb').read()
    c = sp.Conn(path, timeout=30)
    t0 = time.monotonic()
    st, _ = c.call(sp.field(1, 0, 9) + sp.field(4, 2, sp.field(1, 2, body) +
                                                sp.field(3, 0, 1)))
    print(st, int((time.monotonic() - t0) * 1000))


def main():
    path, what = sys.argv[1], sys.argv[2]
    a = sys.argv[3:]
    if what == 'hog':
        hog(path, int(a[0]), float(a[1]))
    elif what == 'idle':
        idle(path, float(a[0]))
    elif what == 'list':
        sign_list(path, a[0])
    elif what == 'drip':
        drip(path, int(a[0]), float(a[1]), float(a[2]))


main()
