"""signet-keystone-credential-migrate: keystone-manage credential_migrate
for `[credential] provider = signet`. Every credential whose key_hash is
not the signer's primary credential key is decrypted and encrypted again
under that key, so the next rotation (signet-provision fernet-rotate
--keys credential) cannot purge a key a credential still needs. Run it
after each credential rotation (and SIGHUP of the signer), before the
next, with Keystone's configuration:

  signet-keystone-credential-migrate [--config-file /etc/keystone/keystone.conf]

Keystone's own credential_migrate reads the file key repository, which
the HSM replaced; this is the same loop through the signet provider.
"""
import sys

from keystone.common import driver_hints
from keystone.common import sql
import keystone.conf
from keystone.server import backends

CONF = keystone.conf.CONF


def migrate(provider, api):
    """(re-encrypted, total); the primary's name from a throwaway seal."""
    _, primary = provider.encrypt('')
    done = total = 0
    for cred in api.driver.list_credentials(driver_hints.Hints()):
        total += 1
        if cred['key_hash'] == primary:
            continue
        blob = provider.decrypt(cred['encrypted_blob'])
        api.update_credential(cred['id'], {'blob': blob})
        done += 1
    return done, total


def main(argv=None):
    argv = sys.argv if argv is None else argv
    keystone.conf.configure()
    sql.initialize()
    keystone.conf.set_default_for_default_log_levels()
    CONF(args=argv[1:], project='keystone')
    keystone.conf.setup_logging()
    drivers = backends.load_backends()
    provider = drivers['credential_provider_api']
    if CONF.credential.provider != 'signet':
        sys.exit('[credential] provider is %s, not signet: use '
                 'keystone-manage credential_migrate' %
                 CONF.credential.provider)
    done, total = migrate(provider, drivers['credential_api'])
    print('re-encrypted %d of %d credentials under the primary credential '
          'key' % (done, total))


if __name__ == '__main__':
    main()
