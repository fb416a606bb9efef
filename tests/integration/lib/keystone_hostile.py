"""libsignet-client (the Keystone provider's path to the signer) against a
signer that answers with hostile frames: each answer must end the call
with SIGNET_CLIENT_UNREACHABLE (-1) within the deadline, never a crash,
a hang or a result taken from the wrong frame.
  keystone_hostile.py LIBRARY SOCKET_DIR"""
import json
import os
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..',
                                'integrations', 'keystone'))
from signet_keystone import client  # noqa: E402


def varint(n):
    out = b''
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def request_id(frame):
    """Request field 1 (id), the first thing protobuf-c packs."""
    assert frame[0] == 0x08
    n, shift, i = 0, 0, 1
    while True:
        n |= (frame[i] & 0x7f) << shift
        if not frame[i] & 0x80:
            return n
        shift += 7
        i += 1


def frame(body):
    return struct.pack('>I', len(body)) + body


ANSWERS = {
    'oversized length': lambda rid: struct.pack('>I', 0xffffffff),
    'garbage body': lambda rid: frame(b'\xff' * 40),
    'another request id': lambda rid: frame(b'\x08' + varint(rid + 7)),
    'truncated frame': lambda rid: struct.pack('>I', 100) + b'\x08' * 10,
    'silence': None,
    'wrong result kind': lambda rid: frame(b'\x08' + varint(rid) +
                                           b'\x42\x00'),
}


def serve(path, answer, stop):
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    srv.listen(4)
    srv.settimeout(0.2)
    while not stop.is_set():
        try:
            c, _ = srv.accept()
        except socket.timeout:
            continue
        with c:
            n = struct.unpack('>I', c.recv(4))[0]
            req = b''
            while len(req) < n:
                req += c.recv(n - len(req))
            if answer is not None:
                c.sendall(answer(request_id(req)))
                time.sleep(0.1)
            else:
                stop.wait(3)
    srv.close()


def main():
    lib, d = sys.argv[1], sys.argv[2]
    fails = 0
    for i, (name, answer) in enumerate(ANSWERS.items()):
        path = os.path.join(d, 'h%d.sock' % i)
        stop = threading.Event()
        t = threading.Thread(target=serve, args=(path, answer, stop))
        t.start()
        c = client.Client(path, 0.5, library=lib)
        start = time.monotonic()
        rc, out = c.call('open_fernet', {'token': 'gAAAAAx'})
        took = time.monotonic() - start
        stop.set()
        t.join()
        good = rc == client.UNREACHABLE and took < 3 and 'error' in out
        print('%s: %s -> %d in %.1f s' % ('ok' if good else 'FAIL', name,
                                          rc, took))
        fails += not good
    c = client.Client(os.path.join(d, 'none.sock'), 0.3, library=lib)
    for op, arg, want in (('open_fernet', '{', client.BAD_CALL),
                          ('sign_anything', '{}', client.BAD_CALL),
                          ('issue_fernet', '{"expires_at": "soon"}',
                           client.BAD_CALL),
                          ('health', '{}', client.UNREACHABLE)):
        out = client.ctypes.c_void_p()
        h = c._take()
        rc = c._lib.signet_client_call(h, op.encode(), arg.encode(),
                                       client.ctypes.byref(out))
        c._give(h)
        body = json.loads(client.ctypes.string_at(out.value))
        c._lib.signet_client_free(out)
        good = rc == want and 'error' in body
        print('%s: %s %s -> %d %s' % ('ok' if good else 'FAIL', op, arg, rc,
                                      body))
        fails += not good
    sys.exit(1 if fails else 0)


if __name__ == '__main__':
    main()
