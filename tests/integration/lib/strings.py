"""Strings that protobuf-c would hand over cut short or unchecked:
  strings.py SOCKET TOKEN
An embedded NUL (which a C string ends at) or bytes that are not UTF-8,
in each kind of string field, must be refused BAD_REQUEST (1) on a
connection that goes on serving; well-formed non-ASCII text still passes.
Prints one line per case; exits 1 if any case failed."""
import sys
import time

import sigproto as sp

FAILS = []
EXP = int(time.time()) + 1800
AUDIT = 'DMz0_i0HjcyWYPLiLhVsqA'


def case(c, what, msg, want):
    st, f = c.call(msg)
    err = f.get(3, b'').decode('utf-8', 'replace')
    good = st == want and (want == 0 or 'NUL' in err)
    print('%s %s: status %d %s' % ('ok' if good else 'FAIL', what, st, err))
    if not good:
        FAILS.append(what)


def main():
    path, tok = sys.argv[1], sys.argv[2]
    c = sp.Conn(path)
    issue = sp.issue_fernet
    case(c, 'user_id with a NUL',
         issue(b'u1\x00admin', ['password'], EXP, [AUDIT]), 1)
    case(c, 'a method with a NUL',
         issue('u1', ['password\x00x'], EXP, [AUDIT]), 1)
    case(c, 'an audit id with a NUL',
         issue('u1', ['password'], EXP, [AUDIT + '\x00zz']), 1)
    case(c, 'a project id not UTF-8',
         sp.field(1, 0, 1) + sp.field(2, 2, sp.field(1, 2, sp.field(
             1, 0, 1) + sp.field(2, 2, b'u1') + sp.field(3, 2, b'password')
             + sp.field(4, 2, b'p\xc0\xafq') + sp.field(8, 0, EXP) +
             sp.field(9, 2, AUDIT.encode()))), 1)
    case(c, 'a token with a NUL and more',
         sp.field(1, 0, 1) + sp.field(3, 2, sp.field(1, 2, tok.encode() +
                                                     b'\x00junk')), 1)
    case(c, 'a request_id with a NUL',
         sp.health(1) + sp.field(7, 2, b'req-1\x00\xff'), 1)
    case(c, 'a parent token not UTF-8',
         sp.field(1, 0, 1) + sp.field(2, 2, sp.field(1, 2, sp.field(
             2, 2, b'u1') + sp.field(3, 2, b'token') + sp.field(8, 0, EXP) +
             sp.field(9, 2, AUDIT.encode())) + sp.field(2, 2, b'gAAA\xed\xa0\x80')),
         1)
    case(c, 'a user id in UTF-8 (still issued)',
         issue('\u00fcser-\u65e5\u672c', ['password'], EXP, [AUDIT]), 0)
    case(c, 'the token itself (still opened)', sp.open_fernet(tok), 0)
    c.close()
    sys.exit(1 if FAILS else 0)


main()
