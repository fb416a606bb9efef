"""The world around libsignet-verify for verify-*.sh: the appliance's
processes (signet-api restarted with other settings, the signer restarted
after a key rotation), a proxy in front of the API that can go down, fail,
send garbage or replay an old revocation list, and the verify-driver."""
import http.server
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

ENV = os.environ
BIN, WORK, CONF = ENV['BIN'], ENV['WORK'], ENV['CONF']
PRELOAD = ENV.get('SIGNET_PRELOAD', '')


def ours_env():
    e = dict(ENV)
    if PRELOAD:
        e['LD_PRELOAD'] = PRELOAD
    return e


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def call(method, url, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers=dict(headers or {}))
    if data is not None:
        req.add_header('Content-Type', 'application/json')
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class Conf:
    """Edits signet.conf: one key in one section."""

    @staticmethod
    def set(section, key, value):
        lines = open(CONF).read().splitlines()
        out, sec, done = [], None, False
        for ln in lines:
            s = ln.strip()
            if s.startswith('['):
                if sec == section and not done:
                    out.append('%s = %s' % (key, value))
                    done = True
                sec = s[1:-1]
            elif sec == section and s.split('=')[0].strip() == key:
                if not done:
                    out.append('%s = %s' % (key, value))
                done = True
                continue
            out.append(ln)
        if not done:
            if sec != section:
                out.append('[%s]' % section)
            out.append('%s = %s' % (key, value))
        open(CONF, 'w').write('\n'.join(out) + '\n')


class Proc:
    """A signet program in the background, stopped with SIGTERM."""

    def __init__(self, argv, log, ready):
        self.log = log
        self.p = subprocess.Popen(argv, stdout=open(log, 'w'),
                                  stderr=subprocess.STDOUT, env=ours_env())
        for _ in range(200):
            if ready():
                return
            time.sleep(0.05)
        raise RuntimeError('did not start: ' + open(log).read())

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            self.p.wait(20)


class Appliance:
    def __init__(self, port):
        self.port = port
        self.url = 'http://127.0.0.1:%d' % port
        Conf.set('api', 'port', str(port))
        self.api = None

    def start_api(self):
        log = os.path.join(WORK, 'api-%d.log' % time.time_ns())
        self.api = Proc([BIN + '/signet-api', '-c', CONF], log,
                        lambda: 'serving the Keystone' in open(log).read())

    def restart_api(self, **settings):
        if self.api:
            self.api.stop()
        for k, v in settings.items():
            Conf.set('token', k, v)
        self.start_api()

    def stop(self):
        if self.api:
            self.api.stop()

    def token(self, scope=True, password='secret-admin'):
        auth = {'identity': {'methods': ['password'], 'password': {
            'user': {'name': 'admin', 'domain': {'id': 'default'},
                     'password': password}}}}
        if scope:
            auth['scope'] = {'project': {'name': 'admin',
                                         'domain': {'id': 'default'}}}
        st, h, b = call('POST', self.url + '/v3/auth/tokens', {'auth': auth})
        assert st == 201, (st, b)
        return h['X-Subject-Token'], json.loads(b)['token']

    def rescope(self, tok):
        auth = {'identity': {'methods': ['token'], 'token': {'id': tok}},
                'scope': {'project': {'name': 'admin',
                                      'domain': {'id': 'default'}}}}
        st, h, b = call('POST', self.url + '/v3/auth/tokens', {'auth': auth})
        assert st == 201, (st, b)
        return h['X-Subject-Token']

    def revoke(self, admin, tok):
        st, _, b = call('DELETE', self.url + '/v3/auth/tokens', headers={
            'X-Auth-Token': admin, 'X-Subject-Token': tok})
        assert st == 204, (st, b)


class Proxy:
    """The token service as the verifier sees it. Modes: pass, down
    (connections dropped), error (500), garbage (a list that is no CMS),
    replay (the first list it ever forwarded)."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.mode = 'pass'
        self.first_list = None
        self.lists_served = 0
        proxy = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_any(self):
                n = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(n) if n else None
                is_list = self.path.startswith(
                    '/v3/auth/tokens/OS-PKI/revoked')
                if proxy.mode == 'down':
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if proxy.mode == 'error':
                    return self.answer(500, {}, b'{"error": {}}')
                if is_list and proxy.mode == 'garbage':
                    return self.answer(200, {}, json.dumps({
                        'signed': '-----BEGIN CMS-----\nAAAA\n'
                                  '-----END CMS-----\n'}).encode())
                if is_list and proxy.mode == 'replay':
                    proxy.lists_served += 1
                    return self.answer(200, {}, proxy.first_list)
                hdrs = {k: v for k, v in self.headers.items()
                        if k.lower() in ('x-auth-token', 'x-subject-token',
                                         'content-type', 'accept')}
                req = urllib.request.Request(
                    proxy.upstream + self.path, data=body,
                    method=self.command, headers=hdrs)
                try:
                    with urllib.request.urlopen(req, timeout=10) as r:
                        st, h, b = r.status, dict(r.headers), r.read()
                except urllib.error.HTTPError as e:
                    st, h, b = e.code, dict(e.headers), e.read()
                except OSError:
                    return self.answer(503, {}, b'{}')
                if is_list and st == 200:
                    proxy.lists_served += 1
                    if proxy.first_list is None:
                        proxy.first_list = b
                self.answer(st, h, b)

            def answer(self, st, h, b):
                self.send_response(st)
                for k in ('X-Subject-Token', 'Content-Type'):
                    if k in h:
                        self.send_header(k, h[k])
                self.send_header('Content-Length', str(len(b)))
                self.end_headers()
                self.wfile.write(b)

            do_GET = do_POST = do_DELETE = do_HEAD = do_any

        class Quiet(http.server.ThreadingHTTPServer):
            def handle_error(self, *a):
                pass    # dropped connections are the point of 'down'

        self.srv = Quiet(('127.0.0.1', 0), H)
        self.url = 'http://127.0.0.1:%d' % self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()


class Driver:
    """tests/integration/verify-driver over pipes."""

    def __init__(self, url, sdir, poll, staleness, pinned=None):
        argv = [ENV['TBIN'] + '/verify-driver', url, sdir, 'admin',
                os.path.join(WORK, 'admin.pw'), 'admin', str(poll),
                str(staleness)] + ([pinned] if pinned else [])
        self.log = os.path.join(WORK, 'driver-%d.log' % time.time_ns())
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=open(self.log, 'w'),
                                  env=ours_env(), text=True)

    def ask(self, line):
        self.p.stdin.write(line + '\n')
        self.p.stdin.flush()
        out = self.p.stdout.readline().split()
        if not out:
            raise RuntimeError('driver died: ' + open(self.log).read())
        return out

    def verify(self, tok):
        return self.ask('verify ' + tok)

    def stats(self):
        return dict(kv.split('=') for kv in self.ask('stats'))

    def wait_fresh(self, limit=5):
        """Until the verifier holds a list made from now on: a restart
        of the API may outlast max staleness, failing PKI closed."""
        t0 = int(time.time())
        end = time.monotonic() + limit
        while int(self.stats()['list_issued_at']) < t0 and \
                time.monotonic() < end:
            time.sleep(0.05)

    def close(self):
        """0 when the driver (and its sanitizers) ended cleanly."""
        self.p.stdin.write('quit\n')
        self.p.stdin.close()
        rc = self.p.wait(30)
        return rc, open(self.log).read()


class Checks:
    def __init__(self):
        self.fails = 0

    def ok(self, cond, desc, detail=''):
        if cond:
            print('ok:', desc)
        else:
            print('FAIL:', desc, detail)
            self.fails += 1
        return cond

    def eq(self, want, got, desc):
        return self.ok(want == got, desc, 'want %r got %r' % (want, got))

    def until(self, fn, want, limit, desc):
        """Polls fn() until it returns want; checks it took <= limit s."""
        t0 = time.monotonic()
        got = fn()
        while got != want and time.monotonic() - t0 < limit + 3:
            time.sleep(0.05)
            got = fn()
        took = time.monotonic() - t0
        self.ok(got == want and took <= limit, desc,
                'got %r after %.2fs (limit %.1fs)' % (got, took, limit))
        return took
