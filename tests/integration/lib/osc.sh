# Sourced after softhsm.sh by tests that run the openstack CLI many
# times: osc_start loads it once (osc_server.py); osc_run ARGS... runs
# `openstack ARGS...` through it with the caller's OS_* environment, its
# output and exit status as the command's own; osc_as runs it as a user.
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

# osc_as USER PROJECT ARGS...: `openstack ARGS...` as USER (password
# secret-USER) on PROJECT, both in the default domain, against $API.
osc_as() {
	_u=$1 _p=$2; shift 2
	env -i PATH=/usr/bin:/bin HOME="$WORK" OS_AUTH_URL="$API/v3" \
	    OS_USERNAME="$_u" OS_PASSWORD="secret-$_u" OS_PROJECT_NAME="$_p" \
	    OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default \
	    OS_IDENTITY_API_VERSION=3 /usr/bin/python3 -S \
	    tests/integration/lib/osc_client.py "$WORK/osc.sock" "$@"
}
