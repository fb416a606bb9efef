# Keystone with the signet provider making JWS tokens (`[signet] format =
# jws`: IssueJws, validated in Keystone with the signer's public keys);
# see lib/keystone_provider.sh for what is checked.
SIGNET_FORMAT=jws
. tests/integration/lib/keystone_provider.sh
