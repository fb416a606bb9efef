"""A minimal hand-written client of signet's RPC (proto/signer.proto) for
tests that must send what the C client never would. Only the fields the
tests use are encoded; responses are read as (field, value) pairs."""
import socket
import struct


def varint(n):
    out = b''
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def field(num, wire, payload):
    key = varint(num << 3 | wire)
    if wire == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload


def health(rid=1):
    return field(1, 0, rid) + field(6, 2, b'')


def open_fernet(token, rid=1, allow_expired=False):
    body = field(1, 2, token.encode())
    if allow_expired:
        body += field(2, 0, 1)
    return field(1, 0, rid) + field(3, 2, body)


def frame(msg):
    return struct.pack('>I', len(msg)) + msg


def parse(buf):
    """Top-level fields of a message: {num: value} (last wins)."""
    out, i = {}, 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            val, i = read_varint(buf, i)
        elif wire == 2:
            n, i = read_varint(buf, i)
            val, i = buf[i:i + n], i + n
        else:
            raise ValueError('wire type %d' % wire)
        out[num] = val
    return out


def read_varint(buf, i):
    n = shift = 0
    while True:
        b = buf[i]
        i += 1
        n |= (b & 0x7f) << shift
        shift += 7
        if not b & 0x80:
            return n, i


class Conn:
    def __init__(self, path, timeout=10):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)

    def send_raw(self, data):
        self.s.sendall(data)

    def call(self, msg):
        """(status, response fields) for one request."""
        self.s.sendall(frame(msg))
        hdr = self.read(4)
        body = self.read(struct.unpack('>I', hdr)[0])
        f = parse(body)
        return f.get(2, 0), f

    def read(self, n):
        buf = b''
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise EOFError('closed')
            buf += chunk
        return buf

    def closed(self):
        """True when the signer has closed the connection."""
        try:
            return self.s.recv(1) == b''
        except (ConnectionResetError, socket.timeout):
            return True

    def close(self):
        self.s.close()


def issue_fernet(user, methods, expires_at, audit_ids, project='', rid=1,
                 scope=0, domain='', system='', trust='', group_ids=(),
                 idp='', protocol='', access_token='', app_cred='',
                 parent=''):
    c = field(1, 0, scope) + field(2, 2, user if isinstance(user, bytes)
                                    else user.encode())
    for m in methods:
        c += field(3, 2, m.encode())
    for num, v in ((4, project), (5, domain), (6, system), (7, trust)):
        if v:
            c += field(num, 2, v.encode())
    c += field(8, 0, expires_at)
    for a in audit_ids:
        c += field(9, 2, a.encode())
    for g in group_ids:
        c += field(10, 2, g if isinstance(g, bytes) else g.encode())
    for num, v in ((11, idp), (12, protocol), (13, access_token),
                   (14, app_cred)):
        if v:
            c += field(num, 2, v if isinstance(v, bytes) else v.encode())
    body = field(1, 2, c)
    if parent:
        body += field(2, 2, parent.encode())
    return field(1, 0, rid) + field(2, 2, body)


def parse_all(buf):
    """Every field of a message: {num: [values]}, repeated ones in order."""
    out, i = {}, 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            val, i = read_varint(buf, i)
        elif wire == 2:
            n, i = read_varint(buf, i)
            val, i = buf[i:i + n], i + n
        else:
            raise ValueError('wire type %d' % wire)
        out.setdefault(num, []).append(val)
    return out


CLAIMS = {1: 'scope', 2: 'user_id', 3: 'methods', 4: 'project_id',
          5: 'domain_id', 6: 'system', 7: 'trust_id', 8: 'expires_at',
          9: 'audit_ids', 10: 'group_ids', 11: 'idp_id', 12: 'protocol_id',
          13: 'access_token_id', 14: 'app_cred_id'}
REPEATED = ('methods', 'audit_ids', 'group_ids')


def claims(buf):
    """A Claims message as a dict of proto names; strings decoded, absent
    strings empty, repeated fields lists."""
    f = parse_all(buf)
    out = {}
    for num, name in CLAIMS.items():
        vals = f.get(num, [])
        if name in REPEATED:
            out[name] = [v.decode() for v in vals]
        elif name in ('scope', 'expires_at'):
            out[name] = vals[-1] if vals else 0
        else:
            out[name] = vals[-1].decode() if vals else ''
    return out


def opened_claims(fields):
    """The claims of an OpenFernet response's top-level fields."""
    return claims(parse(fields[5])[1])
