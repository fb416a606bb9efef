"""MFA receipts and TOTP credentials against a real Keystone, for
keystone-receipts.sh. One Python start per phase (a start costs a
second); state between phases in WORK/mfa.json. Prints "ok: ..." or
"FAIL: ..." per check; exits 1 if any failed.
  keystone_mfa.py URL WORK files     Keystone on its file keys: a user
      with MFA rules [["password", "totp"]], a TOTP credential, a receipt
  keystone_mfa.py URL WORK signet    Keystone on signet: the file-made
      receipt and credential work; new ones are the signer's
  keystone_mfa.py URL WORK down      the signer stopped: 503s
  keystone_mfa.py URL WORK rotated   after receipt and credential key
      rotations (and SIGHUP): old receipts and blobs still work
  keystone_mfa.py URL WORK migrated  after signet-keystone-credential-
      migrate: every credential under the primary, all still readable
  keystone_mfa.py URL WORK read RECEIPT_REPO CREDENTIAL_REPO
      Keystone's own file providers on the kept repositories read what
      the signer made (the step back), byte for byte
URL is Keystone's /v3."""
import base64
import hashlib
import hmac
import importlib
import json
import os
import sqlite3
import struct
import sys
import time

URL, WORK, PHASE = sys.argv[1:4]
STATE = os.path.join(WORK, 'mfa.json')
FAILS = []
RECEIPT = 'Openstack-Auth-Receipt'


def check(desc, cond, detail=''):
    if cond:
        print('ok: %s' % desc)
    else:
        print('FAIL: %s %s' % (desc, detail))
        FAILS.append(desc)


def load():
    with open(STATE) as f:
        return json.load(f)


def save(st):
    with open(STATE, 'w') as f:
        json.dump(st, f)


def passcode(secret, at=None):
    """RFC 6238 as Keystone's totp plugin checks it: SHA-1, 6 digits,
    30 s steps, the base32 secret padded."""
    key = base64.b32decode(secret + '=' * (-len(secret) % 8))
    step = int((time.time() if at is None else at) // 30)
    mac = hmac.new(key, struct.pack('>Q', step), hashlib.sha1).digest()
    off = mac[-1] & 0x0f
    code = (struct.unpack('>I', mac[off:off + 4])[0] & 0x7fffffff) % 10**6
    return '%06d' % code


def db():
    return sqlite3.connect(os.path.join(WORK, 'keystone.db'))


class Keystone(object):
    def __init__(self):
        from keystoneauth1 import session
        self.s = session.Session()
        self.admin = None

    def post(self, path, body, headers=None, token=None):
        h = dict(headers or {})
        if token:
            h['X-Auth-Token'] = token
        return self.s.post(URL + path, json=body, headers=h,
                           raise_exc=False)

    def req(self, method, path, token, body=None):
        return self.s.request(URL + path, method, json=body,
                              headers={'X-Auth-Token': token},
                              raise_exc=False)

    def admin_token(self):
        if self.admin is None:
            r = self.password('admin', 'secret-admin', project=True)
            self.admin = r.headers.get('X-Subject-Token')
        return self.admin

    def password(self, name, pw, project=False):
        body = {'auth': {'identity': {'methods': ['password'], 'password': {
            'user': {'name': name, 'domain': {'id': 'default'},
                     'password': pw}}}}}
        if project:
            body['auth']['scope'] = {'project': {
                'name': 'admin', 'domain': {'id': 'default'}}}
        return self.post('/auth/tokens', body)

    def totp(self, user_id, secret, receipt):
        """The second factor on a receipt: a project token, or why not."""
        body = {'auth': {'identity': {'methods': ['totp'], 'totp': {
            'user': {'id': user_id, 'passcode': passcode(secret)}}},
            'scope': {'project': {'name': 'admin',
                                  'domain': {'id': 'default'}}}}}
        return self.post('/auth/tokens', body, headers={RECEIPT: receipt})

    def credential(self, user_id, secret):
        r = self.req('POST', '/credentials', self.admin_token(), {
            'credential': {'type': 'totp', 'user_id': user_id,
                           'blob': secret}})
        return r.json()['credential']['id'] if r.status_code == 201 else r


def secret():
    return base64.b32encode(os.urandom(20)).decode().rstrip('=')


def receipt_of(ks, what):
    """Password alone for the MFA user: 401 with a receipt."""
    r = ks.password('mfa', 'secret-mfa')
    rid = r.headers.get(RECEIPT)
    body = r.json() if r.headers.get('Content-Type', '').startswith(
        'application/json') else {}
    rules = [sorted(m) for m in body.get('required_auth_methods', [])]
    check('%s: password alone is 401 with %s' % (what, RECEIPT),
          r.status_code == 401 and rid and
          rules == [['password', 'totp']] and
          body.get('receipt', {}).get('methods') == ['password'],
          (r.status_code, r.text[:300]))
    return rid


def completes(ks, st, rid, what):
    r = ks.totp(st['user_id'], st['secret'], rid)
    ok = r.status_code == 201 and r.headers.get('X-Subject-Token')
    if ok:
        v = ks.s.get(URL + '/auth/tokens', raise_exc=False, headers={
            'X-Auth-Token': ks.admin_token(),
            'X-Subject-Token': r.headers['X-Subject-Token']})
        ok = v.status_code == 200 and sorted(
            v.json()['token']['methods']) == ['password', 'totp']
    check('%s: the receipt and a TOTP passcode make a token' % what, ok,
          (r.status_code, r.text[:300]))


def blob_is(ks, cred_id, want, what):
    r = ks.req('GET', '/credentials/%s' % cred_id, ks.admin_token())
    check('%s: GET /v3/credentials gives the blob' % what,
          r.status_code == 200 and r.json()['credential']['blob'] == want,
          (r.status_code, r.text[:200]))


def rows():
    with db() as c:
        return {i: (b, h) for i, b, h in c.execute(
            'select id, encrypted_blob, key_hash from credential')}


def files():
    ks = Keystone()
    admin = ks.admin_token()
    r = ks.req('POST', '/users', admin, {'user': {
        'name': 'mfa', 'password': 'secret-mfa', 'domain_id': 'default'}})
    user_id = r.json()['user']['id']
    role = ks.req('GET', '/roles?name=member', admin).json()['roles'][0]
    proj = ks.req('GET', '/projects?name=admin', admin).json()['projects'][0]
    ks.req('PUT', '/projects/%s/users/%s/roles/%s' % (proj['id'], user_id,
                                                     role['id']), admin)
    st = {'user_id': user_id, 'secret': secret()}
    st['cred1'] = ks.credential(user_id, st['secret'])
    check('files: a TOTP credential created', isinstance(st['cred1'], str),
          st['cred1'])
    r = ks.req('PATCH', '/users/%s' % user_id, admin, {'user': {'options': {
        'multi_factor_auth_enabled': True,
        'multi_factor_auth_rules': [['password', 'totp']]}}})
    check('files: MFA rules set', r.status_code == 200, r.text[:200])
    st['r1'] = receipt_of(ks, 'files')
    completes(ks, st, st['r1'], 'files')
    save(st)


def signet():
    ks = Keystone()
    st = load()
    # what Keystone's file providers made, now through the signer
    completes(ks, st, st['r1'], 'a receipt Keystone made (imported keys)')
    blob_is(ks, st['cred1'], st['secret'], 'a blob Keystone encrypted '
            '(imported keys)')
    st['r2'] = receipt_of(ks, 'signet')
    completes(ks, st, st['r2'], 'signet')
    bad = st['r2'][:40] + ('A' if st['r2'][40] != 'A' else 'B') + \
        st['r2'][41:]
    r = ks.totp(st['user_id'], st['secret'], bad)
    check('a tampered receipt is 401', r.status_code == 401,
          (r.status_code, r.text[:200]))
    r = ks.totp(st['user_id'], st['secret'], 'not-a-receipt')
    check('garbage as a receipt is 401', r.status_code == 401,
          (r.status_code, r.text[:200]))
    st['secret2'] = secret()
    st['cred2'] = ks.credential(st['user_id'], st['secret2'])
    check('a TOTP credential encrypted by the signer',
          isinstance(st['cred2'], str), st['cred2'])
    blob_is(ks, st['cred2'], st['secret2'], 'signet')
    table = rows()
    blob2, hash2 = table[st['cred2']]
    plain = [i for i, (b, _) in table.items()
             if st['secret'] in b or st['secret2'] in b]
    check('the credential table holds no plaintext, a padded Fernet blob',
          not plain and blob2.startswith('gAAAAA') and len(blob2) % 4 == 0,
          (plain, blob2[:20]))
    check('key_hash: the signer\'s 64-hex name of the primary key',
          len(hash2) == 64 and all(c in '0123456789abcdef' for c in hash2)
          and hash2 != table[st['cred1']][1], (hash2, table[st['cred1']]))
    st['hash2'] = hash2
    st['blob2'] = blob2
    save(st)


def down():
    ks = Keystone()
    st = load()
    r = ks.password('mfa', 'secret-mfa')
    check('signer down: a receipt\'s issuance is 503 with Retry-After',
          r.status_code == 503 and r.headers.get('Retry-After') == '7',
          (r.status_code, r.text[:200]))
    r = ks.totp(st['user_id'], st['secret'], st['r2'])
    check('signer down: receipt and TOTP are 503, never 500',
          r.status_code == 503, (r.status_code, r.text[:200]))


def rotated():
    ks = Keystone()
    st = load()
    completes(ks, st, st['r2'], 'after the receipt keys\' rotation, an '
              'older receipt')
    blob_is(ks, st['cred2'], st['secret2'], 'after the credential keys\' '
            'rotation, an older blob')
    r3 = receipt_of(ks, 'rotated')
    completes(ks, st, r3, 'rotated, a new receipt')
    st['secret3'] = secret()
    st['cred3'] = ks.credential(st['user_id'], st['secret3'])
    h3 = rows().get(st['cred3'], (None, None))[1]
    check('a new credential is under the new primary', h3 is not None and
          h3 != st['hash2'], (h3, st['hash2']))
    st['hash3'] = h3
    save(st)


def migrated():
    ks = Keystone()
    st = load()
    table = rows()
    check('migrated: every credential under the primary key',
          {h for _, h in table.values()} == {st['hash3']}, table)
    for c, s in (('cred1', 'secret'), ('cred2', 'secret2'),
                 ('cred3', 'secret3')):
        blob_is(ks, st[c], st[s], 'migrated %s' % c)
    completes(ks, st, receipt_of(ks, 'migrated'), 'migrated')


def read(receipt_repo, cred_repo):
    """The step back: Keystone's own providers on the kept repositories
    read the signer's receipt and blob; the receipt's payload is the one
    Keystone packs for what it holds."""
    import keystone.conf
    import msgpack
    CONF = keystone.conf.CONF
    keystone.conf.configure()
    CONF([], project='keystone', default_config_files=[])
    CONF.set_override('methods', 'external,password,token,oauth1,mapped,'
                      'application_credential,totp'.split(','), 'auth')
    CONF.set_override('key_repository', receipt_repo, 'fernet_receipts')
    CONF.set_override('key_repository', cred_repo, 'credential')
    # not "from ...fernet import core": the package's star import
    # shadows its core module with keystone.credential.providers.core
    cred_fernet = importlib.import_module(
        'keystone.credential.providers.fernet.core')
    from keystone.receipt import receipt_formatters as rf
    st = load()
    f = rf.ReceiptFormatter()
    user_id, methods, issued, expires = f.validate_receipt(st['r2'])
    check('Keystone\'s receipt formatter reads the signer\'s receipt',
          user_id == st['user_id'] and methods == ['password'], (
              user_id, methods))
    payload = f.unpack(st['r2'])
    want = msgpack.packb(rf.ReceiptPayload.assemble(user_id, methods,
                                                    expires))
    check('its payload is the bytes Keystone packs', payload == want,
          (payload.hex(), want.hex()))
    crypto, _ = cred_fernet.get_multi_fernet_keys()
    check('Keystone\'s credential provider decrypts the signer\'s blob',
          crypto.decrypt(st['blob2'].encode()).decode() == st['secret2'])
    r2 = st['r2']
    bad = r2[:30] + ('x' if r2[30] != 'x' else 'y') + r2[31:]
    try:
        f.unpack(bad)
        check('a tampered receipt is refused by Keystone too', False)
    except Exception:
        check('a tampered receipt is refused by Keystone too', True)


def main():
    phases = {'files': files, 'signet': signet, 'down': down,
              'rotated': rotated, 'migrated': migrated}
    if PHASE == 'read':
        read(*sys.argv[4:6])
    else:
        phases[PHASE]()
    sys.exit(1 if FAILS else 0)


if __name__ == '__main__':
    main()
