"""openloop.py SOCKET TOKEN SECONDS: opens TOKEN over and over for SECONDS
on one connection; prints the number of calls and exits 1 if any failed."""
import sys
import time

import sigproto as sp

c = sp.Conn(sys.argv[1])
end = time.monotonic() + float(sys.argv[3])
n = bad = 0
while time.monotonic() < end:
    n += 1
    st, _ = c.call(sp.open_fernet(sys.argv[2], rid=n))
    bad += st != 0
print('%d calls, %d failed' % (n, bad))
sys.exit(1 if bad or n == 0 else 0)
