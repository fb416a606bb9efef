"""The openstack CLI, loaded once, for tests that run it many times: its
start (importing openstackclient and its plugins) costs two to three
seconds, the command itself a fraction of that.
  osc_server.py SOCKET     serves until killed; one command at a time
  osc_client.py SOCKET ARGS...   runs `openstack ARGS...` with the
                           caller's OS_* environment: its stdout,
                           stderr and exit status
Each command runs in a child forked from a server that never ran one
(the CLI keeps state between runs in one process: a column chosen with
-c stays chosen), with the client's OS_* variables and nothing else of
the server's environment, as a new process would."""
import contextlib
import io
import json
import os
import socket
import sys

from openstackclient import shell


def run(env, argv):
    for k in [k for k in os.environ if k.startswith('OS_')]:
        del os.environ[k]
    os.environ.update({k: v for k, v in env.items() if k.startswith('OS_')})
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = shell.OpenStackShell().run(argv)
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 1
        except Exception as e:  # noqa: the CLI's own crash is an answer
            print('%s: %s' % (type(e).__name__, e), file=sys.stderr)
            rc = 1
    return {'rc': rc or 0, 'out': out.getvalue(), 'err': err.getvalue()}


def main():
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sys.argv[1])
    srv.listen(4)
    while True:
        conn, _ = srv.accept()
        pid = os.fork()
        if pid == 0:
            srv.close()
            with conn, conn.makefile('rw') as f:
                req = json.loads(f.readline())
                f.write(json.dumps(run(req['env'], req['argv'])) + '\n')
            os._exit(0)
        conn.close()
        os.waitpid(pid, 0)


if __name__ == '__main__':
    main()
