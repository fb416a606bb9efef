"""keystonemiddleware's auth_token in front of a small WSGI app, against
signet-api. middleware.py API_URL SVC_PASSWORD then, on stdin, lines
"TOKEN" -> prints "STATUS X-User-Id X-Project-Id X-Roles" per line."""
import sys
import wsgiref.util

from keystonemiddleware import auth_token


def app(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    seen = ' '.join(environ.get(h, '-') for h in (
        'HTTP_X_USER_ID', 'HTTP_X_PROJECT_ID', 'HTTP_X_ROLES'))
    return [seen.encode()]


def main():
    api, pw = sys.argv[1], sys.argv[2]
    mw = auth_token.AuthProtocol(app, {
        'www_authenticate_uri': api, 'auth_url': api + '/v3',
        'auth_type': 'password', 'username': 'svc', 'password': pw,
        'project_name': 'demo', 'user_domain_id': 'default',
        'project_domain_id': 'default', 'token_cache_time': '-1',
        'delay_auth_decision': 'false', 'log_name': 'mw'})
    for line in sys.stdin:
        env = {}
        wsgiref.util.setup_testing_defaults(env)
        env['HTTP_X_AUTH_TOKEN'] = line.strip()
        env['HTTP_X_ROLES'] = 'forged-admin'    # must be stripped
        out = {}

        def start(status, headers, exc_info=None):
            out['status'] = status.split()[0]
        body = b''.join(mw(env, start)).decode()
        print(out['status'], body if out['status'] == '200' else '-')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
