#!/bin/sh
# make fuzz: each libFuzzer target for SECONDS, seeded by its committed
# corpus (read only: new inputs go to a scratch directory). A crash is
# written to tests/fuzz/crashes/TARGET/, which make test replays from
# then on; commit it with its fix.
# usage: tests/fuzz/run.sh BUILD_DIR SECONDS
set -u
B=$1 SECS=$2
scratch=$(mktemp -d "${TMPDIR:-/tmp}/signet-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
fails=0
for t in "$B"/tests/fuzz/*; do
	name=$(basename "$t")
	mkdir -p "$scratch/$name" "tests/fuzz/crashes/$name"
	if "$t" -max_total_time="$SECS" -rss_limit_mb=2048 \
	    -artifact_prefix="tests/fuzz/crashes/$name/" \
	    "$scratch/$name" "tests/fuzz/corpus/$name" \
	    > "$scratch/$name.log" 2>&1; then
		echo "fuzz $name: $(grep -o 'Done [0-9]* runs' \
		    "$scratch/$name.log"), no crash"
	else
		fails=$((fails + 1))
		echo "fuzz $name: CRASH (tests/fuzz/crashes/$name/)"
		tail -30 "$scratch/$name.log"
	fi
done
[ "$fails" -eq 0 ]
