#!/bin/sh
# The test runner: unit tests (cmocka) and integration tests (real
# SoftHSM2 in temporary directories), one line per test, then a summary.
# usage: tests/run.sh BUILD_DIR [NAME...]
# NAMEs (e.g. signer-hostile, unit/test_config, fuzz) pick tests by
# substring. Each test has TEST_TIMEOUT seconds (300); past that its whole
# process group is killed and it fails. Integration tests run TEST_JOBS at
# a time (the number of CPUs): most of their time is spent waiting on
# daemons, sockets and sleeps. Those that measure time or load (SERIAL)
# run alone afterwards, so a neighbour cannot skew what they measure, and
# so do those that run Keystone's code (two real Keystones at once fail
# each other's database commits).
set -u
B=${1:-build}
[ $# -gt 0 ] && shift
PICK="$*"
LIMIT=${TEST_TIMEOUT:-300}
JOBS=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
SERIAL="api-lockout api-slowloris security-consttime signer-starve
signer-burst signer-audit-growth signer-memory rate-limits faults-clock
verify-cert-expiry api-revocation-scale deploy-install run-layout
signer-frame-memory keystone-provider keystone-provider-jws keystone-migrate
keystone-receipts manage-import-keystone cluster-netns"
# Run a second time with the store in PostgreSQL (as NAME@pg): the tests
# of what the store reads and writes, which read it back through sql().
# (Not api-tokens: its 40 s are the openstack CLI's; the token paths on
# PostgreSQL are store-pg's and cluster-netns's.)
ON_PG="api-users api-groups-roles api-assignments api-credentials
api-revoke-user api-scope-changes"
export LIMIT
export BIN="$PWD/$B/bin" TBIN="$PWD/$B/tests/integration"
# The build without sanitizers, for tests whose preloads ASan cannot share
# (libfaketime's clock calls deadlock inside ASan's allocator).
export PLAIN_BIN="$PWD/build/bin"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# Only signet's programs get the ASan runtime and the no-op dlclose
# (tests call them through `ours`); python, openssl and pkcs11-tool do not.
SIGNET_PRELOAD=""
if [ -f "$B/tests/nodlclose.so" ]; then
	SIGNET_PRELOAD="$(${CC:-cc} -print-file-name=libasan.so) $PWD/$B/tests/nodlclose.so"
fi
export SIGNET_PRELOAD
pass=0 failn=0 failed=""
logdir="$B/test-logs"
mkdir -p "$logdir"

picked() {
	[ -z "$PICK" ] && return 0
	for p in $PICK; do
		case "$1" in *"$p"*) return 0 ;; esac
	done
	return 1
}

# timeout(1) runs the test in a process group of its own and kills the
# group, so daemons a hung test started go with it.
run_one() {
	name=$1; shift
	picked "$name" || return 0
	log="$logdir/$(echo "$name" | tr / -).log"
	start=$(date +%s)
	timeout -k 10 "$LIMIT" "$@" < /dev/null > "$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "PASS $name ($(( $(date +%s) - start ))s)"
		return
	fi
	failn=$((failn + 1))
	failed="$failed $name"
	case $rc in
	124|137) echo "FAIL $name (timed out after ${LIMIT}s; log: $log)" ;;
	*) echo "FAIL $name (log: $log)" ;;
	esac
	sed 's/^/    /' "$log" | tail -25
}

for t in "$B"/tests/unit/*; do
	[ -x "$t" ] && run_one "unit/$(basename "$t")" "$t"
done
# Every fuzz target over its committed corpus and every crash found.
for t in "$B"/tests/fuzz/*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	# shellcheck disable=SC2046
	run_one "fuzz/$n" sh -c 'LD_PRELOAD= "$0" "$@"' "$t" \
	    $(find "tests/fuzz/corpus/$n" "tests/fuzz/crashes/$n" -type f \
	    2>/dev/null | sort)
done
serial() {
	for s in $SERIAL; do
		[ "$1" = "$s" ] && return 0
	done
	return 1
}

rm -f "$logdir"/*.rc
par="" ser=""
for t in tests/integration/*.sh; do
	n=$(basename "$t" .sh)
	picked "integration/$n" || continue
	if serial "$n"; then ser="$ser $n"; else par="$par $n"; fi
done
for n in $ON_PG; do
	picked "integration/$n@pg" && par="$par $n@pg"
done
# shellcheck disable=SC2086
[ -n "$par" ] && printf '%s\n' $par |
    xargs -P "$JOBS" -I{} sh tests/run-one.sh "$logdir" {}
for n in $ser; do
	sh tests/run-one.sh "$logdir" "$n"
done
for rc in "$logdir"/*.rc; do
	[ -f "$rc" ] || continue
	n=$(basename "$rc" .rc)
	if [ "$(cat "$rc")" = 0 ]; then
		pass=$((pass + 1))
	else
		failn=$((failn + 1))
		failed="$failed integration/$n"
	fi
done

echo "== $pass passed, $failn failed${failed:+ (failed:$failed)}"
[ "$failn" -eq 0 ]
