#!/bin/sh
# make bench: the identity store. signet-api on SQLite beside the same on
# PostgreSQL (one node: token-method issuance, validation with the cache
# on and off), then one, two and three front-ends on one PostgreSQL
# database and one signer, each driven by its own wrk, as a ratio to one
# front-end. Every process shares this machine's cores: the ratios show
# the cost of sharing, not a cluster's scaling (README, "Benchmarks").
set -eu
B=${1:-build}
BIN="$PWD/$B/bin"
SECS=${BENCH_SECONDS:-3}
PORT0=$((${BENCH_API_PORT:-5990} + 10))	# run.sh's own API has 5990
. tests/integration/lib/softhsm.sh
. tests/integration/lib/pg.sh
prov init-token > /dev/null
prov fernet-setup > /dev/null
printf '[signer]\nworkers = 4\nmax_connections = 64\n' >> "$CONF"
start_signer
pg_up
printf 'bench-admin\n' > "$WORK/admin.pw"
APIS=""
trap 'kill $APIS 2>/dev/null || true; pg_down; cleanup' EXIT

# conf NAME STORE CACHE_TIME PORT: an API's configuration
conf() {
	cp "$CONF" "$WORK/$1.conf"
	printf '[database]\nconnection = %s\n[api]\nport = %s\n[token]\nprovider = fernet\ncache_time = %s\n' \
	    "$2" "$4" "$3" >> "$WORK/$1.conf"
}
conf sqlite sqlite:///signet.db 300 "$PORT0"
"$BIN/signet-manage" -c "$WORK/sqlite.conf" bootstrap \
    --admin-password-file "$WORK/admin.pw" > /dev/null
conf pg "$PG_CONN" 300 "$PORT0"
"$BIN/signet-manage" -c "$WORK/pg.conf" bootstrap \
    --admin-password-file "$WORK/admin.pw" > /dev/null

# up NAME...: those APIs (stopping the others); TOKEN and BODY for wrk
up() {
	kill $APIS 2>/dev/null || true
	for p in $APIS; do wait "$p" 2>/dev/null || true; done
	APIS=""
	for n in "$@"; do
		: > "$WORK/$n.log"
		"$BIN/signet-api" -c "$WORK/$n.conf" > "$WORK/$n.log" 2>&1 &
		APIS="$APIS $!"
		wait_until 30 grep -q serving "$WORK/$n.log" ||
		    { echo "store bench: $(cat "$WORK/$n.log")"; exit 1; }
	done
	port=$(sed -n 's/^port = //p' "$WORK/$1.conf" | tail -1)
	TOKEN=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
	    -d '{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"id": "default"}, "password": "bench-admin"}}}, "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}' \
	    "http://127.0.0.1:$port/v3/auth/tokens" |
	    sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p')
	BODY="{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$TOKEN\"}}, \"scope\": {\"project\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}}}}}"
	export TOKEN BODY
}
# load SCRIPT CONNS NAME...: wrk on each API at once, CONNS connections
# in all; "req/s p99" summed (the worst p99)
load() {
	script=$1 conns=$(($2 / ($# - 2)))
	shift 2
	wrks=""
	for n in "$@"; do
		port=$(sed -n 's/^port = //p' "$WORK/$n.conf" | tail -1)
		wrk -t1 -c"$conns" -d"${SECS}s" --latency -s "bench/wrk/$script" \
		    "http://127.0.0.1:$port/v3/auth/tokens" > "$WORK/wrk.$n" &
		wrks="$wrks $!"
	done
	# shellcheck disable=SC2086
	wait $wrks
	for n in "$@"; do
		awk '/Requests\/sec/ { r = $2 } /^ +99%/ { p = $2 }
		    END { print r, p }' "$WORK/wrk.$n"
	done | awk 'function ms(x) { if (x ~ /us$/) return x / 1000;
	    if (x ~ /ms$/) return x + 0; return x * 1000 }
	    { r += $1; if (ms($2) > w) { w = ms($2); p = $2 } }
	    END { printf "%.0f %s\n", r, p }'
}
row() {	# row LABEL "RATE P99" [BASE BASENAME]
	set -- "$1" $2 "${3:-}" "${4:-}"
	printf '%-44s %9s %9s  %s\n' "$1" "$2" "$3" "$([ -z "$4" ] ||
	    awk -v a="$2" -v b="$4" -v n="$5" 'BEGIN { printf "%.2f x %s", a / b, n }')"
}

echo
printf '%-44s %9s %9s  %s\n' "identity store (wrk, 16 conns)" req/s p99 ratio
for n in sqlite pg; do
	up "$n"
	eval "post_$n=\"$(load post.lua 16 "$n")\""
	eval "get_$n=\"$(load get.lua 16 "$n")\""
done
for n in sqlite pg; do
	sed -i 's/^cache_time = 300$/cache_time = 0/' "$WORK/$n.conf"
	up "$n"
	eval "off_$n=\"$(load get.lua 16 "$n")\""
done
row "POST token method, SQLite" "$post_sqlite"
row "POST token method, PostgreSQL" "$post_pg" "${post_sqlite% *}" SQLite
row "GET validation, SQLite" "$get_sqlite"
row "GET validation, PostgreSQL" "$get_pg" "${get_sqlite% *}" SQLite
row "GET validation, cache off, SQLite" "$off_sqlite"
row "GET validation, cache off, PostgreSQL" "$off_pg" "${off_sqlite% *}" \
    SQLite

# one to three front-ends on the database, the cache on
sed -i 's/^cache_time = 0$/cache_time = 300/' "$WORK/pg.conf"
for i in 2 3; do
	sed "s/^port = $PORT0$/port = $((PORT0 + i - 1))/" "$WORK/pg.conf" \
	    > "$WORK/pg$i.conf"
done
up pg
one_post=$(load post.lua 16 pg) one_get=$(load get.lua 16 pg)
up pg pg2
two_post=$(load post.lua 16 pg pg2) two_get=$(load get.lua 16 pg pg2)
up pg pg2 pg3
three_post=$(load post.lua 15 pg pg2 pg3) three_get=$(load get.lua 15 pg pg2 pg3)
row "POST token method, PostgreSQL, 1 front-end" "$one_post"
row "  2 front-ends" "$two_post" "${one_post% *}" "1 front-end"
row "  3 front-ends" "$three_post" "${one_post% *}" "1 front-end"
row "GET validation, PostgreSQL, 1 front-end" "$one_get"
row "  2 front-ends" "$two_get" "${one_get% *}" "1 front-end"
row "  3 front-ends" "$three_get" "${one_get% *}" "1 front-end"
