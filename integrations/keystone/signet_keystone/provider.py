"""`[token] provider = signet`: Keystone's Fernet or JWS tokens, made by
signet-signerd, so the token keys never leave the HSM.

generate_id_and_issued_at sends the token model's claims to IssueFernet
(`[signet] format = fernet`) or IssueJws (`jws`); validate_token opens a
Fernet token with OpenFernet, or verifies a JWS token here with the
signer's public keys (jws.py), and returns Keystone's 14-tuple. Either
format validates whichever is configured, so switching formats fails no
token in flight. The signer packs Keystone's own payloads, so tokens
minted before the switch (from an imported key repository) and after it
are the same thing.
"""
import flask
from keystone.common import provider_api  # noqa: loads keystone's registry
import keystone.conf
from keystone import exception
from keystone.token.providers import base
from oslo_log import log

from signet_keystone import client
from signet_keystone import jws
from signet_keystone import options
from signet_keystone import signer

CONF = keystone.conf.CONF
LOG = log.getLogger(__name__)

# As Keystone's own Fernet provider says it (never the token itself).
_NOT_FOUND = 'Could not recognize Fernet token'
isotime = signer.isotime


def parent_token():
    """The token a `token`-method request re-scopes: the signer checks the
    new token against it (same user, its audit chain, no longer life).
    Keystone's token plugin reads the same request body."""
    if not flask.has_request_context():
        return None
    body = flask.request.get_json(silent=True, force=True) or {}
    try:
        return body['auth']['identity']['token']['id']
    except (KeyError, TypeError):
        return None


class Provider(base.Provider):
    def __init__(self, *args, **kwargs):
        super(Provider, self).__init__(*args, **kwargs)
        options.register(CONF)
        conf = CONF.signet
        self.issue_op = 'issue_jws' if conf.format == 'jws' else \
            'issue_fernet'
        self.signer = signer.shared()
        self.client = self.signer.client
        self.retry_after = self.signer.retry_after
        self.jws_keys = jws.KeyRing(self._call, conf.jws_key_refresh)
        self._health()

    def _health(self):
        """A signer that is down now may be up by the first request, so
        Keystone starts anyway; the log says which sockets were tried."""
        ready, h = self.signer.health()
        if ready:
            LOG.info('signet: signer at %s ready, %d Fernet keys',
                     self.signer.endpoints, h.get('fernet_keys', 0))
        else:
            LOG.error('signet: no ready signer at %s (%s): tokens can '
                      'be neither issued nor validated (503) until one '
                      'answers', self.signer.endpoints,
                      h.get('reason') or h.get('error'))

    def _call(self, op, args):
        return self.signer.call(op, args)

    def generate_id_and_issued_at(self, token):
        claims = {
            'user_id': token.user_id, 'methods': list(token.methods),
            'audit_ids': list(token.audit_ids),
            'expires_at': token.expires_at,
            'project_id': token.project_id or '',
            'domain_id': token.domain_id or '',
            'system': token.system or '',
            'trust_id': token.trust_id or '',
            # the signer picks Keystone's payload from which are set,
            # in its Fernet provider's order
            'access_token_id': token.access_token_id or '',
            'app_cred_id': token.application_credential_id or '',
        }
        if token.is_federated:
            claims['idp_id'] = token.identity_provider_id or ''
            claims['protocol_id'] = token.protocol_id or ''
            claims['group_ids'] = [g['id'] for g in
                                   token.federated_groups or []]
        if 'token' in token.methods:
            claims['parent_token'] = parent_token() or ''
        rc, out = self._call(self.issue_op, claims)
        if rc == client.OK:
            return out['token'], isotime(out['issued_at'])
        LOG.warning('signet: the signer refused a token for user %s: %s',
                    token.user_id, out.get('error'))
        if rc == client.NOT_FOUND:
            raise exception.TokenNotFound(_NOT_FOUND)
        if rc == client.DENIED:
            raise exception.Forbidden(
                'The token signer refused: %s' % out.get('error'))
        raise exception.ValidationError(
            'The token signer refused: %s' % out.get('error'))

    def validate_token(self, token_id):
        if token_id.startswith('eyJ'):     # a JSON header: a JWS token
            return jws.validate(self.jws_keys, token_id)
        # Expired tokens come back too: Keystone judges expiry (and
        # allow_expired) itself; the signer keeps its own outer window.
        rc, c = self._call('open_fernet',
                           {'token': token_id, 'allow_expired': True})
        if rc != client.OK:
            raise exception.TokenNotFound(_NOT_FOUND)
        groups = c.get('group_ids')
        return (c['user_id'], c['methods'], c['audit_ids'], c['system'],
                c['domain_id'], c['project_id'], c['trust_id'],
                None if groups is None else [{'id': g} for g in groups],
                c.get('idp_id'), c.get('protocol_id'),
                c.get('access_token_id'), c.get('app_cred_id'),
                isotime(c['issued_at']), isotime(c['expires_at']))
