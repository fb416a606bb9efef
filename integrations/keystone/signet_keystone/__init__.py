"""signet's providers for Keystone: tokens ([token] provider), MFA
receipts ([receipt] provider) and credential blobs ([credential] provider)
are sealed, opened, encrypted and decrypted by signet-signerd, whose
Fernet keys live in an HSM; Keystone holds none of those keys. See
README.md, "Keystone with signet tokens"."""
