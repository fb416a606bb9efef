# Sourced after softhsm.sh by tests that run the openstack CLI many
# times: osc_start loads it once (osc_server.py); osc_run ARGS... runs
# `openstack ARGS...` through it with the caller's OS_* environment, its
# output and exit status as the command's own.
OSC_PID=""
# (a Keystone test's server too: keystone.sh's trap is replaced)
trap 'kill $OSC_PID ${KS_PID:-} 2>/dev/null; cleanup' EXIT

osc_start() {
	/usr/bin/python3 tests/integration/lib/osc_server.py "$WORK/osc.sock" \
	    > "$WORK/osc-server.log" 2>&1 &
	OSC_PID=$!
	wait_until 30 test -S "$WORK/osc.sock"
}

osc_run() {
	/usr/bin/python3 -S tests/integration/lib/osc_client.py \
	    "$WORK/osc.sock" "$@"
}
