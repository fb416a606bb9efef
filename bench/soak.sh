#!/bin/sh
# make soak (minutes, not part of make test): sustained load with no
# identity mix-up, then the signer killed under load, at full count. 64
# users each re-scope and validate their own tokens through signet-api at
# 80% of the maximum measured first, for SOAK_SECONDS (600): zero errors,
# p99 <= 5 x p50 per kind, RSS growth <= 2% after the first fifth, a flat
# fd count, and zero identity mix-ups. Then the signer is SIGKILLed
# SOAK_KILLS (200) times under load. Exits 1 when a criterion fails. The
# signer shares the cores with signet-api and the load: spin_us = 0, as
# make run configures it. Then the same load against a server that does
# no work, at 80% of its own maximum: the tail this machine and this load
# give any server (printed, not checked).
set -eu
B=${1:-build}
BIN="$PWD/$B/bin"
SECS=${SOAK_SECONDS:-600}
CLIENTS=${SOAK_CLIENTS:-64}
. tests/integration/lib/softhsm.sh
prov init-token > /dev/null
prov fernet-setup > /dev/null
printf '[signer]\nworkers = 4\nmax_connections = 64\nspin_us = 0\n' >> "$CONF"
start_signer
printf 'soak-admin\n' > "$WORK/admin.pw"
mgr bootstrap --admin-password-file "$WORK/admin.pw" > /dev/null
printf '[token]\nprovider = fernet\n' >> "$CONF"

echo "creating $CLIENTS users, each with a project of its own"
printf 'soak-user-pw\n' > "$WORK/user.pw"
i=0
while [ $i -lt "$CLIENTS" ]; do
	mgr project-create "p$i" > /dev/null
	mgr user-create "u$i" --password-file "$WORK/user.pw" > /dev/null
	mgr role-grant member --user "u$i" --project "p$i" > /dev/null
	i=$((i + 1))
done
start_api
/usr/bin/python3 - "$API" "$CLIENTS" > "$WORK/clients" <<'PY'
import json, sys, urllib.request
from concurrent.futures import ThreadPoolExecutor
api, n = sys.argv[1], int(sys.argv[2])
def login(i):
    body = {'auth': {'identity': {'methods': ['password'], 'password': {
        'user': {'name': 'u%d' % i, 'domain': {'id': 'default'},
                 'password': 'soak-user-pw'}}},
        'scope': {'project': {'name': 'p%d' % i, 'domain': {'id': 'default'}}}}}
    rq = urllib.request.Request(api + '/v3/auth/tokens',
                                json.dumps(body).encode(),
                                {'Content-Type': 'application/json'})
    with urllib.request.urlopen(rq) as r:
        t = json.load(r)['token']
        return '%s %s %s' % (r.headers['X-Subject-Token'], t['user']['id'],
                             t['project']['id'])
with ThreadPoolExecutor(8) as ex:
    for line in ex.map(login, range(n)):
        print(line)
PY
APORT=${API##*:}

soak() {	# soak SECONDS RATE
	"$B/bench/soak" 127.0.0.1 "$APORT" "$WORK/clients" "$1" "$2" \
	    > "$WORK/soak.out"
	cat "$WORK/soak.out"
}
field() {
	awk -v k="$1" -v n="$2" '$1 == k { print $n }' "$WORK/soak.out"
}
echo "-- the maximum (closed loop, 10 s)"
soak 10 0
max=$(field rate 2)
target=$((max * 8 / 10))

sample() {	# every 2 s: seconds rss_api fds_api rss_signer fds_signer
	# (seconds by the clock: counting the sleeps fell behind it, as
	# each sample takes time too, and so the clients' disconnections at
	# the end came into the window that must stay flat)
	t0=$(date +%s)
	while [ -f "$WORK/sampling" ]; do
		echo "$(($(date +%s) - t0))" \
		    "$(awk '/VmRSS/ { print $2 }' /proc/$API_PID/status)" \
		    "$(ls /proc/$API_PID/fd | wc -l)" \
		    "$(awk '/VmRSS/ { print $2 }' /proc/$SIGNER_PID/status)" \
		    "$(ls /proc/$SIGNER_PID/fd | wc -l)"
		sleep 2
	done > "$WORK/samples"
}
echo "-- soak: $SECS s at $target req/s (80% of $max), $CLIENTS clients"
: > "$WORK/sampling"
sample &
SAMPLER=$!
soak "$SECS" "$target"
rm -f "$WORK/sampling"
wait "$SAMPLER"

bad=0
check() {	# check DESCRIPTION CONDITION...
	d=$1; shift
	if "$@"; then echo "ok: $d"; else echo "FAIL: $d"; bad=1; fi
}
check "zero errors ($(field errors 2))" [ "$(field errors 2)" -eq 0 ]
check "zero identity mix-ups over $(field validate 2) validations" \
    [ "$(field mismatches 2)" -eq 0 ]
check "at least 10^5 validations" [ "$(field validate 2)" -ge 100000 ]
for k in issue validate; do
	p50=$(field $k 3) p99=$(field $k 4)
	check "$k: p99 ${p99} us <= 5 x p50 ${p50} us" [ "$p99" -le $((5 * p50)) ]
done
warm=$((SECS / 5))
growth() {	# growth COLUMN: percent from the end of warm-up to the end
	awk -v w="$warm" -v c="$1" '$1 >= w && !b { b = $c } { e = $c }
	    END { printf "%.1f", b ? (e - b) * 100 / b : 0 }' "$WORK/samples"
}
fds() {	# the range while clients are connected (not the last seconds)
	awk -v w="$warm" -v c="$1" -v e="$((SECS - 4))" '$1 >= w && $1 <= e {
	    if (!m || $c > m) m = $c;
	    if (!n || $c < n) n = $c } END { print m - n }' "$WORK/samples"
}
for p in api:2:3 signer:4:5; do
	name=${p%%:*} rc=$(echo "$p" | cut -d: -f2) fc=${p##*:}
	g=$(growth "$rc")
	check "$name RSS growth after warm-up ${g}% <= 2%" \
	    awk -v g="$g" 'BEGIN { exit !(g <= 2) }'
	check "$name fd count flat after warm-up (range $(fds "$fc"))" \
	    [ "$(fds "$fc")" -le 2 ]
done
tok=$(head -1 "$WORK/clients" | cut -d' ' -f1)
size=$(curl -sf -H "X-Auth-Token: $tok" -H "X-Subject-Token: $tok" \
    "$API/v3/auth/tokens" | wc -c)
stop_api
stop_signer

# The floor under the tail checks: the same load against libmicrohttpd
# answering a fixed 200 of a validation's size (no work at all), at 80%
# of its own maximum. It answers 200 to a re-scope, so the load counts
# every answer as a failed issuance: only its times are read. Not a
# check: what this machine and this load give a server that does nothing.
floor() {	# floor SECONDS RATE: "rate p50 p99"
	"$B/bench/soak" 127.0.0.1 "$fport" "$WORK/clients" "$1" "$2" |
	    awk '$1 == "rate" { r = $2 } $1 == "issue" { print r, $3, $4 }'
}
floor_line() {
	FSECS=${SOAK_FLOOR_SECONDS:-60}
	fport=$(free_port)
	"$B/bench/mhd_ceiling" "$fport" "$size" > "$WORK/floor.log" 2>&1 &
	fpid=$!
	trap 'kill $fpid 2>/dev/null || true; cleanup' EXIT
	if ! wait_until 10 grep -q serving "$WORK/floor.log"; then
		echo "-- the floor: the fixed-200 server did not start"
		return
	fi
	fmax=$(floor 10 0 | cut -d' ' -f1)
	set -- $(floor "$FSECS" $((${fmax:-0} * 8 / 10)))
	kill "$fpid"
	trap cleanup EXIT
	if [ "${fmax:-0}" -eq 0 ] || [ "${2:-0}" -eq 0 ]; then
		echo "-- the floor: no answers measured"
		return
	fi
	echo "-- the floor: a fixed 200 of $size bytes at $1 req/s (80% of" \
	    "$fmax), $FSECS s: p99 $3 us = $(awk -v a="$3" -v b="$2" \
	    'BEGIN { printf "%.1f", a / b }') x p50 $2 us"
}
if [ "$size" -gt 0 ]; then
	floor_line
else
	echo "FAIL: a validation after the soak (for the floor's size)"
	bad=1
fi

echo "-- the signer SIGKILLed ${SOAK_KILLS:-200} times under load"
SIGNET_KILLS=${SOAK_KILLS:-200} BIN="$BIN" sh tests/integration/faults-signer-kill.sh ||
    bad=1
exit $bad
