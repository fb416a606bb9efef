#!/bin/sh
# `make fresh-check`: the README's two commands on a machine that has
# nothing. A Debian 12 root file system with only make, git and
# ca-certificates (bootstrapped once with mmdebstrap and cached), into
# which the committed HEAD is cloned: `make run` there until a token is
# issued and validated with curl, then `make test` in a second clone in
# root's home (a folder only its owner can enter). Each run starts from a
# new copy of the cached root; only downloaded .deb files are kept
# between runs. Needs root; reaches only Debian's package registry.
#
# usage: scripts/fresh-check.sh [all|test]   (test: `make test` only)
# exit: 0 passed, 1 the project failed, 3 no fresh root could be made
#       (no registry, no root rights: nothing the project did)
set -eu
WHAT=${1:-all}
TOP=$(git rev-parse --show-toplevel)
CACHE=${FRESH_CACHE:-/var/cache/signet-fresh}
MIRROR=http://deb.debian.org
TAR="$CACHE/bookworm-minbase.tar"

cannot() {
	echo "fresh-check: cannot make a fresh root: $*" >&2
	exit 3
}
[ "$(id -u)" -eq 0 ] || cannot "needs root"
command -v mmdebstrap > /dev/null 2>&1 ||
    { apt-get install -y -qq mmdebstrap > /dev/null 2>&1 &&
    command -v mmdebstrap > /dev/null 2>&1; } ||
    cannot "mmdebstrap is not installed and could not be"
mkdir -p "$CACHE/debs"
if [ ! -s "$TAR" ]; then
	echo "fresh-check: bootstrapping a Debian 12 root into $TAR"
	# the sources a Debian 12 installation has
	mmdebstrap --quiet --variant=minbase --include=make,git,ca-certificates \
	    bookworm "$CACHE/bootstrap.tmp.tar" \
	    "deb $MIRROR/debian bookworm main" \
	    "deb $MIRROR/debian bookworm-updates main" \
	    "deb $MIRROR/debian-security bookworm-security main" ||
	    { rm -rf "$CACHE/bootstrap.tmp.tar"; cannot "mmdebstrap failed (is $MIRROR reachable?)"; }
	mv "$CACHE/bootstrap.tmp.tar" "$TAR"
fi

ROOT=$(mktemp -d "$CACHE/root.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT
tar -C "$ROOT" -xf "$TAR"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
# no init runs here: package scripts must not try to start services
printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
git clone -q "$TOP" "$ROOT/srv/signet"
git clone -q "$TOP" "$ROOT/root/signet"
chmod 700 "$ROOT/root"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 5999)
cp "$TOP/scripts/fresh-inside.sh" "$ROOT/fresh-inside.sh"

# A mount and PID namespace of its own: whatever is left running, and every
# mount, goes when it ends. An empty environment, as a new login has.
echo "fresh-check: $(git -C "$TOP" log -1 --format='%h %s' | cut -c1-60)"
rc=0
unshare --mount --pid --fork --mount-proc="$ROOT/proc" sh -c '
	set -e
	R=$1
	mount --rbind /dev "$R/dev"
	mount -t sysfs sysfs "$R/sys"
	mount --bind "$2" "$R/var/cache/apt/archives"
	exec chroot "$R" /usr/bin/env -i HOME=/root TERM=dumb \
	    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	    /bin/sh /fresh-inside.sh "$3" "$4"' \
	    fresh "$ROOT" "$CACHE/debs" "$WHAT" "$PORT" || rc=$?
# keep no package lists or partial downloads, only whole .deb files
rm -rf "$CACHE/debs/partial" "$CACHE/debs/lock"
exit $rc
