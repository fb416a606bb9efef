"""Checks against a real Keystone whose token provider is signet, with
keystoneauth1 and keystonemiddleware, one process for many checks (a
Python start costs a second). Prints "ok: ..." or "FAIL: ..." per check;
exits 1 if any failed.
  keystone_checks.py URL AUDIT_LOG main TRUST_ID APPCRED_ID HELD_FILE
  keystone_checks.py URL - down TOKEN      the signer is stopped: 503s
  keystone_checks.py URL - up TOKEN        it is back: all works
  keystone_checks.py URL - valid TOKEN...  each token validates
  keystone_checks.py URL - issue N [TOKEN...]  validates the TOKENs, then
                                           prints N new project tokens
  keystone_checks.py URL - hammer SECONDS TOKEN...  validates in a loop
URL is Keystone's /v3."""
import json
import sys
import time

from keystoneauth1 import exceptions as ksx
from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
from keystonemiddleware import auth_token

URL = sys.argv[1]
FAILS = []
S = ks_session.Session()
ADMIN = dict(username='admin', password='secret-admin',
             user_domain_id='default')


def check(desc, cond, detail=''):
    if cond:
        print('ok: %s' % desc)
    else:
        print('FAIL: %s %s' % (desc, detail))
        FAILS.append(desc)


def password(**scope):
    kw = dict(ADMIN)
    kw.update(scope)
    return v3.Password(auth_url=URL, **kw)


def token_of(plugin):
    return ks_session.Session(auth=plugin).get_token()


def project_token():
    return token_of(password(project_name='admin',
                             project_domain_id='default'))


def validate(admin_tok, tok):
    """GET /v3/auth/tokens: (status, token document or None, response)."""
    r = S.get(URL + '/auth/tokens', raise_exc=False,
              headers={'X-Auth-Token': admin_tok, 'X-Subject-Token': tok})
    return r.status_code, (r.json().get('token') if r.ok else None), r


def audit_issued(path):
    n = 0
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            n += rec['op'] == 'issue_fernet' and rec['result'] == 'ok'
    return n


def scopes(admin_tok):
    st, t, _ = validate(admin_tok, admin_tok)
    check('password, project scope: Fernet token that validates',
          admin_tok.startswith('gAAAAA') and st == 200 and
          t['project']['name'] == 'admin' and t['methods'] == ['password'],
          st)
    unscoped = token_of(password(unscoped=True))
    st, t, _ = validate(admin_tok, unscoped)
    check('password, unscoped', st == 200 and 'project' not in t, st)
    st, t, _ = validate(admin_tok, token_of(password(system_scope='all')))
    check('password, system scope', st == 200 and
          t.get('system') == {'all': True}, (st, t and t.get('system')))
    admin_id = t['user']['id']
    role = S.get(URL + '/roles?name=admin',
                 headers={'X-Auth-Token': admin_tok}).json()['roles'][0]
    S.put(URL + '/domains/default/users/%s/roles/%s' % (admin_id,
          role['id']), headers={'X-Auth-Token': admin_tok})
    st, t, _ = validate(admin_tok, token_of(password(domain_id='default')))
    check('password, domain scope', st == 200 and
          t.get('domain', {}).get('id') == 'default', st)
    return unscoped


def rescope(admin_tok, unscoped):
    _, parent, _ = validate(admin_tok, unscoped)
    tok = token_of(v3.Token(auth_url=URL, token=unscoped,
                            project_name='admin',
                            project_domain_id='default'))
    st, t, _ = validate(admin_tok, tok)
    check('token method: re-scoped to a project, audit chain kept',
          st == 200 and sorted(t['methods']) == ['password', 'token'] and
          t['audit_ids'][1] == parent['audit_ids'][0] and
          t['expires_at'] == parent['expires_at'], (st, t))


def trust(admin_tok, trust_id):
    tok = token_of(v3.Password(auth_url=URL, username='demo',
                               password='secret-demo',
                               user_domain_id='default', trust_id=trust_id))
    st, t, _ = validate(admin_tok, tok)
    check('password, trust scope', st == 200 and
          t.get('OS-TRUST:trust', {}).get('id') == trust_id, (st, t))


def app_cred(admin_tok, appcred_id):
    """An application credential's token: Keystone's payload 9, sealed
    by the signer, validates as that credential's."""
    tok = token_of(v3.ApplicationCredential(
        auth_url=URL, application_credential_id=appcred_id,
        application_credential_secret='secret-appcred'))
    st, t, _ = validate(admin_tok, tok)
    check('application credential: a token that validates as it',
          st == 200 and t.get('application_credential', {}).get('id') ==
          appcred_id and t.get('methods') == ['application_credential'],
          (st, t))


def revoke(admin_tok):
    tok = project_token()
    before, _, _ = validate(admin_tok, tok)
    r = S.delete(URL + '/auth/tokens', raise_exc=False,
                 headers={'X-Auth-Token': admin_tok, 'X-Subject-Token': tok})
    after, _, _ = validate(admin_tok, tok)
    check('revocation: 200, DELETE 204, then 404',
          (before, r.status_code, after) == (200, 204, 404),
          (before, r.status_code, after))
    return tok


def middleware(admin_tok, revoked):
    def app(environ, start_response):
        start_response('200 OK', [])
        return [environ.get('HTTP_X_USER_ID', '-').encode()]
    base = URL.rsplit('/v3', 1)[0]
    mw = auth_token.AuthProtocol(app, dict(
        www_authenticate_uri=base, auth_url=URL, auth_type='password',
        project_name='admin', project_domain_id='default',
        token_cache_time='-1', delay_auth_decision='false',
        log_name='mw', **ADMIN))
    got = []
    for tok in (admin_tok, revoked, 'gAAAAAnot-a-token'):
        env = {'REQUEST_METHOD': 'GET', 'PATH_INFO': '/', 'SERVER_NAME':
               'x', 'SERVER_PORT': '80', 'wsgi.url_scheme': 'http',
               'HTTP_X_AUTH_TOKEN': tok}
        out = {}

        def start(status, headers, exc_info=None):
            out['status'] = int(status.split()[0])
        body = b''.join(mw(env, start)).decode()
        got.append((out['status'], body if out['status'] == 200 else ''))
    check('keystonemiddleware: valid 200, revoked and garbage 401',
          [g[0] for g in got] == [200, 401, 401] and len(got[0][1]) > 0,
          got)


def audit(admin_tok, path):
    before = audit_issued(path)
    for _ in range(5):
        project_token()
    check('audit: one issue_fernet record per token',
          audit_issued(path) - before == 5, audit_issued(path) - before)


def main_checks(audit_log, trust_id, appcred_id, held):
    admin_tok = project_token()
    with open(held, 'w') as f:     # for the signer-down checks
        f.write(admin_tok)
    unscoped = scopes(admin_tok)
    rescope(admin_tok, unscoped)
    trust(admin_tok, trust_id)
    app_cred(admin_tok, appcred_id)
    middleware(admin_tok, revoke(admin_tok))
    audit(admin_tok, audit_log)


def down(tok):
    r = S.post(URL + '/auth/tokens', raise_exc=False, json={'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': 'admin', 'domain': {'id': 'default'},
            'password': 'secret-admin'}}}}})
    check('signer down: issuance 503 with Retry-After',
          r.status_code == 503 and r.headers.get('Retry-After') == '7',
          (r.status_code, r.headers.get('Retry-After'), r.text[:200]))
    # the caller's own token fails first, in Keystone's auth middleware
    st, _, r = validate(tok, tok)
    check('signer down: validation 503 with Retry-After',
          st == 503 and r.headers.get('Retry-After') == '7',
          (st, r.headers.get('Retry-After'), r.text[:200]))


def up(tok):
    st, _, _ = validate(tok, tok)
    new = project_token()
    st2, _, _ = validate(new, new)
    check('signer back: old token validates, new one issued',
          (st, st2) == (200, 200), (st, st2))


def valid(toks):
    admin_tok = project_token()
    for i, tok in enumerate(toks):
        st, _, _ = validate(admin_tok, tok)
        check('token %d validates' % (i + 1), st == 200, st)


def hammer(seconds, toks):
    """Validates and issues without pause for SECONDS (while the test
    rotates the signer's keys): every call must succeed."""
    admin_tok = project_token()
    end = time.monotonic() + seconds
    calls, bad = 0, []
    while time.monotonic() < end:
        for tok in toks + [project_token()]:
            st, _, _ = validate(admin_tok, tok)
            calls += 1
            if st != 200:
                bad.append(st)
    check('%d validations in flight, none failed' % calls,
          calls > 0 and not bad, bad[:5])


def main():
    op = sys.argv[3]
    if op == 'main':
        main_checks(*sys.argv[2:3], *sys.argv[4:7])
    elif op == 'issue':
        sys.stdout = sys.stderr     # check lines; the tokens go to fd 1
        if sys.argv[5:]:
            valid(sys.argv[5:])
        for _ in range(int(sys.argv[4])):
            print(project_token(), file=sys.__stdout__)
    elif op == 'hammer':
        hammer(float(sys.argv[4]), sys.argv[5:])
    elif op == 'valid':
        valid(sys.argv[4:])
    else:
        {'down': down, 'up': up}[op](sys.argv[4])
    sys.exit(1 if FAILS else 0)


if __name__ == '__main__':
    main()
