"""Keystone 22's ten Fernet payloads against the signer, on one key
repository (signer-payloads.sh):
  payloads.py SOCKET REPO open     Keystone mints v0-v9; the signer opens
                                   each to Keystone's claims
  payloads.py SOCKET REPO issue    the signer issues v0-v9; Keystone decodes
                                   each to the claims sent, and packs and
                                   seals them (same key, timestamp, IV) to
                                   the very same token
  payloads.py SOCKET REPO refuse   claims the policy refuses, and why
  payloads.py SOCKET REPO denied   the new kinds while allowed_scopes does
                                   not name them
Claims are written with Keystone's names. Prints one line per case; exits
1 if any case failed."""
import sys
import time

import msgpack

import keystone_fernet as kf
import sigproto as sp

FAILS = []
EXP = int(time.time()) + 1800
EXP_ISO = time.strftime('%Y-%m-%dT%H:%M:%S.000000Z', time.gmtime(EXP))
U = '0c2b7eea0e925cc9974fab5df940c6bd'
P = 'c27fba85674c5d43978d839a7eae2553'
D = '2c3a2c2ae4bf5bc3afa32fe7a740f9e4'
G = 'e1d3a5b7c9f0e2d4c6b8a0f1e3d5c7b9'
X = '7fa6333299a559cc925ff589a824711d'
A1, A2 = 'DMz0_i0HjcyWYPLiLhVsqA', '8cTDsvhXK3S1M2YwNp8kXQ'
SCOPES = {'unscoped': 0, 'project': 1, 'domain': 2, 'system': 3, 'trust': 4}
# Keystone's names -> signer.proto's
NAMES = {'federated_group_ids': 'group_ids', 'identity_provider_id': 'idp_id',
         'protocol_id': 'protocol_id', 'access_token_id': 'access_token_id',
         'app_cred_id': 'app_cred_id', 'project_id': 'project_id',
         'domain_id': 'domain_id', 'trust_id': 'trust_id',
         'system': 'system'}


def cl(methods, **kw):
    c = {'user_id': U, 'methods': methods, 'expires_at': EXP_ISO,
         'audit_ids': [A1]}
    c.update(kw)
    return c


# (name, payload version, claims): every version, UUID and other ids
CASES = [
    ('v0 unscoped', 0, cl(['password'])),
    ('v1 domain', 1, cl(['password'], domain_id=D)),
    ('v2 project, chain', 2, cl(['password'], project_id=P,
                                audit_ids=[A1, A2])),
    ('v3 trust', 3, cl(['token'], project_id=P, trust_id=X,
                       audit_ids=[A1, A2])),
    ('v4 federated unscoped, 2 groups', 4,
     cl(['mapped'], federated_group_ids=[G, 'ldap-admins'],
        identity_provider_id='acme-idp', protocol_id='saml2')),
    ('v4 federated unscoped, no group', 4,
     cl(['mapped'], federated_group_ids=[], identity_provider_id=X,
        protocol_id='openid')),
    # a re-scope: Keystone gives a federated child a chain of its own
    ('v5 federated project', 5,
     cl(['mapped', 'token'], project_id=P, federated_group_ids=[G],
        identity_provider_id='acme-idp', protocol_id='mapped')),
    ('v5 federated project, 32 long groups', 5,
     cl(['mapped'], project_id='legacy-project',
        federated_group_ids=['%064x' % i for i in range(32)],
        identity_provider_id='acme-idp', protocol_id='saml2')),
    ('v6 federated domain, uuid', 6,
     cl(['mapped'], domain_id=D, federated_group_ids=[G],
        identity_provider_id='acme-idp', protocol_id='saml2')),
    ('v6 federated domain, any domain id', 6,
     cl(['mapped'], domain_id='ldap-domain', federated_group_ids=[],
        identity_provider_id='acme-idp', protocol_id='openid')),
    ('v7 oauth1', 7, cl(['oauth1'], project_id=P, access_token_id=X)),
    ('v7 oauth1, non-uuid ids', 7,
     cl(['oauth1'], project_id='legacy-project',
        access_token_id='consumer-token-1')),
    ('v8 system', 8, cl(['password'], system='all')),
    ('v9 application credential', 9,
     cl(['application_credential'], project_id=P, app_cred_id=X)),
    ('v9 application credential, non-uuid', 9,
     cl(['application_credential'], project_id='legacy-project',
        app_cred_id='my-app-cred')),
]


def report(good, what, detail=''):
    print('%s %s%s' % ('ok' if good else 'FAIL', what,
                       ': ' + detail if detail and not good else ''))
    if not good:
        FAILS.append(what)


def scope_of(c):
    if c.get('trust_id'):
        return 'trust'
    for k, s in (('project_id', 'project'), ('domain_id', 'domain'),
                 ('system', 'system')):
        if c.get(k):
            return s
    return 'unscoped'


def parent_of(conn, c):
    """A re-scope ("token" method) names its parent: an unscoped token of
    the same user (federated for a federated one) holding the chain."""
    if 'token' not in c['methods']:
        return ''
    p = cl([m for m in c['methods'] if m != 'token'] or ['password'],
           audit_ids=c['audit_ids'][-1:])
    for k in ('federated_group_ids', 'identity_provider_id', 'protocol_id'):
        if k in c:
            p[k] = c[k]
    st, f = conn.call(issue(p))
    return token_of(f) if st == 0 else ''


def issue(c, parent=''):
    """The IssueFernet request for Keystone-named claims c."""
    kw = {NAMES[k]: v for k, v in c.items() if k in NAMES}
    return sp.issue_fernet(
        c['user_id'], c['methods'], EXP, c['audit_ids'],
        project=kw.get('project_id', ''), domain=kw.get('domain_id', ''),
        system=kw.get('system', ''), trust=kw.get('trust_id', ''),
        group_ids=kw.get('group_ids', ()), idp=kw.get('idp_id', ''),
        protocol=kw.get('protocol_id', ''),
        access_token=kw.get('access_token_id', ''),
        app_cred=kw.get('app_cred_id', ''), scope=SCOPES[scope_of(c)],
        parent=parent)


def token_of(f):
    return sp.parse(f[4])[1].decode()


def want_proto(c):
    """What OpenFernet should answer for Keystone-named claims c."""
    w = {'scope': SCOPES[scope_of(c)], 'user_id': c['user_id'],
         'methods': sorted(c['methods']), 'audit_ids': c['audit_ids'],
         'expires_at': EXP}
    for k, n in NAMES.items():
        w[n] = c.get(k) or ([] if n == 'group_ids' else '')
    return w


def do_open(conn, fmt):
    for name, v, c in CASES:
        tok = kf.mint(fmt, c)
        st, f = conn.call(sp.open_fernet(tok))
        if st != 0:
            report(False, 'open ' + name, 'status %d %s' % (st, f.get(3)))
            continue
        got = sp.opened_claims(f)
        got['methods'] = sorted(got['methods'])
        w = want_proto(c)
        bad = {k: (got[k], w[k]) for k in w if got[k] != w[k]}
        report(not bad, 'signer opens Keystone\'s ' + name, repr(bad))


def do_issue(conn, fmt):
    for name, v, c in CASES:
        st, f = conn.call(issue(c, parent_of(conn, c)))
        if st != 0:
            report(False, 'issue ' + name, 'status %d %s' % (st, f.get(3)))
            continue
        tok = token_of(f)
        d = kf.decode(fmt, tok)
        bad = {}
        for k in ('user_id', 'methods', 'audit_ids', 'expires_at'):
            if d[k] != c[k]:
                bad[k] = (d[k], c[k])
        for k in NAMES:
            if d[k] != c.get(k):
                bad[k] = (d[k], c.get(k))
        report(not bad, 'Keystone decodes the signer\'s ' + name, repr(bad))
        pl = msgpack.unpackb(fmt.unpack(tok))
        report(pl[0] == v, 'payload version %d: %s' % (v, name),
               repr(pl[0]))
        report(kf.remint(fmt, tok), 'byte-identical to Keystone: ' + name)


def bad(c, **kw):
    """A copy of c with kw set (None: removed)."""
    c = dict(c)
    for k, v in kw.items():
        if v is None:
            c.pop(k, None)
        else:
            c[k] = v
    return c


FED = cl(['mapped'], project_id=P, federated_group_ids=[G],
         identity_provider_id='acme-idp', protocol_id='saml2')
OAUTH = cl(['oauth1'], project_id=P, access_token_id=X)
APP = cl(['application_credential'], project_id=P, app_cred_id=X)

REFUSE = [
    # (what, claims, status, words in the reason)
    ('federated without a protocol', bad(FED, protocol_id=None), 1,
     'protocol_id'),
    ('a protocol without an identity provider',
     bad(FED, identity_provider_id=None, federated_group_ids=None), 1,
     'idp_id'),
    ('groups without an identity provider',
     bad(FED, identity_provider_id=None, protocol_id=None), 1, 'idp_id'),
    ('federated, system-scoped', bad(FED, project_id=None, system='all'),
     1, 'scope (federated'),
    ('federated, trust-scoped', bad(FED, trust_id=X), 1, 'scope (federated'),
    ('protocol with a blank', bad(FED, protocol_id='saml 2'), 1,
     'protocol_id'),
    ('protocol with a slash', bad(FED, protocol_id='a/b'), 1, 'protocol_id'),
    ('protocol of 65 bytes', bad(FED, protocol_id='p' * 65), 1,
     'protocol_id'),
    ('33 groups', bad(FED, federated_group_ids=['%032x' % i
                                                for i in range(33)]), 1,
     'group_ids (too many)'),
    ('a group twice', bad(FED, federated_group_ids=[G, 'g', G]), 1,
     'group_ids (repeated)'),
    ('an empty group id', bad(FED, federated_group_ids=['']), 1,
     'group_ids'),
    ('a group id with a blank', bad(FED, federated_group_ids=['a b']), 1,
     'group_ids'),
    ('a group id with a control byte',
     bad(FED, federated_group_ids=['a\x01b']), 1, 'group_ids'),
    ('a group id of 256 bytes', bad(FED, federated_group_ids=['g' * 256]),
     1, 'group_ids'),
    ('an identity provider of 256 bytes',
     bad(FED, identity_provider_id='i' * 256), 1, 'idp_id'),
    ('an access token without a project', bad(OAUTH, project_id=None), 1,
     'access_token_id (needs a project scope)'),
    ('an access token, domain-scoped',
     bad(OAUTH, project_id=None, domain_id=D), 1,
     'access_token_id (needs a project scope)'),
    ('an access token and a trust', bad(OAUTH, trust_id=X), 1,
     'access_token_id (needs a project scope)'),
    ('an access token id with a blank', bad(OAUTH, access_token_id='a b'),
     1, 'access_token_id'),
    ('an application credential, domain-scoped',
     bad(APP, project_id=None, domain_id=D), 1,
     'app_cred_id (needs a project scope)'),
    ('an application credential, unscoped', bad(APP, project_id=None), 1,
     'app_cred_id (needs a project scope)'),
    ('an application credential id of 256 bytes',
     bad(APP, app_cred_id='a' * 256), 1, 'app_cred_id'),
    ('an application credential and an access token',
     bad(APP, access_token_id=X), 1, 'at most one'),
    ('federated and an application credential', bad(FED, app_cred_id=X), 1,
     'at most one'),
    ('32 groups of 255 bytes (no token holds them)',
     bad(FED, federated_group_ids=['%0255d' % i for i in range(32)]), 1,
     ''),
]


def do_refuse(conn, fmt):
    for what, c, want, words in REFUSE:
        st, f = conn.call(issue(c))
        err = f.get(3, b'').decode('utf-8', 'replace')
        report(st == want and words in err, 'refused: ' + what,
               'status %d %s' % (st, err))
    # a federated re-scope keeps its parent's federation and no chain
    child = cl(['mapped', 'token'], project_id=P, federated_group_ids=[G],
               identity_provider_id='acme-idp', protocol_id='mapped')
    parent = parent_of(conn, child)
    for what, c, words in (
            ('with the parent\'s chain', dict(child, audit_ids=[A2, A1]),
             'its own only'),
            ('with other groups', dict(child, federated_group_ids=['g2']),
             'federation unlike'),
            ('unfederated', cl(['password', 'token'], project_id=P,
                               audit_ids=[A2, A1]), 'federation unlike')):
        st, f = conn.call(issue(c, parent))
        err = f.get(3, b'').decode('utf-8', 'replace')
        report(st == 2 and words in err,
               'refused: a federated re-scope ' + what,
               'status %d %s' % (st, err))
    # a NUL inside a group id would cut it short: the wire check refuses
    c = dict(FED)
    c['federated_group_ids'] = ['g1\x00admins']
    st, f = conn.call(issue(c))
    err = f.get(3, b'').decode('utf-8', 'replace')
    report(st == 1 and 'NUL' in err, 'refused: a group id with a NUL',
           'status %d %s' % (st, err))


def do_denied(conn, fmt):
    for what, c, kind in (('federated', FED, 'federated'),
                          ('oauth1', OAUTH, 'oauth1'),
                          ('application credential', APP,
                           'application_credential')):
        st, f = conn.call(issue(c))
        err = f.get(3, b'').decode('utf-8', 'replace')
        report(st == 2 and err == 'kind %s not allowed' % kind,
               'not allowed by default: ' + what, 'status %d %s' % (st, err))


def main():
    path, repo, op = sys.argv[1], sys.argv[2], sys.argv[3]
    fmt = kf.formatter(repo)
    conn = sp.Conn(path)
    {'open': do_open, 'issue': do_issue, 'refuse': do_refuse,
     'denied': do_denied}[op](conn, fmt)
    conn.close()
    sys.exit(1 if FAILS else 0)


main()
