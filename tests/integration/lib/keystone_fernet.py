"""Keystone 22's own Fernet TokenFormatter on a key repository, the other
side of the interop tests.
  keystone_fernet.py decode REPO   tokens on stdin -> JSON claims lines
  keystone_fernet.py mint REPO     JSON claims lines on stdin -> tokens
  keystone_fernet.py remint REPO   tokens on stdin -> "same" or "differs"
Claims use Keystone's field names; "audit_ids" is a list, and so is
"federated_group_ids" (of ids, not Keystone's {"id": ...} dicts). remint
reads each token's claims, timestamp and IV, and seals what Keystone packs
for those claims with the same primary key, timestamp and IV: "same" when
that is the token, byte for byte."""
import base64
import json
import sys

import msgpack

import keystone.conf
from keystone.token import token_formatters as tf

CONF = keystone.conf.CONF

PAYLOADS = {
    'unscoped': tf.UnscopedPayload,
    'project': tf.ProjectScopedPayload,
    'domain': tf.DomainScopedPayload,
    'system': tf.SystemScopedPayload,
    'trust': tf.TrustScopedPayload,
    'federated_unscoped': tf.FederatedUnscopedPayload,
    'federated_project': tf.FederatedProjectScopedPayload,
    'federated_domain': tf.FederatedDomainScopedPayload,
    'oauth1': tf.OauthScopedPayload,
    'application_credential': tf.ApplicationCredentialScopedPayload,
}

FIELDS = ('user_id', 'methods', 'audit_ids', 'system', 'domain_id',
          'project_id', 'trust_id', 'federated_group_ids',
          'identity_provider_id', 'protocol_id', 'access_token_id',
          'app_cred_id', 'issued_at', 'expires_at')


def scope_of(c):
    """The payload Keystone's fernet provider picks, in its order."""
    if c.get('access_token_id'):
        return 'oauth1'
    if c.get('trust_id'):
        return 'trust'
    if c.get('identity_provider_id'):
        if c.get('project_id'):
            return 'federated_project'
        if c.get('domain_id'):
            return 'federated_domain'
        return 'federated_unscoped'
    if c.get('app_cred_id'):
        return 'application_credential'
    for k, s in (('project_id', 'project'), ('domain_id', 'domain'),
                 ('system', 'system')):
        if c.get(k):
            return s
    return 'unscoped'


def decode(fmt, token):
    d = dict(zip(FIELDS, fmt.validate_token(token)))
    if d['federated_group_ids'] is not None:
        d['federated_group_ids'] = [g['id'] for g in d['federated_group_ids']]
    return d


def mint(fmt, c):
    groups = c.get('federated_group_ids')
    return fmt.create_token(
        c['user_id'], c['expires_at'], c['audit_ids'],
        PAYLOADS[scope_of(c)], methods=c['methods'],
        system=c.get('system'), domain_id=c.get('domain_id'),
        project_id=c.get('project_id'), trust_id=c.get('trust_id'),
        federated_group_ids=None if groups is None else
        [{'id': g} for g in groups],
        identity_provider_id=c.get('identity_provider_id'),
        protocol_id=c.get('protocol_id'),
        access_token_id=c.get('access_token_id'),
        app_cred_id=c.get('app_cred_id'))


def remint(fmt, token):
    d = decode(fmt, token)
    raw = base64.urlsafe_b64decode(fmt.restore_padding(token))
    ts, iv = int.from_bytes(raw[1:9], 'big'), raw[9:25]
    if d['federated_group_ids'] is None:
        d.pop('federated_group_ids')
    cls = PAYLOADS[scope_of(d)]
    groups = d.get('federated_group_ids')
    payload = (cls.version,) + cls.assemble(
        d['user_id'], d['methods'], d['system'], d['project_id'],
        d['domain_id'], d['expires_at'], d['audit_ids'], d['trust_id'],
        None if groups is None else [{'id': g} for g in groups],
        d['identity_provider_id'], d['protocol_id'], d['access_token_id'],
        d['app_cred_id'])
    primary = fmt.crypto._fernets[0]
    ours = primary._encrypt_from_parts(msgpack.packb(payload), ts, iv)
    return ours.rstrip(b'=').decode() == token


def formatter(repo):
    keystone.conf.configure()
    CONF([], project='keystone', default_config_files=[])
    CONF.set_override('key_repository', repo, group='fernet_tokens')
    return tf.TokenFormatter()


def main():
    op, repo = sys.argv[1], sys.argv[2]
    fmt = formatter(repo)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        if op == 'decode':
            try:
                d = decode(fmt, line)
            except Exception as e:  # noqa: every refusal is one answer
                print(json.dumps({'error': type(e).__name__}))
                continue
            print(json.dumps(d, sort_keys=True))
        elif op == 'remint':
            try:
                print('same' if remint(fmt, line) else 'differs')
            except Exception as e:  # noqa: as for decode
                print('error %s' % type(e).__name__)
        else:
            print(mint(fmt, json.loads(line)))


if __name__ == '__main__':
    main()
