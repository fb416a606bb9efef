#!/bin/sh
# `make run [PORT=N]`: a SoftHSM2 token under var/signer with random PINs
# in 0600 files (the SO PIN gone once the token is initialised, unless
# KEEP_SO_PIN=1), provisioned with a CMS signing key (local CA) and Fernet
# keys, the identity store under var/api bootstrapped with an admin,
# var/signet.conf naming it all; then the signer in the background and the
# API on 127.0.0.1:PORT (5000) in the foreground. A second run reuses what
# exists. As root, the signer runs as signet-signer (owning var/signer: the
# token and the PIN) and the API as signet-api (owning var/api, allowed
# only the socket in var/run), as the systemd units run them.
# usage: scripts/run.sh BIN_DIR [PORT]
set -eu
BIN=$(cd "${1:-build/bin}" && pwd)
VAR="$PWD/var"
SU=signet-signer AU=signet-api
umask 022
mkdir -p "$VAR"

if [ -d "$VAR/tokens" ] && [ ! -d "$VAR/signer" ]; then
	echo "make run: $VAR holds an older layout (var/tokens); move it" \
	    "away (mv var var.old) and run again" >&2
	exit 1
fi
# The password goes to a 0600 file; the daemons never see it.
ADMIN_PW=${SIGNET_ADMIN_PASSWORD:-}
unset SIGNET_ADMIN_PASSWORD

# Separate users need root, and a clone those users can reach (not one in
# a home folder only its owner can enter).
split=no
if [ "$(id -u)" -eq 0 ]; then
	for u in $SU $AU; do
		id -u "$u" > /dev/null 2>&1 || useradd --system --user-group \
		    --no-create-home --home-dir /nonexistent \
		    --shell /usr/sbin/nologin "$u"
	done
	if setpriv --reuid=$SU --regid=$SU --init-groups \
	    test -x "$BIN/signet-signerd" 2> /dev/null; then
		split=yes
	else
		echo "make run: $PWD is closed to other users, so both" \
		    "daemons run as root; clone into a folder others can" \
		    "enter (e.g. /srv) to run them as $SU and $AU"
	fi
fi
# The commands that put a program under each user (empty: as we are).
AS_SIGNER="" AS_API=""
if [ $split = yes ]; then
	AS_SIGNER="setpriv --reuid=$SU --regid=$SU --init-groups"
	AS_API="setpriv --reuid=$AU --regid=$AU --init-groups"
fi

# The layout, and who owns what. var/run is setgid to the API's group, so
# the socket the signer makes there (0660) is the API's to use.
umask 077
mkdir -p "$VAR/signer/tokens" "$VAR/api" "$VAR/run" "$VAR/certs"
chmod 755 "$VAR" "$VAR/certs"
chmod 700 "$VAR/signer" "$VAR/signer/tokens" "$VAR/api"
chmod 2750 "$VAR/run"
[ -f "$VAR/signer/softhsm2.conf" ] || cat > "$VAR/signer/softhsm2.conf" <<EOF2
directories.tokendir = $VAR/signer/tokens
objectstore.backend = file
log.level = ERROR
EOF2
[ -s "$VAR/signer/user.pin" ] ||
    od -An -N12 -tx1 /dev/urandom | tr -d ' \n' > "$VAR/signer/user.pin"
# a new SO PIN only for a token still to be initialised
[ -d "$VAR/signer/tokens" ] && [ -n "$(ls -A "$VAR/signer/tokens")" ] ||
    od -An -N12 -tx1 /dev/urandom | tr -d ' \n' > "$VAR/signer/so.pin"
if [ $split = yes ]; then
	chown -R $SU:$SU "$VAR/signer" "$VAR/certs"
	chown -R $AU:$AU "$VAR/api"
	chown $SU:$AU "$VAR/run"
fi

if [ ! -f "$VAR/signet.conf" ]; then
	allowed=""
	[ $split = yes ] && allowed="allowed_uids = $AU
credential_uids = $AU"
	cat > "$VAR/signet.conf" <<EOF2
# Written by make run; every signet program takes it with -c. Relative
# paths are from this file's folder.
[hsm]
module = /usr/lib/softhsm/libsofthsm2.so
softhsm2_conf = signer/softhsm2.conf
token = signet
pin_file = signer/user.pin
so_pin_file = signer/so.pin

[fernet_tokens]
max_active_keys = 3

[signing]
key_type = rsa2048
valid_days = 3650

[token]
provider = fernet
expiration = 3600

[signer]
socket = run/signer.sock
audit_log = signer/audit.log
allowed_scopes = unscoped,project,domain,system,application_credential
# signet-api shares this machine's cores: no waiting awake for a call
spin_us = 0
$allowed

[api]
bind_host = 127.0.0.1
port = ${2:-5000}

[database]
connection = sqlite:///api/signet.db
EOF2
	chmod 644 "$VAR/signet.conf"
elif [ -n "${2:-}" ]; then
	# PORT= given again: it replaces [api] port, and stays.
	awk -v port="$2" '
	    /^\[/ { sec = $0 }
	    sec == "[api]" && /^[ \t]*port[ \t]*=/ { print "port = " port; next }
	    { print }' "$VAR/signet.conf" > "$VAR/signet.conf.new"
	grep -q "^port = $2\$" "$VAR/signet.conf.new" ||
	    printf '\n[api]\nport = %s\n' "$2" >> "$VAR/signet.conf.new"
	chmod 644 "$VAR/signet.conf.new"
	mv "$VAR/signet.conf.new" "$VAR/signet.conf"
fi
# The port the API will take: the last `port =` of [api].
PORT=$(awk '/^\[/ { sec = $0 }
    sec == "[api]" && /^[ \t]*port[ \t]*=/ { sub(/^[^=]*=[ \t]*/, ""); p = $0 }
    END { print p ? p : 5000 }' "$VAR/signet.conf")
URL="http://127.0.0.1:$PORT"

P="$BIN/signet-provision -c $VAR/signet.conf"
out=$($AS_SIGNER $P status 2>&1) || true
case "$out" in
*"no initialised token"*) $AS_SIGNER $P init-token ;;
esac
# The SO PIN is for init-token only: it is not left beside a running
# signer unless KEEP_SO_PIN=1 asks for it.
[ "${KEEP_SO_PIN:-0}" = 1 ] || rm -f "$VAR/signer/so.pin"
out=$($AS_SIGNER $P status 2>&1) || true
case "$out" in
*"MISSING: CMS signing key"*) $AS_SIGNER $P pki-setup ;;
esac
case "$out" in
*"MISSING: Fernet keys"*) $AS_SIGNER $P fernet-setup ;;
esac
# /v3/credentials: blobs encrypted under their own keys in the token
case "$out" in
*"credential keys: none"*) $AS_SIGNER $P fernet-setup --keys credential ;;
esac
$AS_SIGNER $P export-certs "$VAR/certs" > /dev/null
echo
# A token made by an older signet may hold keys status calls weak or
# unrestricted: said, not fatal to a demo (rotation and pki-setup --force
# replace them).
$AS_SIGNER $P status || echo "(the problems above do not stop make run)"
# The identity store and its admin (keystone-manage bootstrap).
if [ ! -s "$VAR/admin.password" ]; then
	if [ -n "$ADMIN_PW" ]; then
		printf '%s\n' "$ADMIN_PW" > "$VAR/admin.password"
	else
		od -An -N12 -tx1 /dev/urandom | tr -d ' \n' > "$VAR/admin.password"
	fi
fi
ADMIN_PW=""
M="$BIN/signet-manage -c $VAR/signet.conf"
$AS_API $M db-sync > /dev/null
$AS_API $M bootstrap --admin-password-file - --public-url "$URL/v3/" \
    --region RegionOne < "$VAR/admin.password" > /dev/null

# mlockall needs room for the signer's whole memory (as the unit's
# LimitMEMLOCK gives it), where we may raise the limit.
rm -f "$VAR/run/signer.sock"
LIMIT="prlimit --memlock=268435456 --"
$LIMIT true 2> /dev/null || LIMIT=""
$LIMIT $AS_SIGNER "$BIN/signet-signerd" -c "$VAR/signet.conf" \
    2> "$VAR/signer.log" &
signer=$!
trap 'kill $signer 2>/dev/null' EXIT INT TERM
while [ ! -S "$VAR/run/signer.sock" ]; do
	kill -0 $signer 2>/dev/null || { cat "$VAR/signer.log"; exit 1; }
	sleep 0.1
done

who="both daemons run as $(id -un)"
[ $split = yes ] && who="the signer runs as $SU, the API as $AU"
cat <<EOF2

signet is serving the Keystone v3 token API on $URL
($who; Ctrl-C stops them; the signer's log is $VAR/signer.log).
The admin password is in $VAR/admin.password. From another terminal:

  curl -si $URL/v3/auth/tokens \\
    -H 'Content-Type: application/json' -d '{"auth": {"identity":
    {"methods": ["password"], "password": {"user": {"name": "admin",
    "domain": {"id": "default"}, "password": "'\$(cat $VAR/admin.password)'"}}},
    "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}'

  export OS_AUTH_URL=$URL/v3 OS_IDENTITY_API_VERSION=3 \\
    OS_USERNAME=admin OS_PASSWORD=\$(cat $VAR/admin.password) \\
    OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default \\
    OS_PROJECT_DOMAIN_NAME=Default
  openstack token issue

Operator tools, all with -c $VAR/signet.conf: signet-manage (users,
projects, roles), signet-provision (the token; rotate Fernet keys, then
kill -HUP the signer), signet-rpc (the signer directly).
EOF2
[ $split = yes ] && cat <<EOF2
Run each as the user that owns its part: signet-provision and signet-rpc
as $SU, signet-manage as $AU (setpriv --reuid=USER --regid=USER
--init-groups COMMAND).
EOF2
$AS_API "$BIN/signet-api" -c "$VAR/signet.conf"
