# One frame must not cost the signer many times its size in locked
# memory. Any allowed peer may send a frame of up to 12 MB (the size of a
# revocation list); it is unpacked before the signer knows what it is,
# and protobuf-c keeps a record for every field it meets, so 12 MB of a
# two-byte field repeated costs hundreds of MB. A revocation list of
# 4 MB whose entries are all {} is read whole by jansson before its
# entries are judged, at about 100 bytes of memory per input byte. The
# signer's memory is locked (mlockall): none of it can be swapped, and
# what glibc cannot give back (MADV_DONTNEED fails on locked pages) stays
# resident after the call. A real 4 MB list (56000 entries) costs about
# 40 MB; each hostile frame must cost no more than BOUND_MB.
# The plain build's signer is measured: ASan's allocator is not glibc's.
. tests/integration/lib/softhsm.sh

BOUND_MB=96
PLAIN="${PLAIN_BIN:-$PWD/build/bin}/signet-signerd"
[ -x "$PLAIN" ] || { fail "no plain build at ${PLAIN%/*}"; finish; }
expect_ok "init-token" prov init-token
expect_ok "fernet-setup" prov fernet-setup
expect_ok "pki-setup" prov pki-setup
start_signer "$PLAIN"

# cost KIND: the peak resident size while one frame of KIND is read and
# answered, less the size before it (MB, sampled every 2 ms)
cost() {
	/usr/bin/python3 - "$SOCK" "$SIGNER_PID" "$1" <<'PY'
import base64
import datetime
import os
import socket
import struct
import sys
import threading
import time
sys.path.insert(0, 'tests/integration/lib')
from sigproto import field

path, pid, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def rss():
    for line in open('/proc/%d/status' % pid):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) // 1024
    return 0


def revocation_list(body):
    return field(1, 0, 1) + field(4, 2, field(1, 2, body) + field(3, 0, 1))


if kind == 'scalars':
    # a Request whose id is set six million times: 12 MB
    msg = b'\x08\x00' * (6 * 1024 * 1024 - 8)
elif kind == 'empty-entries':
    n = 4 * 1024 * 1024 // 3
    msg = revocation_list(b'{"revoked":[{}' + b',{}' * (n - 1) + b']}')
else:
    exp = (datetime.datetime.now(datetime.timezone.utc) +
           datetime.timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M:%SZ')
    ents, size = [], 0
    while size < 4 * 1024 * 1024:
        aid = base64.urlsafe_b64encode(os.urandom(16)).rstrip(b'=')
        ents.append(b'{"audit_id":"%s","expires":"%s"}' %
                    (aid, exp.encode()))
        size += len(ents[-1]) + 1
    msg = revocation_list(b'{"revoked":[' + b','.join(ents) + b']}')
peak, done = [0], threading.Event()


def sample():
    while not done.is_set():
        peak[0] = max(peak[0], rss())
        time.sleep(0.002)


before = rss()
threading.Thread(target=sample, daemon=True).start()
s = socket.socket(socket.AF_UNIX)
s.settimeout(20)
s.connect(path)
s.sendall(struct.pack('>I', len(msg)) + msg)
try:
    s.recv(100)
except OSError:
    pass
time.sleep(0.05)
done.set()
print(peak[0] - before)
PY
}

start=$(awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$SIGNER_PID/status")
for kind in real-list scalars empty-entries; do
	mb=$(cost $kind)
	if [ -n "$mb" ] && [ "$mb" -le "$BOUND_MB" ]; then
		ok "$kind: one frame costs $mb MB"
	else
		fail "$kind: one frame costs ${mb:-?} MB of locked memory (bound $BOUND_MB)"
	fi
done
now=$(awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$SIGNER_PID/status")
[ $((now - start)) -le "$BOUND_MB" ] &&
    ok "resident size after them: $now MB (from $start)" ||
    fail "resident size after them: $now MB (from $start): not given back"
expect_ok "still serving" rpc health
expect_ok "clean shutdown" stop_signer
finish
