# pki-setup --csr for an external CA, then import-cert of its answer.
# import-cert refuses a certificate for another key, an expired or not yet
# valid one, one without digitalSignature or with serverAuth only (the
# purpose verifiers check), and a CA without CA:TRUE; the token keeps
# what it had each time.
. tests/integration/lib/softhsm.sh

CA="/usr/bin/python3 tests/integration/lib/extca.py"
expect_ok "init-token" prov init-token
expect_ok "pki-setup --csr" prov pki-setup --csr "$WORK/req.pem" \
    --subject "/O=Example/CN=signet signing"
expect_ok "the CSR is signed by the token's key" openssl req -verify \
    -noout -in "$WORK/req.pem"
prov status > "$WORK/st" 2>&1
grep -q "MISSING: signing certificate" "$WORK/st" ||
    fail "status does not say the certificate is missing"

$CA ca "$WORK/ca.key" "$WORK/ca.pem"
$CA ca "$WORK/noca.key" "$WORK/noca.pem" noca
for m in expired future nodigsig serverauth; do
	$CA sign "$WORK/req.pem" "$WORK/ca.key" "$WORK/ca.pem" "$WORK/$m.pem" $m
	cat "$WORK/$m.pem" "$WORK/ca.pem" > "$WORK/$m.bundle"
done
$CA sign "$WORK/req.pem" "$WORK/noca.key" "$WORK/noca.pem" "$WORK/l.pem"
cat "$WORK/l.pem" "$WORK/noca.pem" > "$WORK/noca.bundle"
$CA stray "$WORK/stray.pem"
cat "$WORK/stray.pem" "$WORK/ca.pem" > "$WORK/stray.bundle"
$CA sign "$WORK/req.pem" "$WORK/ca.key" "$WORK/ca.pem" "$WORK/good.pem"
cat "$WORK/good.pem" "$WORK/ca.pem" > "$WORK/good.bundle"

expect_fail "a certificate for another key" "is for the token's signing" \
    prov import-cert "$WORK/stray.bundle"
expect_fail "an expired certificate" "has expired" \
    prov import-cert "$WORK/expired.bundle"
expect_fail "a certificate not yet valid" "not valid yet" \
    prov import-cert "$WORK/future.bundle"
expect_fail "no digitalSignature" "S/MIME signing" \
    prov import-cert "$WORK/nodigsig.bundle"
expect_fail "serverAuth only" "S/MIME signing" \
    prov import-cert "$WORK/serverauth.bundle"
expect_fail "a CA without CA:TRUE" "CA:TRUE" \
    prov import-cert "$WORK/noca.bundle"
expect_fail "the leaf without its CA" "no CA certificate" \
    prov import-cert "$WORK/good.pem"
expect_fail "not a PEM file" "no PEM certificate" \
    prov import-cert "$WORK/softhsm2.conf"
expect_eq "nothing was stored" 0 "$(p11tool --list-objects --type cert |
    grep -c 'Certificate Object')"

expect_ok "the CA's answer" prov import-cert "$WORK/good.bundle"
expect_ok "fernet-setup" prov fernet-setup
expect_ok "status is clean" prov status
mkdir "$WORK/certs"
expect_ok "export-certs" prov export-certs "$WORK/certs"
expect_eq "the exported CA is the external one" \
    "$(openssl x509 -in "$WORK/ca.pem" -noout -fingerprint)" \
    "$(openssl x509 -in "$WORK/certs/ca.pem" -noout -fingerprint)"
expect_ok "the chain verifies for S/MIME signing" openssl verify \
    -purpose smimesign -CAfile "$WORK/certs/ca.pem" \
    "$WORK/certs/signing_cert.pem"
expect_ok "the leaf alone, now that the token holds its CA" \
    prov import-cert "$WORK/good.pem"
finish
