# libsignet-verify when things go wrong (lib/verify_faults.py): the token
# service down, failing, sending garbage or replaying an old revocation
# list; a new signing certificate; a pinned CA; online validation of
# Fernet and UUID tokens.
. tests/integration/lib/softhsm.sh

token_keys pki
mkdir "$WORK/certs" "$WORK/certs2"
expect_ok "export-certs" prov export-certs "$WORK/certs"
start_signer
bootstrap_admin
printf '[token]\nprovider = pki\n' >> "$CONF"
expect_ok "an unrelated CA" openssl req -x509 -newkey rsa:2048 -nodes \
    -keyout "$WORK/other-ca.key" -out "$WORK/other-ca.pem" -days 2 \
    -subj /CN=other-ca -addext basicConstraints=critical,CA:TRUE

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export WORK CONF SIGNER_PID PYTHONPATH=tests/integration/lib
expect_ok "the library when things go wrong" \
    /usr/bin/python3 tests/integration/lib/verify_faults.py "$port"
cat "$WORK/out"
finish
