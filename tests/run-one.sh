#!/bin/sh
# One integration test for tests/run.sh: its PASS or FAIL line (with the
# end of its log when it fails) and its exit status in LOGDIR/NAME.rc for
# the summary. timeout(1) runs the test in a process group of its own and
# kills the group, so daemons a hung test started go with it.
# NAME@pg runs test NAME with its store in PostgreSQL (lib/pg.sh).
# usage: tests/run-one.sh LOGDIR NAME
logdir=$1 n=$2
log="$logdir/integration-$n.log"
start=$(date +%s)
case $n in
*@pg) SIGNET_STORE=pg; export SIGNET_STORE ;;
esac
timeout -k 10 "${LIMIT:-300}" sh "tests/integration/${n%@pg}.sh" \
    < /dev/null > "$log" 2>&1
rc=$?
if [ $rc -eq 0 ]; then
	line="PASS integration/$n ($(( $(date +%s) - start ))s)"
else
	case $rc in
	124|137) line="FAIL integration/$n (timed out after ${LIMIT:-300}s; log: $log)" ;;
	*) line="FAIL integration/$n (log: $log)" ;;
	esac
	line="$line
$(sed 's/^/    /' "$log" | tail -25)"
fi
# one write, so lines of tests running side by side do not interleave
printf '%s\n' "$line"
echo "$rc" > "$logdir/$n.rc"
