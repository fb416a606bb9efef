#!/bin/sh
# Installs the Debian packages signet builds, tests and runs with, if any
# is missing. Needs root (or sudo) only when something must be installed.
set -eu

PKGS="build-essential pkg-config libssl-dev openssl libp11-kit-dev
libinih-dev libprotobuf-c-dev protobuf-c-compiler libcmocka-dev
libjansson-dev libmsgpack-dev libsqlite3-dev libpq-dev postgresql
libcurl4-openssl-dev
libcrypt-dev libmicrohttpd-dev zlib1g-dev
curl python3-openstackclient python3-keystoneauth1
python3-keystonemiddleware wrk python3-pip python3-setuptools
softhsm2 opensc libengine-pkcs11-openssl libp11-dev
gdb python3 python3-keystone python3-keystoneclient python3-cryptography
faketime util-linux bc procps strace iproute2
systemd groff-base binutils man-db"

# `deps.sh fuzz`: what make fuzz needs besides (clang's libFuzzer)
[ "${1:-}" = fuzz ] && PKGS="clang libclang-rt-14-dev"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "deps: need root to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
