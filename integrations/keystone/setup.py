# signet's providers for Keystone: `[token] provider = signet`,
# `[receipt] provider = signet` and `[credential] provider = signet`.
# Installed offline with Debian's pip and setuptools (make
# install-keystone-plugin); it needs nothing beyond python3-keystone.
from setuptools import setup

setup(
    name='signet-keystone',
    version='0.1.0',
    description='Keystone token, receipt and credential providers backed '
                'by the signet HSM signer',
    license='ISC',
    packages=['signet_keystone'],
    # make install-keystone-plugin copies libsignet-client.so.0 in here
    package_data={'signet_keystone': ['libsignet-client.so.0']},
    python_requires='>=3.9',
    entry_points={
        'keystone.token.provider': [
            'signet = signet_keystone.provider:Provider',
        ],
        'keystone.receipt.provider': [
            'signet = signet_keystone.receipt:Provider',
        ],
        'keystone.credential.provider': [
            'signet = signet_keystone.credential:Provider',
        ],
        'console_scripts': [
            'signet-keystone-credential-migrate = '
            'signet_keystone.credential_migrate:main',
        ],
    },
)
