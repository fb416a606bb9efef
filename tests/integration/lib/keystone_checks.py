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
import os
import sys
import time

from keystoneauth1 import exceptions as ksx
from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
from keystonemiddleware import auth_token

URL = sys.argv[1]
# [signet] format: what the tokens look like and which call made them
FORMAT = os.environ.get('SIGNET_FORMAT', 'fernet')
PREFIX, ISSUE_OP = {'fernet': ('gAAAAA', 'issue_fernet'),
                    'jws': ('eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.',
                            'issue_jws')}[FORMAT]
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
            n += rec['op'] == ISSUE_OP and rec['result'] == 'ok'
    return n


def scopes(admin_tok):
    st, t, _ = validate(admin_tok, admin_tok)
    check('password, project scope: %s token that validates' % FORMAT,
          admin_tok.startswith(PREFIX) and st == 200 and
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


def federated(admin_tok):
    """A federated login through Keystone's own mapped plugin (an
    identity provider, a mapping from a request header, protocol
    "mapped"), then re-scoped to a project through the group's role:
    Keystone's federated payloads made and read by the signer."""
    h = {'X-Auth-Token': admin_tok}

    def post(path, body):
        return S.post(URL + path, json=body, headers=h).json()
    gid = post('/groups', {'group': {'name': 'fedgroup',
                                     'domain_id': 'default'}})['group']['id']
    pid = S.get(URL + '/projects?name=admin',
                headers=h).json()['projects'][0]['id']
    rid = S.get(URL + '/roles?name=member',
                headers=h).json()['roles'][0]['id']
    S.put(URL + '/projects/%s/groups/%s/roles/%s' % (pid, gid, rid),
          headers=h)
    S.put(URL + '/OS-FEDERATION/identity_providers/idp1', headers=h,
          json={'identity_provider': {'enabled': True}})
    S.put(URL + '/OS-FEDERATION/mappings/map1', headers=h, json={
        'mapping': {'rules': [{
            'local': [{'user': {'name': '{0}'}}, {'group': {'id': gid}}],
            'remote': [{'type': 'HTTP_X_FED_USER'}]}]}})
    S.put(URL + '/OS-FEDERATION/identity_providers/idp1/protocols/mapped',
          headers=h, json={'protocol': {'mapping_id': 'map1'}})
    r = S.post(URL + '/OS-FEDERATION/identity_providers/idp1/protocols/'
               'mapped/auth', headers={'X-Fed-User': 'feduser'},
               raise_exc=False)
    fed = r.headers.get('X-Subject-Token', '')
    st, t, _ = validate(admin_tok, fed)
    who = (t or {}).get('user', {}).get('OS-FEDERATION', {})
    check('federated login: an unscoped federated token that validates',
          r.status_code == 201 and fed.startswith(PREFIX) and st == 200 and
          who.get('identity_provider', {}).get('id') == 'idp1' and
          who.get('protocol', {}).get('id') == 'mapped' and
          who.get('groups') == [{'id': gid}],
          (r.status_code, st, who))
    tok = token_of(v3.Token(auth_url=URL, token=fed, project_id=pid))
    st, t, _ = validate(admin_tok, tok)
    who = (t or {}).get('user', {}).get('OS-FEDERATION', {})
    check('federated token re-scoped to a project through its group',
          st == 200 and t['project']['id'] == pid and
          who.get('groups') == [{'id': gid}] and
          'member' in [x['name'] for x in t['roles']], (st, t))


def garbage(admin_tok):
    """Broken tokens of either format are 404, never a 500: cut, one
    character changed, alg none, a JWS under no key of the signer's."""
    tok = project_token()
    flip = tok[:-3] + ('A' if tok[-3] != 'A' else 'B') + tok[-2:]
    none = 'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.' + tok.split('.')[1] + '.' \
        if FORMAT == 'jws' else 'eyJhbGciOiJub25lIn0.e30.'
    got = [validate(admin_tok, t)[0] for t in
           (tok[:-10], flip, none, 'gAAAAAnot-a-token', 'eyJ.x.y')]
    check('broken tokens: 404 each', got == [404] * 5, got)


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
    check('audit: one %s record per token' % ISSUE_OP,
          audit_issued(path) - before == 5, audit_issued(path) - before)


def main_checks(audit_log, trust_id, appcred_id, held):
    admin_tok = project_token()
    with open(held, 'w') as f:     # for the signer-down checks
        f.write(admin_tok)
    unscoped = scopes(admin_tok)
    rescope(admin_tok, unscoped)
    trust(admin_tok, trust_id)
    app_cred(admin_tok, appcred_id)
    federated(admin_tok)
    garbage(admin_tok)
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
    st, _, r = validate(tok, tok)
    if FORMAT == 'jws':
        # a JWS token needs only the public keys Keystone already holds
        check('signer down: JWS validation goes on', st == 200,
              (st, r.text[:200]))
        return
    # the caller's own token fails first, in Keystone's auth middleware
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
