#!/bin/sh
# Runs inside fresh-check.sh's new root, as a newcomer would follow
# README.md: `make run` in /srv/signet until a token is issued and
# validated with curl, then `make test` in /root/signet.
# usage: fresh-inside.sh all|test PORT
set -u
WHAT=$1 PORT=$2

step() {
	echo "fresh-check: $* ($(date -u +%H:%M:%S))"
}

run_until_token() {
	cd /srv/signet || return 1
	step "make run PORT=$PORT in /srv/signet"
	make run PORT="$PORT" > /tmp/run.log 2>&1 &
	i=0
	until grep -qs 'serving the Keystone' /tmp/run.log; do
		if ! kill -0 $! 2>/dev/null || [ $i -ge 1200 ]; then
			tail -40 /tmp/run.log
			echo "fresh-check: make run did not serve"
			return 1
		fi
		sleep 0.5
		i=$((i + 1))
	done
	pw=$(cat var/admin.password)
	curl -s -D /tmp/h -o /tmp/b -H 'Content-Type: application/json' \
	    -d '{"auth": {"identity": {"methods": ["password"], "password":
	    {"user": {"name": "admin", "domain": {"id": "default"},
	    "password": "'"$pw"'"}}}, "scope": {"project": {"name": "admin",
	    "domain": {"id": "default"}}}}}' \
	    "http://127.0.0.1:$PORT/v3/auth/tokens"
	tok=$(sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' /tmp/h)
	[ -n "$tok" ] || { cat /tmp/h /tmp/b; echo "fresh-check: no token"; return 1; }
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $tok" \
	    -H "X-Subject-Token: $tok" "http://127.0.0.1:$PORT/v3/auth/tokens")
	[ "$code" = 200 ] || { echo "fresh-check: validation gave $code"; return 1; }
	step "make run: a token issued and validated (200)"
	grep -q 'the signer runs as signet-signer' /tmp/run.log ||
	    { echo "fresh-check: the daemons did not run as their own users"; return 1; }
	# SIGTERM to the API ends make run, and its signer with it
	for d in /proc/[0-9]*; do
		case "$(tr '\0' ' ' < "$d/cmdline" 2>/dev/null)" in
		*"signet-api -c /srv/signet/var/signet.conf"*) kill "${d#/proc/}" ;;
		esac
	done
	wait
}

run_tests() {
	cd /root/signet || return 1
	step "make test in /root/signet"
	make test
	rc=$?
	step "make test ended: $rc"
	return $rc
}

case $WHAT in
all) run_until_token && run_tests ;;
test) run_tests ;;
*) echo "usage: fresh-inside.sh all|test PORT" >&2; exit 2 ;;
esac
