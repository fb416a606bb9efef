"""`[receipt] provider = signet`: Keystone's MFA receipts, sealed and
opened by signet-signerd with the receipt keys in the HSM
(signet-provision fernet-setup --keys receipt, or fernet-import --keys
receipt of Keystone's [fernet_receipts] key_repository), so Keystone
holds no receipt key.

The signer packs Keystone's own receipt payload in Keystone's envelope:
receipts Keystone made with the imported keys validate here, and the
signer's validate under Keystone's fernet receipt provider on the same
keys. A signer that cannot answer, or that holds no receipt keys, is a
503 with Retry-After (the log says which), never a 500.
"""
from keystone.common import provider_api  # noqa: loads keystone's registry
from keystone import exception
from keystone.receipt.providers import base
from oslo_log import log

from signet_keystone import client
from signet_keystone import errors
from signet_keystone import signer

LOG = log.getLogger(__name__)


class Provider(base.Provider):
    def __init__(self, *args, **kwargs):
        super(Provider, self).__init__(*args, **kwargs)
        self.signer = signer.shared()
        errors.receipt_hooks()
        ready, h = self.signer.health()
        if ready and h.get('receipt_keys', 0) > 0:
            LOG.info('signet: signer at %s ready, %d receipt keys',
                     self.signer.endpoints, h['receipt_keys'])
        elif ready:
            LOG.error('signet: the signer at %s holds no receipt keys: '
                      'MFA receipts are refused (503) until '
                      'signet-provision fernet-setup --keys receipt (or '
                      'fernet-import --keys receipt) and a SIGHUP of the '
                      'signer', self.signer.endpoints)
        else:
            LOG.error('signet: no ready signer at %s (%s): receipts are '
                      'refused (503) until one answers',
                      self.signer.endpoints,
                      h.get('reason') or h.get('error'))

    def generate_id_and_issued_at(self, receipt):
        rc, out = self.signer.call('issue_receipt', {
            'user_id': receipt.user_id,
            'methods': list(receipt.methods),
            'expires_at': receipt.expires_at})
        if rc == client.OK:
            return out['receipt'], signer.isotime(out['issued_at'])
        LOG.warning('signet: the signer refused a receipt for user %s: %s',
                    receipt.user_id, out.get('error'))
        if rc == client.DENIED:
            raise exception.Forbidden(
                'The token signer refused: %s' % out.get('error'))
        raise exception.ValidationError(
            'The token signer refused: %s' % out.get('error'))

    def validate_receipt(self, receipt_id):
        rc, r = self.signer.call('open_receipt', {'receipt': receipt_id})
        if rc != client.OK:
            raise exception.ReceiptNotFound(receipt_id=receipt_id)
        return (r['user_id'], r['methods'], signer.isotime(r['issued_at']),
                signer.isotime(r['expires_at']))
