#!/bin/sh
# `make run`: a SoftHSM2 token under var/ with random PINs in 0600 files,
# provisioned with a CMS signing key (local CA) and Fernet keys, the
# identity store bootstrapped with an admin, var/signet.conf naming it all;
# then the signer in the background and the API on 127.0.0.1:5000 in the
# foreground. A second run reuses what exists.
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
# The identity store and its admin (keystone-manage bootstrap).
if [ ! -s "$VAR/admin.password" ]; then
	if [ -n "${SIGNET_ADMIN_PASSWORD:-}" ]; then
		printf '%s\n' "$SIGNET_ADMIN_PASSWORD" > "$VAR/admin.password"
	else
		od -An -N12 -tx1 /dev/urandom | tr -d ' \n' > "$VAR/admin.password"
	fi
fi
M="$BIN/signet-manage -c $VAR/signet.conf"
$M db-sync > /dev/null
$M bootstrap --admin-password-file "$VAR/admin.password" \
    --public-url http://127.0.0.1:5000/v3/ --region RegionOne > /dev/null

"$BIN/signet-signerd" -c "$VAR/signet.conf" 2> "$VAR/signer.log" &
signer=$!
trap 'kill $signer 2>/dev/null' EXIT INT TERM
while [ ! -S "$VAR/signer.sock" ]; do
	kill -0 $signer 2>/dev/null || { cat "$VAR/signer.log"; exit 1; }
	sleep 0.1
done

cat <<EOF2

signet is serving the Keystone v3 token API on http://127.0.0.1:5000
(Ctrl-C stops it; the signer's log is var/signer.log). The admin password
is in $VAR/admin.password. From another terminal:

  curl -si http://127.0.0.1:5000/v3/auth/tokens \\
    -H 'Content-Type: application/json' -d '{"auth": {"identity":
    {"methods": ["password"], "password": {"user": {"name": "admin",
    "domain": {"id": "default"}, "password": "'\$(cat var/admin.password)'"}}},
    "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}'

  export OS_AUTH_URL=http://127.0.0.1:5000/v3 OS_IDENTITY_API_VERSION=3 \\
    OS_USERNAME=admin OS_PASSWORD=\$(cat var/admin.password) \\
    OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default \\
    OS_PROJECT_DOMAIN_NAME=Default
  openstack token issue

Operator tools, all with -c var/signet.conf: signet-manage (users,
projects, roles), signet-provision (the token; rotate Fernet keys, then
kill -HUP the signer), signet-rpc (the signer directly).
EOF2
"$BIN/signet-api" -c "$VAR/signet.conf"
