#!/bin/sh
# make bench: a real Keystone 22 on its own key files, then the same
# Keystone, database and keys with [token] provider = signet (the keys
# imported into the token): token issue (token method, no password
# hashing) and validation over HTTP, as a ratio signet / files. Keystone's
# own work should dominate: the RPC must not show (goal >= 0.95 x).
set -eu
B=${1:-build}
BIN="$PWD/$B/bin"
SECS=${BENCH_SECONDS:-3}
. tests/integration/lib/softhsm.sh
. tests/integration/lib/keystone.sh
[ -f "$LIB" ] || { echo "keystone bench: no $LIB"; exit 1; }
REPO="$WORK/fernet-keys"
mkdir -m 700 "$REPO"
/usr/bin/python3 tests/integration/lib/keystone_repo.py "$REPO" 3 1 \
    > /dev/null 2>&1
/usr/bin/python3 tests/integration/lib/keystone_setup.py "$WORK" "$PORT" \
    "$SOCK" "$LIB" fernet "$REPO" 2> "$WORK/setup.err"
load() {
	/usr/bin/python3 bench/keystone_load.py "http://127.0.0.1:$PORT/v3" \
	    "$SECS"
}
start_keystone
load > "$WORK/files"
stop_keystone

prov init-token > /dev/null
prov fernet-import "$REPO" > /dev/null
printf '[auth]\nmethods = external,password,token,oauth1,mapped,application_credential\n' \
    >> "$CONF"
start_signer
/usr/bin/python3 tests/integration/lib/keystone_setup.py switch "$WORK" \
    "$SOCK"
start_keystone
load > "$WORK/signet"
stop_keystone

v() { awk -v k="$2" '$1 == k { print $2 }' "$WORK/$1"; }
echo
printf '%-34s %10s %10s  %s\n' "Keystone 22 (1 client, wsgiref)" "files/s" \
    "signet/s" "ratio"
for k in issue validate; do
	printf '%-34s %10s %10s  %s\n' "token $k" "$(v files $k)" \
	    "$(v signet $k)" "$(awk -v a="$(v signet $k)" -v b="$(v files $k)" \
	    'BEGIN { printf "%.2f x files", a / b }')"
done
