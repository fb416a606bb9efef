#!/bin/sh
# `make run`: a SoftHSM2 token under var/ with random PINs in 0600 files,
# provisioned with a CMS signing key (local CA) and Fernet keys, and
# var/signet.conf naming it all. A second run reuses what exists.
set -eu
BIN=${1:-build/bin}
VAR="$PWD/var"
umask 077
mkdir -p "$VAR/tokens"
chmod 700 "$VAR" "$VAR/tokens"

[ -f "$VAR/softhsm2.conf" ] || cat > "$VAR/softhsm2.conf" <<EOF2
directories.tokendir = $VAR/tokens
objectstore.backend = file
log.level = ERROR
EOF2
for f in user.pin so.pin; do
	[ -s "$VAR/$f" ] ||
	    od -An -N12 -tx1 /dev/urandom | tr -d ' \n' > "$VAR/$f"
done
[ -f "$VAR/signet.conf" ] || cat > "$VAR/signet.conf" <<EOF2
# Written by make run; every signet program takes it with -c.
[hsm]
module = /usr/lib/softhsm/libsofthsm2.so
softhsm2_conf = softhsm2.conf
token = signet
pin_file = user.pin
so_pin_file = so.pin

[fernet_tokens]
max_active_keys = 3

[signing]
key_type = rsa2048
valid_days = 3650

[token]
provider = fernet
expiration = 3600

[signer]
socket = signer.sock
EOF2

P="$BIN/signet-provision -c $VAR/signet.conf"
out=$($P status 2>&1) || true
case "$out" in
*"no initialised token"*) $P init-token ;;
esac
out=$($P status 2>&1) || true
case "$out" in
*"MISSING: CMS signing key"*) $P pki-setup ;;
esac
case "$out" in
*"MISSING: Fernet keys"*) $P fernet-setup ;;
esac
mkdir -p "$VAR/certs"
$P export-certs "$VAR/certs" > /dev/null
echo
$P status
cat <<EOF2

The token is provisioned under $VAR (config: $VAR/signet.conf).
Starting signet-signerd on $VAR/signer.sock (Ctrl-C stops it). From
another terminal:
  $BIN/signet-rpc -c var/signet.conf health
  $BIN/signet-rpc -c var/signet.conf issue-fernet '{"user_id": "u1",
      "methods": ["password"], "project_id": "p1",
      "expires_at": "'"\$(date -u -d '+50 min' +%Y-%m-%dT%H:%M:%SZ)"'",
      "audit_ids": ["DMz0_i0HjcyWYPLiLhVsqA"]}'
  $BIN/signet-rpc -c var/signet.conf open-fernet TOKEN
  $BIN/signet-provision -c var/signet.conf fernet-rotate   (then kill -HUP the signer)
The Keystone API front-end (signet-api on 127.0.0.1:5000) is not built
yet; make run will start it beside the signer once it is.
EOF2
exec "$BIN/signet-signerd" -c "$VAR/signet.conf"
