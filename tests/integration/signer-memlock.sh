# TESTPLAN S8: the signer's memory is locked (mlockall: VmLck > 0), so key
# material and the PIN never reach swap. ASan turns mlockall into a no-op,
# so this runs the plain build's signer (make test builds both).
. tests/integration/lib/softhsm.sh

PLAIN="$PWD/build/bin/signet-signerd"
[ -x "$PLAIN" ] || { fail "no plain build at build/bin"; finish; }
expect_ok "init-token" prov init-token
expect_ok "fernet-setup" prov fernet-setup
"$PLAIN" -c "$CONF" > "$WORK/signer.log" 2>&1 &
SIGNER_PID=$!
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_ok "it serves" rpc health
lck=$(awk '/^VmLck:/ { print $2 }' "/proc/$SIGNER_PID/status")
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SIGNER_PID/status")
[ "${lck:-0}" -gt 0 ] && ok "memory locked: VmLck ${lck} kB of ${rss} kB" ||
    fail "nothing locked (VmLck ${lck:-?} kB): $(cat "$WORK/signer.log")"
grep -q "Max core file size *0 *0" "/proc/$SIGNER_PID/limits" &&
    ok "no core files" || fail "core files possible"
expect_ok "clean shutdown" stop_signer
finish
