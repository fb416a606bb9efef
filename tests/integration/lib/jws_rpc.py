"""IssueJws and PublicMaterial's JWS keys over signet's RPC, for tests.
  jws_rpc.py issue SOCK          claims lines -> a token, or "error: ..."
  jws_rpc.py public SOCK DIR     the JWS public keys as DIR/kN.pem
Claims lines: {"user", "methods", "expires_at", "audit_ids", "scope"
(0 unscoped, 1 project, 2 domain, 3 system), "project", "domain",
"parent"}."""
import json
import os
import sys

from cryptography.hazmat.primitives import serialization

import sigproto as sp


def claims(c):
    b = sp.field(1, 0, c.get('scope', 0)) + sp.field(2, 2,
                                                      c['user'].encode())
    for m in c['methods']:
        b += sp.field(3, 2, m.encode())
    if c.get('project'):
        b += sp.field(4, 2, c['project'].encode())
    if c.get('domain'):
        b += sp.field(5, 2, c['domain'].encode())
    if c.get('scope') == 3:
        b += sp.field(6, 2, b'all')
    b += sp.field(8, 0, c['expires_at'])
    for a in c['audit_ids']:
        b += sp.field(9, 2, a.encode())
    return b


def issue(conn, c, rid):
    body = sp.field(1, 2, claims(c))
    if c.get('parent'):
        body += sp.field(2, 2, c['parent'].encode())
    st, f = conn.call(sp.field(1, 0, rid) + sp.field(8, 2, body))
    if st != 0:
        return 'error: %d %s' % (st, f.get(3, b'').decode())
    return sp.parse(f[9])[1].decode()


def public(conn, out):
    st, f = conn.call(sp.field(1, 0, 1) + sp.field(5, 2, b''))
    if st != 0:
        return 'error: %d' % st
    buf, i, n = f[7], 0, 0
    while i < len(buf):
        key, i = sp.read_varint(buf, i)
        ln, i = sp.read_varint(buf, i)
        val, i = buf[i:i + ln], i + ln
        if key >> 3 != 4:
            continue
        k = serialization.load_der_public_key(val)
        n += 1
        with open(os.path.join(out, 'k%d.pem' % n), 'wb') as fh:
            fh.write(k.public_bytes(
                serialization.Encoding.PEM,
                serialization.PublicFormat.SubjectPublicKeyInfo))
    return str(n)


def main():
    conn = sp.Conn(sys.argv[2])
    if sys.argv[1] == 'public':
        print(public(conn, sys.argv[3]))
        return
    for rid, line in enumerate(sys.stdin, 1):
        if line.strip():
            print(issue(conn, json.loads(line), rid))
            sys.stdout.flush()


if __name__ == '__main__':
    main()
