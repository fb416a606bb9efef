"""signet's token provider for Keystone: tokens are sealed and opened by
signet-signerd, whose Fernet keys live in an HSM; Keystone holds no token
key. See README.md, "Keystone with signet tokens"."""
