"""A real Keystone (Debian's python3-keystone) for the keystone-* tests:
the public WSGI application Debian ships as /usr/bin/keystone-wsgi-public,
served by wsgiref with a thread per request on 127.0.0.1.
  keystone_server.py CONFDIR PORT
Keystone reads CONFDIR/keystone.conf (OS_KEYSTONE_CONFIG_DIR); the line
"keystone serving" on stdout says it listens."""
import os
import socketserver
import sys
import wsgiref.simple_server as wss


class Server(socketserver.ThreadingMixIn, wss.WSGIServer):
    daemon_threads = True


class Quiet(wss.WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main():
    os.environ['OS_KEYSTONE_CONFIG_DIR'] = sys.argv[1]
    port = int(sys.argv[2])
    del sys.argv[1:]    # Keystone parses the rest as its own options
    from keystone.server.wsgi import initialize_public_application
    app = initialize_public_application()
    srv = wss.make_server('127.0.0.1', port, app,
                          server_class=Server, handler_class=Quiet)
    print('keystone serving on 127.0.0.1:%s' % port, flush=True)
    srv.serve_forever()


if __name__ == '__main__':
    main()
