# An empty SoftHSM2 slot becomes a provisioned token: init-token, pki-setup,
# fernet-setup, export-certs, status; pkcs11-tool sees the same objects and
# openssl accepts the exported certificates for S/MIME signing.
. tests/integration/lib/softhsm.sh

expect_ok "init-token" prov init-token
prov status > "$WORK/out" 2>&1 && fail "status of an empty token exits 0"
grep -q "problem: MISSING: CMS signing key" "$WORK/out" ||
    fail "status does not name the missing signing key"
expect_ok "pki-setup" prov pki-setup
expect_ok "fernet-setup" prov fernet-setup
expect_ok "status" prov status
grep -q "^status: ok" "$WORK/out" || fail "status not ok: $(cat "$WORK/out")"

expect_ok "fernet-list" prov fernet-list
expect_eq "fernet-list after setup" "0 staged
1 primary" "$(cat "$WORK/out")"

p11tool --login --pin "$PIN" --list-objects > "$WORK/objs"
for l in signet-signing signet-ca signet-fernet-0 signet-fernet-0-hmac \
    signet-fernet-1 signet-fernet-1-hmac; do
	grep -q "label: *$l\$" "$WORK/objs" || fail "pkcs11-tool lacks $l"
done
expect_eq "pkcs11-tool: 2 AES halves" 2 \
    "$(grep -c 'Secret Key Object; AES length 16' "$WORK/objs")"
expect_eq "pkcs11-tool: 2 HMAC halves of 32 bytes" 2 \
    "$(grep -c 'Secret Key Object; Generic secret length 32' "$WORK/objs")"
expect_eq "pkcs11-tool: 2 private keys" 2 \
    "$(grep -c 'Private Key Object; RSA' "$WORK/objs")"
expect_eq "pkcs11-tool: 2 certificates" 2 \
    "$(grep -c 'Certificate Object' "$WORK/objs")"

expect_ok "export-certs makes its folder" prov export-certs "$WORK/certs"
[ -d "$WORK/certs" ] && [ -s "$WORK/certs/ca.pem" ] ||
    fail "export-certs: no $WORK/certs/ca.pem"
expect_fail "export-certs makes no parents" "cannot make the folder" \
    prov export-certs "$WORK/no/certs"
expect_ok "openssl verifies the signing cert for S/MIME signing" \
    openssl verify -purpose smimesign -CAfile "$WORK/certs/ca.pem" \
    "$WORK/certs/signing_cert.pem"
p11tool --read-object --type pubkey --label signet-signing \
    -o "$WORK/pub.der"
want=$(openssl pkey -pubin -inform DER -in "$WORK/pub.der" -outform DER |
    sha256sum)
got=$(openssl x509 -in "$WORK/certs/signing_cert.pem" -noout -pubkey |
    openssl pkey -pubin -outform DER | sha256sum)
expect_eq "the certificate carries the token's public key" "$want" "$got"
openssl x509 -in "$WORK/certs/signing_cert.pem" -noout -ext keyUsage \
    | grep -q "Digital Signature" || fail "no digitalSignature key usage"

expect_fail "pki-setup again without --force" "--force" prov pki-setup
expect_fail "fernet-setup again without --force" "--force" prov fernet-setup
expect_fail "init-token again without --force" "already initialised" \
    prov init-token
before=$(sha256sum < "$WORK/certs/signing_cert.pem")
expect_ok "pki-setup --force replaces the key" prov pki-setup --force
expect_ok "export-certs again" prov export-certs "$WORK/certs"
[ "$before" != "$(sha256sum < "$WORK/certs/signing_cert.pem")" ] ||
    fail "pki-setup --force kept the old certificate"
expect_eq "one signing key after --force" 1 \
    "$(p11tool --login --pin "$PIN" --list-objects --type privkey |
    grep -c 'label: *signet-signing$')"

for t in rsa3072 ec-p256; do
	expect_ok "pki-setup --key-type $t" prov pki-setup --force \
	    --key-type "$t" --days 30 --subject "/O=Test/CN=$t"
	expect_ok "export $t" prov export-certs "$WORK/certs"
	expect_ok "$t certificate verifies" openssl verify -purpose smimesign \
	    -CAfile "$WORK/certs/ca.pem" "$WORK/certs/signing_cert.pem"
done
expect_fail "unknown key type" "not one of" prov pki-setup --force \
    --key-type rsa1024
finish
