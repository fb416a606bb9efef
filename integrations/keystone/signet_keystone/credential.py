"""`[credential] provider = signet`: Keystone's credential blobs (EC2 and
TOTP secrets, certificates) encrypted and decrypted by signet-signerd with
the credential keys in the HSM (signet-provision fernet-setup --keys
credential, or fernet-import --keys credential of Keystone's
[credential] key_repository), so Keystone holds no credential key.

Blobs are Keystone's (a Fernet token, '=' padding kept): those Keystone
encrypted with the imported keys decrypt here, and the signer's decrypt
under Keystone's fernet provider on the same keys. key_hash cannot be
Keystone's sha1 of the primary key's text, which never leaves the HSM:
it is the signer's name for the primary key (64 hex digits, an HMAC
under the key's signing half of a fixed text), the same for every
credential encrypted under that key, so signet-keystone-credential-migrate
can tell which credentials a rotation left under an older key. There is
no null key: without credential keys in the signer, encrypt and decrypt
are refused (503) instead of using Keystone's all-zero key.

Plaintexts travel to the signer and back base64-encoded in the JSON of
libsignet-client, which wipes its copies; the signer never logs or
audits one.
"""
import base64

from keystone.common import provider_api  # noqa: loads keystone's registry
from keystone.credential.providers import core
from keystone import exception
from oslo_log import log

from signet_keystone import client
from signet_keystone import signer

LOG = log.getLogger(__name__)

# The signer's bound on a plaintext (bytes), as EncryptCredential says.
PLAINTEXT_MAX = 16 * 1024

_DECRYPT_FAILED = ('Credential could not be decrypted. Please contact the '
                   'administrator')


class Provider(core.Provider):
    def __init__(self, *args, **kwargs):
        super(Provider, self).__init__(*args, **kwargs)
        self.signer = signer.shared()
        ready, h = self.signer.health()
        if ready and h.get('credential_keys', 0) > 0:
            LOG.info('signet: signer at %s ready, %d credential keys',
                     self.signer.endpoints, h['credential_keys'])
        elif ready:
            LOG.error('signet: the signer at %s holds no credential keys: '
                      'credentials can be neither encrypted nor decrypted '
                      '(503) until signet-provision fernet-setup --keys '
                      'credential (or fernet-import --keys credential) and '
                      'a SIGHUP of the signer', self.signer.endpoints)
        else:
            LOG.error('signet: no ready signer at %s (%s): credentials '
                      'are refused (503) until one answers',
                      self.signer.endpoints,
                      h.get('reason') or h.get('error'))

    def encrypt(self, credential):
        try:
            data = credential.encode('utf-8')
        except (AttributeError, UnicodeError) as e:
            raise exception.CredentialEncryptionError(
                'Credential could not be encrypted: %s' % e)
        if len(data) > PLAINTEXT_MAX:
            raise exception.ValidationError(
                'Credential blob too long: at most %d bytes' %
                PLAINTEXT_MAX)
        rc, out = self.signer.call('encrypt_credential', {
            'plaintext_b64': base64.urlsafe_b64encode(data).decode()})
        if rc == client.OK:
            return out['blob'], out['key_hash']
        LOG.error('signet: the signer refused to encrypt a credential: %s',
                  out.get('error'))
        raise exception.CredentialEncryptionError(
            'Credential could not be encrypted: %s' % out.get('error'))

    def decrypt(self, credential):
        if isinstance(credential, bytes):
            credential = credential.decode('utf-8', errors='replace')
        rc, out = self.signer.call('decrypt_credential',
                                   {'blob': credential or ''})
        if rc != client.OK:
            LOG.error('signet: %s (%s)', _DECRYPT_FAILED, out.get('error'))
            raise exception.CredentialEncryptionError(_DECRYPT_FAILED)
        try:
            return base64.urlsafe_b64decode(
                out['plaintext_b64']).decode('utf-8')
        except (KeyError, TypeError, ValueError):
            LOG.error('signet: %s (not UTF-8 text)', _DECRYPT_FAILED)
            raise exception.CredentialEncryptionError(_DECRYPT_FAILED)
