"""Hostile peers against signet-signerd:
  hostile.py SOCKET frames          bad lengths, cut frames, garbage,
                                    unknown fields, wrong wire types
  hostile.py SOCKET flips TOKEN     every truncation and single-bit flip
Each case must get an error or a closed connection, and the signer must
answer a health call right after. Prints one line per failure; exits 1
if there was any."""
import base64
import struct
import sys
import time

import sigproto as sp

FAILS = []


def healthy(path, what):
    try:
        c = sp.Conn(path)
        st, f = c.call(sp.health(77))
        c.close()
        if st != 0 or f.get(1) != 77:
            FAILS.append('%s: health after it: status %s' % (what, st))
    except Exception as e:  # noqa
        FAILS.append('%s: signer stopped serving: %r' % (what, e))


def expect_closed(path, what, data, half_close=False):
    c = sp.Conn(path, timeout=15)
    t0 = time.monotonic()
    try:
        c.send_raw(data)
        if half_close:
            c.s.shutdown(1)
        if not c.closed():
            FAILS.append('%s: connection left open' % what)
    except (BrokenPipeError, ConnectionResetError):
        pass
    if time.monotonic() - t0 > 12:
        FAILS.append('%s: took %.0f s to close' % (what,
                                                  time.monotonic() - t0))
    c.close()
    healthy(path, what)


def expect_error(path, what, msg):
    c = sp.Conn(path)
    try:
        st, _ = c.call(msg)
        if st == 0:
            FAILS.append('%s: accepted' % what)
    except EOFError:
        pass        # closing the connection is an answer too
    c.close()
    healthy(path, what)


def frames(path):
    good = sp.health(1)
    expect_closed(path, 'length 0', struct.pack('>I', 0))
    expect_closed(path, 'length max+1',
                  struct.pack('>I', 12 * 1024 * 1024 + 1))
    # over 64 KiB only a revocation list may be: anything else is dropped
    big = sp.field(1, 0, 9) + sp.field(4, 2, sp.field(1, 2, b'{' * 70000))
    expect_closed(path, 'a 70 kB frame that is no revocation list',
                  sp.frame(big))
    expect_closed(path, 'length 0xffffffff', b'\xff\xff\xff\xff' + b'x' * 64)
    for n in (1, 2, 3):
        expect_closed(path, 'prefix cut to %d' % n, sp.frame(good)[:n],
                      half_close=True)
    expect_closed(path, 'body cut short', sp.frame(good)[:-1],
                  half_close=True)
    expect_closed(path, 'garbage body', sp.frame(b'\xff' * 40))
    expect_closed(path, '11-byte varint', sp.frame(b'\x08' + b'\xff' * 10 +
                                                   b'\x01'))
    expect_closed(path, 'field longer than the frame',
                  sp.frame(b'\x32\x7f\x00'))
    expect_closed(path, 'wrong wire type for id', sp.frame(b'\x0a\x01\x01'))
    expect_closed(path, 'field number 0', sp.frame(b'\x00\x01' + good))
    expect_closed(path, 'unknown top-level field',
                  sp.frame(good + sp.field(15, 0, 1)))
    expect_closed(path, 'unknown nested field', sp.frame(
        sp.field(1, 0, 1) + sp.field(6, 2, sp.field(9, 0, 1))))
    expect_error(path, 'no call at all', sp.field(1, 0, 5))
    expect_error(path, 'issue without claims',
                 sp.field(1, 0, 5) + sp.field(2, 2, b''))
    # 1000 requests pipelined before reading one answer: all answered.
    c = sp.Conn(path, timeout=30)
    c.send_raw(b''.join(sp.frame(sp.health(i + 1)) for i in range(1000)))
    for i in range(1000):
        hdr = c.read(4)
        f = sp.parse(c.read(struct.unpack('>I', hdr)[0]))
        if f.get(1) != i + 1:
            FAILS.append('pipelined answer %d has id %s' % (i, f.get(1)))
            break
    c.close()


def flips(path, token):
    raw = base64.urlsafe_b64decode(token + '=' * (-len(token) % 4))
    c = sp.Conn(path, timeout=30)
    st, _ = c.call(sp.open_fernet(token))
    if st != 0:
        FAILS.append('the valid token itself was refused')
    variants = [token[:n] for n in range(len(token))]
    for i in range(len(raw) * 8):
        b = bytearray(raw)
        b[i // 8] ^= 1 << (i % 8)
        variants.append(base64.urlsafe_b64encode(bytes(b)).decode()
                        .rstrip('='))
    for n, v in enumerate(variants):
        st, _ = c.call(sp.open_fernet(v, rid=n + 2))
        if st == 0:
            FAILS.append('variant %d accepted' % n)
    c.close()
    healthy(path, 'flips')
    print('%d variants refused' % len(variants))


def main():
    path, what = sys.argv[1], sys.argv[2]
    if what == 'frames':
        frames(path)
    else:
        flips(path, sys.argv[3])
    for f in FAILS:
        print('FAIL:', f)
    sys.exit(1 if FAILS else 0)


if __name__ == '__main__':
    main()
