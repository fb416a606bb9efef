#!/bin/sh
# The test runner: unit tests (cmocka) and integration tests (real
# SoftHSM2 in temporary directories), one line per test, then a summary.
# usage: tests/run.sh BUILD_DIR
set -u
B=${1:-build}
export BIN="$PWD/$B/bin" TBIN="$PWD/$B/tests/integration"
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

run_one() {
	name=$1; shift
	log="$logdir/$(echo "$name" | tr / -).log"
	start=$(date +%s)
	if "$@" > "$log" 2>&1; then
		pass=$((pass + 1))
		echo "PASS $name ($(( $(date +%s) - start ))s)"
	else
		failn=$((failn + 1))
		failed="$failed $name"
		echo "FAIL $name (log: $log)"
		sed 's/^/    /' "$log" | tail -25
	fi
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
for t in tests/integration/*.sh; do
	run_one "integration/$(basename "$t" .sh)" sh "$t"
done

echo "== $pass passed, $failn failed${failed:+ (failed:$failed)}"
[ "$failn" -eq 0 ]
