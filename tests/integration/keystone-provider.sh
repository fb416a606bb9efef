# Keystone with the signet provider making Fernet tokens (see
# lib/keystone_provider.sh for what is checked).
SIGNET_FORMAT=fernet
. tests/integration/lib/keystone_provider.sh
