"""Keystone 22's own Fernet TokenFormatter on a key repository, the other
side of the interop tests.
  keystone_fernet.py decode REPO   tokens on stdin -> JSON claims lines
  keystone_fernet.py mint REPO     JSON claims lines on stdin -> tokens
Claims use Keystone's field names; "audit_ids" is a list."""
import json
import sys

import keystone.conf
from keystone.token import token_formatters as tf

CONF = keystone.conf.CONF

PAYLOADS = {
    'unscoped': tf.UnscopedPayload,
    'project': tf.ProjectScopedPayload,
    'domain': tf.DomainScopedPayload,
    'system': tf.SystemScopedPayload,
    'trust': tf.TrustScopedPayload,
}


def scope_of(c):
    for k, s in (('trust_id', 'trust'), ('project_id', 'project'),
                 ('domain_id', 'domain'), ('system', 'system')):
        if c.get(k):
            return s
    return 'unscoped'


def main():
    op, repo = sys.argv[1], sys.argv[2]
    keystone.conf.configure()
    CONF([], project='keystone', default_config_files=[])
    CONF.set_override('key_repository', repo, group='fernet_tokens')
    fmt = tf.TokenFormatter()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        if op == 'decode':
            try:
                (user_id, methods, audit_ids, system, domain_id, project_id,
                 trust_id, _g, _i, _p, _a, _c, issued_at,
                 expires_at) = fmt.validate_token(line)
            except Exception as e:  # noqa: every refusal is one answer
                print(json.dumps({'error': type(e).__name__}))
                continue
            print(json.dumps({
                'user_id': user_id, 'methods': methods,
                'audit_ids': audit_ids, 'system': system,
                'domain_id': domain_id, 'project_id': project_id,
                'trust_id': trust_id, 'issued_at': issued_at,
                'expires_at': expires_at}, sort_keys=True))
        else:
            c = json.loads(line)
            print(fmt.create_token(
                c['user_id'], c['expires_at'], c['audit_ids'],
                PAYLOADS[scope_of(c)], methods=c['methods'],
                system=c.get('system'), domain_id=c.get('domain_id'),
                project_id=c.get('project_id'),
                trust_id=c.get('trust_id')))


if __name__ == '__main__':
    main()
