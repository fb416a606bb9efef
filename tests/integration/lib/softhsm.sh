# Sourced by integration tests: a SoftHSM2 token store of its own in a
# temporary directory (never /var/lib/softhsm), random PINs in 0600 files,
# a signet.conf naming them, and small assertion helpers.
# Needs BIN (the built programs); TBIN (test helpers) is optional.
# SIGNET_STORE=pg: the store in PostgreSQL (lib/pg.sh), not SQLite.
set -u

MODULE=/usr/lib/softhsm/libsofthsm2.so
WORK=$(mktemp -d "${TMPDIR:-/tmp}/signet-test.XXXXXX")
# One exit trap for every test: whatever signer and API it started last
# are stopped (a restart replaces the pid, never the trap), then WORK goes.
API_PID="" SIGNER_PID=""
cleanup() {
	# (a kill or wait that fails must not end the trap under set -e, as
	# in the bench scripts, before WORK is removed)
	# shellcheck disable=SC2086
	kill $API_PID $SIGNER_PID 2>/dev/null || true
	# shellcheck disable=SC2086
	wait $API_PID $SIGNER_PID 2>/dev/null || true
	[ -z "${PG_DIR:-}" ] || pg_down
	rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -m 700 "$WORK/tokens"
cat > "$WORK/softhsm2.conf" <<CONF
directories.tokendir = $WORK/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF
export SOFTHSM2_CONF="$WORK/softhsm2.conf"
umask 077
od -An -N8 -tx1 /dev/urandom | tr -d ' \n' > "$WORK/pin"
od -An -N8 -tx1 /dev/urandom | tr -d ' \n' > "$WORK/so.pin"
PIN=$(cat "$WORK/pin")
LABEL=signet-$$
CONF="$WORK/signet.conf"

# write_conf [max_active_keys]
write_conf() {
	cat > "$CONF" <<CONF
[hsm]
module = $MODULE
token = $LABEL
pin_file = pin
so_pin_file = so.pin

[fernet_tokens]
max_active_keys = ${1:-3}
CONF
	[ -z "${PG_CONN:-}" ] ||
	    printf '\n[database]\nconnection = %s\n' "$PG_CONN" >> "$CONF"
}
if [ "${SIGNET_STORE:-}" = pg ]; then
	. tests/integration/lib/pg.sh
	pg_up
fi
write_conf 3

# Runs one of signet's programs (with the ASan preload, when there is one).
ours() {
	LD_PRELOAD="${SIGNET_PRELOAD:-}" "$@"
}

prov() {
	ours "$BIN/signet-provision" -c "$CONF" "$@"
}

FAILS=0
fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}
ok() {
	echo "ok: $*"
}

# expect_ok DESC cmd...: the command exits 0.
expect_ok() {
	desc=$1; shift
	if "$@" > "$WORK/out" 2> "$WORK/err"; then
		ok "$desc"
	else
		fail "$desc: exit $?: $(cat "$WORK/err")"
	fi
}

# expect_fail DESC PATTERN cmd...: non-zero exit, stderr matches PATTERN,
# and stderr never shows the PIN.
expect_fail() {
	desc=$1; pat=$2; shift 2
	if "$@" > "$WORK/out" 2> "$WORK/err"; then
		fail "$desc: succeeded"
	elif ! grep -qE -- "$pat" "$WORK/err"; then
		fail "$desc: stderr lacks /$pat/: $(cat "$WORK/err")"
	elif grep -qF -- "$PIN" "$WORK/err" "$WORK/out"; then
		fail "$desc: the PIN appears in the output"
	else
		ok "$desc"
	fi
}

# expect_eq DESC WANT GOT
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1: want [$2] got [$3]"
	fi
}

p11tool() {
	pkcs11-tool --module "$MODULE" --token-label "$LABEL" "$@" 2>/dev/null
}

finish() {
	if [ "$FAILS" -ne 0 ]; then
		echo "$FAILS check(s) failed" >&2
		exit 1
	fi
	exit 0
}

# start_signer [PLAIN_BINARY]: signet-signerd on this token, in the
# background, until the test exits. Waits for its socket; SIGNER_PID names
# it. A binary given is a build without sanitizers: no ASan preload, only
# PLAIN_PRELOAD (libfaketime, say) when that is set.
SOCK="$WORK/signer.sock"
start_signer() {
	rm -f "$SOCK"	# a killed signer leaves it; the wait below needs the new one
	preload=${SIGNET_PRELOAD:-}
	[ $# -gt 0 ] && preload=${PLAIN_PRELOAD:-}
	# shellcheck disable=SC2086
	LD_PRELOAD="$preload" "${1:-$BIN/signet-signerd}" \
	    ${SIGNER_FLAGS:-} -c "$CONF" > "$WORK/signer.log" 2>&1 &
	SIGNER_PID=$!
	wait_until 10 [ -S "$SOCK" ] ||
	    fail "the signer did not start: $(cat "$WORK/signer.log")"
}

# stop_signer: SIGTERM, then its exit status (sanitizer reports count).
stop_signer() {
	kill "$SIGNER_PID"
	wait "$SIGNER_PID" || { SIGNER_PID=""; return 1; }
	SIGNER_PID=""
}

rpc() {
	ours "$BIN/signet-rpc" -c "$CONF" "$@"
}

# in_minutes N: an ISO 8601 time N minutes from now.
in_minutes() {
	date -u -d "+$1 min" +%Y-%m-%dT%H:%M:%S.000000Z
}

# token_keys [pki]: an initialised token with Fernet keys and, given pki,
# a CMS signing key and certificate too.
token_keys() {
	expect_ok "init-token" prov init-token
	expect_ok "fernet-setup" prov fernet-setup
	if [ "${1:-}" = pki ]; then
		expect_ok "pki-setup" prov pki-setup
	fi
}

# token_up [pki]: token_keys, then the signer on that token.
token_up() {
	token_keys "$@"
	start_signer
}

# bootstrap_admin [BOOTSTRAP_OPTION...]: the store bootstrapped with an
# admin whose password is secret-admin ($WORK/admin.pw).
bootstrap_admin() {
	printf 'secret-admin\n' > "$WORK/admin.pw"
	expect_ok "bootstrap" mgr bootstrap --admin-password-file "$WORK/admin.pw" \
	    "$@"
}

# appliance_up [pki]: token_up, then bootstrap_admin. Settings for
# signet-api go into $CONF before the caller's start_api.
appliance_up() {
	token_up "$@"
	bootstrap_admin
}

# wait_until SECONDS CMD...: runs CMD until it succeeds, at most SECONDS
# times ten, a tenth of a second apart; fails when CMD never did. A
# condition to evaluate afresh each time goes in as: eval 'CONDITION'
# (which sees this function's positional parameters, not the caller's).
wait_until() {
	_wait_tries=$(($1 * 10))
	shift
	until "$@"; do
		[ "$_wait_tries" -gt 0 ] || return 1
		sleep 0.1
		_wait_tries=$((_wait_tries - 1))
	done
}

# login_body USER PASSWORD [SCOPE]: the JSON of a password login by a user
# of the default domain. SCOPE is the JSON value of "scope"; without it,
# the admin project; - for no scope at all.
login_body() {
	_scope=${3:-'{"project": {"name": "admin", "domain": {"id": "default"}}}'}
	if [ "$_scope" = - ]; then
		_scope=""
	else
		_scope=", \"scope\": $_scope"
	fi
	printf '{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "%s", "domain": {"id": "default"}, "password": "%s"}}}%s}}' \
	    "$1" "$2" "$_scope"
}

# user_token USER PASSWORD [SCOPE]: logs in (login_body) and prints the
# X-Subject-Token, nothing when none came; the answer's headers stay in
# $WORK/h, its body in $WORK/body.
user_token() {
	curl -s -D "$WORK/h" -o "$WORK/body" -H 'Content-Type: application/json' \
	    -d "$(login_body "$@")" "$API/v3/auth/tokens"
	sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$WORK/h"
}

# admin_token [SCOPE]: user_token for appliance_up's admin.
admin_token() {
	user_token admin secret-admin "$@"
}

# http_status CURL_ARG...: the HTTP status curl got (000: no answer).
http_status() {
	curl -s -o /dev/null -w '%{http_code}' "$@"
}

# token_status CALLER SUBJECT [QUERY]: the status of validating SUBJECT
# (GET /v3/auth/tokens, QUERY appended) with CALLER as X-Auth-Token.
token_status() {
	http_status -H "X-Auth-Token: $1" -H "X-Subject-Token: $2" \
	    "$API/v3/auth/tokens${3:-}"
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on just now.
free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# metrics_on: [api] metrics_port on a free port of 127.0.0.1 (MPORT),
# before start_api.
metrics_on() {
	MPORT=$(free_port)
	printf '[api]\nmetrics_port = %s\n' "$MPORT" >> "$CONF"
}

# metric NAME: NAME's value in signet-api's /metrics (metrics_on).
metric() {
	curl -s "http://127.0.0.1:$MPORT/metrics" | sed -n "s/^$1 //p"
}

# start_api [PLAIN_BINARY]: signet-api on a free port of 127.0.0.1; sets
# API (its base URL) and API_PID. The signer must be running. A binary
# given is taken as start_signer takes one.
start_api() {
	preload=${SIGNET_PRELOAD:-}
	[ $# -gt 0 ] && preload=${PLAIN_PRELOAD:-}
	API_PORT=$(free_port)
	sed -i '/^port = /d' "$CONF"	# a restart: a new port
	printf '[api]\nport = %s\n' "$API_PORT" >> "$CONF"
	API="http://127.0.0.1:$API_PORT"
	# gone before the new one starts: its redirection runs in the
	# background child, and the wait below must not read the old log
	[ -f "$WORK/api.log" ] && cat "$WORK/api.log" >> "$WORK/api.old.log" &&
	    rm -f "$WORK/api.log"
	# shellcheck disable=SC2086
	LD_PRELOAD="$preload" "${1:-$BIN/signet-api}" ${API_FLAGS:-} \
	    -c "$CONF" > "$WORK/api.log" 2>&1 &
	API_PID=$!
	i=0
	while ! grep -qs "serving the Keystone" "$WORK/api.log" &&
	    kill -0 "$API_PID" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ $i -lt 20 ] || echo "signet-api took $((i / 10)) s to start"
	grep -qs "serving the Keystone" "$WORK/api.log" ||
	    fail "signet-api did not start: $(cat "$WORK/api.log")"
}

stop_api() {
	kill "$API_PID"
	wait "$API_PID" || { API_PID=""; return 1; }
	API_PID=""
}

mgr() {
	ours "$BIN/signet-manage" -c "$CONF" "$@"
}

# keystone_keys: a token holding a key repository Keystone's own code made
# in $REPO (3 keys after one rotation), imported by fernet-import.
keystone_keys() {
	REPO="$WORK/repo"
	mkdir -m 700 "$REPO"
	/usr/bin/python3 tests/integration/lib/keystone_repo.py "$REPO" 3 1 \
	    > /dev/null 2>&1 || fail "keystone made no repository"
	expect_ok "init-token" prov init-token
	expect_ok "import Keystone's keys" prov fernet-import "$REPO"
}
