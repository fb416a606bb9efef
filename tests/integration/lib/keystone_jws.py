"""Keystone 22's own JWSFormatter (PyJWT, ES256), the other side of the
JWS interop tests.
  keystone_jws.py mint PRIVATE_DIR PUBLIC_DIR   claims lines -> tokens
  keystone_jws.py validate PUBLIC_DIR           tokens -> claims lines
Claims lines use Keystone's create_token argument names; "expires_at" is
an ISO 8601 time. A refusal is {"error": the exception's class name}."""
import json
import sys

import keystone.conf
from keystone.token.providers.jws import core

CONF = keystone.conf.CONF
ARGS = ('system', 'domain_id', 'project_id', 'trust_id',
        'federated_group_ids', 'identity_provider_id', 'protocol_id',
        'access_token_id', 'app_cred_id')


def main():
    op = sys.argv[1]
    keystone.conf.configure()
    CONF([], project='keystone', default_config_files=[])
    if op == 'mint':
        CONF.set_override('jws_private_key_repository', sys.argv[2],
                          group='jwt_tokens')
    CONF.set_override('jws_public_key_repository', sys.argv[-1],
                      group='jwt_tokens')
    fmt = core.JWSFormatter()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        if op == 'mint':
            c = json.loads(line)
            tok, _ = fmt.create_token(
                c['user_id'], c['expires_at'], c['audit_ids'],
                c['methods'], **{k: c[k] for k in ARGS if k in c})
            print(tok)
            continue
        try:
            (user_id, methods, audit_ids, system, domain_id, project_id,
             trust_id, _g, _i, _p, _a, _c, issued_at,
             expires_at) = fmt.validate_token(line)
        except Exception as e:  # noqa: every refusal is one answer
            print(json.dumps({'error': type(e).__name__}))
            continue
        print(json.dumps({
            'user_id': user_id, 'methods': methods, 'audit_ids': audit_ids,
            'system': system, 'domain_id': domain_id,
            'project_id': project_id, 'trust_id': trust_id,
            'issued_at': issued_at, 'expires_at': expires_at},
            sort_keys=True))
        sys.stdout.flush()


if __name__ == '__main__':
    main()
