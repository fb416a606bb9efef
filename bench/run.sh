#!/bin/sh
# make bench: HSM-layer throughput as ratios against ceilings measured in
# the same run (software HMAC, `openssl speed rsa2048`). Not a test: it
# asserts nothing, it reports.
set -eu
B=${1:-build}
BIN="$PWD/$B/bin"
SECS=${BENCH_SECONDS:-3}
. tests/integration/lib/softhsm.sh
prov init-token > /dev/null
prov pki-setup > /dev/null
prov fernet-setup > /dev/null

# openssl speed's RSA-2048 sign rate with 1 and with 2 processes.
speed1=$(openssl speed -seconds "$SECS" rsa2048 2>/dev/null |
    awk '/^rsa 2048 bits/ { print $6 }')
speed2=$(openssl speed -multi 2 -seconds "$SECS" rsa2048 2>/dev/null |
    awk '/^rsa 2048 bits/ { print $6 }')
printf '%-28s %10s %s\n' "measure" "ops/s" "ratio"
for t in 1 2; do
	eval speed=\$speed$t
	"$B/bench/hsm_pool" "$CONF" "$SECS" "$t" > "$WORK/b.$t"
	v() { awk -v k="$1" '$1 == k { print $2 }' "$WORK/b.$t"; }
	pooled=$(v hmac_pooled_cached) naive=$(v hmac_open_find_close)
	soft=$(v hmac_software_ceiling) rsa=$(v rsa2048_pooled)
	r() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
	echo "-- $t thread(s)"
	printf '%-28s %10s %s\n' "hmac pooled, cached handle" "$pooled" \
	    "$(r "$pooled" "$soft") x software HMAC"
	printf '%-28s %10s %s\n' "hmac open/find/sign/close" "$naive" \
	    "$(r "$naive" "$pooled") x pooled"
	printf '%-28s %10s %s\n' "hmac software (ceiling)" "$soft" ""
	printf '%-28s %10s %s\n' "rsa2048 C_Sign pooled" "$rsa" \
	    "$(r "$rsa" "$speed") x openssl speed ($speed/s)"
done
