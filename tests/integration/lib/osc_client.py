"""`openstack ARGS...` through osc_server.py (see there)."""
import json
import os
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
with s, s.makefile('rw') as f:
    f.write(json.dumps({'env': dict(os.environ), 'argv': sys.argv[2:]}) +
            '\n')
    f.flush()
    r = json.loads(f.readline())
sys.stdout.write(r['out'])
sys.stderr.write(r['err'])
sys.exit(r['rc'])
