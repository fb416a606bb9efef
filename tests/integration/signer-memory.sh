# The signer's memory is locked (mlockall: VmLck > 0), so
# key material and the PIN never reach swap, and the PIN is in its memory
# exactly once (the page-aligned buffer it keeps to log in again after a
# session loss): no stray copy in stdio buffers, stacks or freed heap.
# ASan turns mlockall into a no-op, so this runs the plain build's signer
# (make test builds both).
. tests/integration/lib/softhsm.sh

PLAIN="$PWD/build/bin/signet-signerd"
[ -x "$PLAIN" ] || { fail "no plain build at build/bin"; finish; }
token_keys
start_signer "$PLAIN"
expect_ok "it serves" rpc health
lck=$(awk '/^VmLck:/ { print $2 }' "/proc/$SIGNER_PID/status")
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SIGNER_PID/status")
[ "${lck:-0}" -gt 0 ] && ok "memory locked: VmLck ${lck} kB of ${rss} kB" ||
    fail "nothing locked (VmLck ${lck:-?} kB): $(cat "$WORK/signer.log")"
copies=$(/usr/bin/python3 - "$SIGNER_PID" "$WORK/pin" <<'PY'
import re, sys
pid, pin = sys.argv[1], open(sys.argv[2], 'rb').read().strip()
found = []
with open('/proc/%s/maps' % pid) as maps, \
        open('/proc/%s/mem' % pid, 'rb', 0) as mem:
    for line in maps:
        f = line.split()
        a, b = (int(x, 16) for x in f[0].split('-'))
        if 'r' not in f[1] or b - a > 1 << 30:
            continue
        try:
            mem.seek(a)
            data = mem.read(b - a)
        except OSError:
            continue
        i = data.find(pin)
        while i >= 0:
            found.append(a + i)
            i = data.find(pin, i + 1)
print(len(found), ' '.join('%x' % x for x in found))
PY
)
set -- $copies
[ "${1:-x}" = 1 ] && [ $((0x${2:-1} % 4096)) -eq 0 ] &&
    ok "the PIN is in memory once, page-aligned (its locked buffer)" ||
    fail "PIN copies in the signer's memory: $copies"
grep -q "Max core file size *0 *0" "/proc/$SIGNER_PID/limits" &&
    ok "no core files" || fail "core files possible"
expect_ok "clean shutdown" stop_signer
finish
