"""burst.py SOCKET CONNS DEPTH ROUNDS: CONNS connections start together
behind a barrier; each pipelines DEPTH calls (issue, then open of what it
got, alternating with health) ROUNDS times, so CONNS x DEPTH calls are in
flight at once. Every answer must be OK and carry its request's id, and
each opened token must name the user that connection issued it for."""
import struct
import sys
import threading
import time

import sigproto as sp

path, conns, depth, rounds = sys.argv[1], int(sys.argv[2]), \
    int(sys.argv[3]), int(sys.argv[4])
barrier = threading.Barrier(conns)
errors = []
counts = [0] * conns


def read_answer(c):
    hdr = c.read(4)
    return sp.parse(c.read(struct.unpack('>I', hdr)[0]))


def connect():
    """A full listen backlog answers EAGAIN: try again, as a client would."""
    for _ in range(100):
        try:
            return sp.Conn(path, timeout=120)
        except BlockingIOError:
            time.sleep(0.05)
    raise OSError('could not connect')


def worker(i):
    try:
        try:
            c = connect()
        finally:
            barrier.wait(timeout=120)   # never strand the others
        user = 'user-%d' % i
        exp = int(time.time()) + 600
        rid = 0
        for _ in range(rounds):
            ids = []
            for _ in range(depth):
                rid += 1
                ids.append(rid)
                c.send_raw(sp.frame(sp.issue_fernet(
                    user, ['password'], exp, ['DMz0_i0HjcyWYPLiLhVsqA'],
                    project='p%d' % i, rid=rid, scope=1)))
            tokens = []
            for want in ids:
                f = read_answer(c)
                if f.get(1) != want or f.get(2, 0) != 0:
                    errors.append('conn %d: answer %s status %s' %
                                  (i, f.get(1), f.get(2)))
                    return
                tokens.append(sp.parse(f[4])[1].decode())
                counts[i] += 1
            for t in tokens:
                rid += 1
                c.send_raw(sp.frame(sp.open_fernet(t, rid=rid)))
            for t in tokens:
                f = read_answer(c)
                claims = sp.parse(sp.parse(f.get(5, b''))[1])
                if f.get(2, 0) != 0 or claims.get(2) != user.encode():
                    errors.append('conn %d: open gave %s' % (i, claims))
                    return
                counts[i] += 1
        c.close()
    except Exception as e:  # noqa
        errors.append('conn %d: %r' % (i, e))


threads = [threading.Thread(target=worker, args=(i,)) for i in range(conns)]
t0 = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join()
print('%d calls in %.1f s, %d errors' % (sum(counts),
                                          time.monotonic() - t0,
                                          len(errors)))
for e in errors[:10]:
    print('FAIL:', e)
sys.exit(1 if errors else 0)
