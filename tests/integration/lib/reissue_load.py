"""reissue_load.py URL TOKEN THREADS RUNFILE OUT: THREADS clients re-scope
TOKEN (the token method: no bcrypt, one signer call each) against signet-api
until RUNFILE is removed. OUT gets one line per answer: status, latency in
ms, and the new token's audit id (201 only). Exits 1 if a client failed to
talk HTTP at all."""
import http.client
import json
import os
import sys
import threading
import time
from urllib.parse import urlparse

url, token, threads, runfile, out = sys.argv[1:6]
u = urlparse(url)
body = json.dumps({'auth': {'identity': {'methods': ['token'],
                   'token': {'id': token}}, 'scope': {'project': {
                   'name': 'admin', 'domain': {'id': 'default'}}}}})
lock = threading.Lock()
lines = []
broken = []


def client():
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    while os.path.exists(runfile):
        t0 = time.monotonic()
        try:
            c.request('POST', '/v3/auth/tokens', body,
                      {'Content-Type': 'application/json'})
            r = c.getresponse()
            doc = r.read()
        except (OSError, http.client.HTTPException) as e:
            broken.append(repr(e))
            c.close()
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
            continue
        ms = int((time.monotonic() - t0) * 1000)
        aid = '-'
        if r.status == 201:
            aid = json.loads(doc)['token']['audit_ids'][0]
        with lock:
            lines.append('%d %d %s\n' % (r.status, ms, aid))


ts = [threading.Thread(target=client) for _ in range(int(threads))]
for t in ts:
    t.start()
for t in ts:
    t.join()
with open(out, 'w') as f:
    f.writelines(lines)
if broken:
    print('HTTP failures: %d, first: %s' % (len(broken), broken[0]))
sys.exit(1 if broken else 0)
