"""Plays systemd's side of sd_notify(3) for a test: binds an AF_UNIX
datagram socket (a path, or an abstract name written @NAME), prints every
datagram as it comes, and on READY=1 stops the sender at once (SIGSTOP to
the pid the kernel vouches for, as systemd learns it) and checks that its
socket listens while it cannot move: a Unix socket (unix:PATH) or the TCP
port last written in a signet.conf (http:CONF), which must then also
answer GET /v3 with 200 once the sender runs again. Exits 0 after a
READY=1 whose check passed or after STOPPING=1, 1 after a READY=1 whose
check failed, 3 when neither came within the time given. With the check
"collect" it only prints until STOPPING=1 or the time is up."""
import os
import signal
import socket
import struct
import sys
import time
import urllib.request


def listens(kind, arg):
    if kind == 'unix':
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target = arg
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        target = ('127.0.0.1', int(arg))
    s.settimeout(2)
    try:
        s.connect(target)   # the kernel's backlog answers for a frozen peer
        return True
    except OSError:
        return False
    finally:
        s.close()


def check(what, pid):
    kind, arg = what.split(':', 1)
    if kind == 'http':
        arg = [ln.split('=')[1].strip() for ln in open(arg)
               if ln.startswith('port = ')][-1]
    os.kill(pid, signal.SIGSTOP)
    try:
        if not listens(kind, arg):
            return 'not listening when it said READY=1'
    finally:
        os.kill(pid, signal.SIGCONT)
    if kind == 'unix':
        return 'ok'
    try:
        with urllib.request.urlopen('http://127.0.0.1:%s/v3' % arg,
                                    timeout=5) as r:
            return 'ok' if r.status == 200 else 'http %d' % r.status
    except Exception as e:  # the daemon did not answer: the check fails
        return 'no answer: %s' % e


def receive(s):
    """(text, sender pid) of one datagram."""
    msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
    pid = 0
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack('iII', data[:12])[0]
    return msg.decode(), pid


def main():
    addr, what, secs, ready_file = sys.argv[1:5]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    if not addr.startswith('@') and os.path.exists(addr):
        os.unlink(addr)
    s.bind('\0' + addr[1:] if addr.startswith('@') else addr)
    open(ready_file, 'w').close()     # bound: the daemon may start
    deadline = time.monotonic() + float(secs)
    while time.monotonic() < deadline:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            msg, pid = receive(s)
        except socket.timeout:
            break
        lines = msg.split('\n')
        if what == 'collect':
            lines = [ln for ln in lines if ln != 'READY=1'] + (
                ['READY=1 (ignored)'] if 'READY=1' in lines else [])
        if 'READY=1' in lines:
            res = check(what, pid)
            print('pid %d' % pid, flush=True)
        for line in lines:
            print('got ' + line, flush=True)
        if 'STOPPING=1' in lines:
            return 0
        if 'READY=1' in lines:
            print('at READY=1: ' + res, flush=True)
            return 0 if res == 'ok' else 1
    print('no READY=1 or STOPPING=1', flush=True)
    return 3


sys.exit(main())
