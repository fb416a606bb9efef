"""mw_status.py API_URL: keystonemiddleware auth_token (service user svc,
password secret-svc, project admin, public interface) in front of a WSGI
app; prints the status it gives the token read from stdin."""
import sys
import wsgiref.util

from keystonemiddleware import auth_token


def app(env, start):
    start('200 OK', [])
    return [b'app']


mw = auth_token.AuthProtocol(app, {
    'www_authenticate_uri': sys.argv[1], 'auth_url': sys.argv[1] + '/v3',
    'auth_type': 'password', 'username': 'svc', 'password': 'secret-svc',
    'project_name': 'admin', 'user_domain_id': 'default',
    'project_domain_id': 'default', 'token_cache_time': '-1',
    'interface': 'public'})
env = {}
wsgiref.util.setup_testing_defaults(env)
env['HTTP_X_AUTH_TOKEN'] = sys.stdin.readline().strip()
res = {}
b''.join(mw(env, lambda s, h, e=None: res.setdefault('s', s)))
print(res['s'].split()[0])
