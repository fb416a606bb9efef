# A uid the signer refuses must not grow its audit log at its own pace
# (one once made 465,109 connects in 5 s: 43.7 MB of records). Refusals
# of a uid for a reason are written in full once per window
# (REFUSE_WINDOW_S, 10 s) and counted in one summary record; together
# they still account for every refused connect.
. tests/integration/lib/softhsm.sh

N=3000
token_up
mkdir -m 755 "$WORK/nobody"
chmod 755 "$WORK"
chmod 666 "$SOCK"
t0=$(date +%s)
setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/bin/python3 -c '
import socket, sys
for i in range(int(sys.argv[2])):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    s.close()' "$SOCK" "$N" || fail "the connects failed"
chmod 700 "$WORK"
took=$(( $(date +%s) - t0 ))
expect_ok "still serving" rpc health
sleep 0.5
full=$(grep -c '"result":"peer denied"' "$WORK/audit.log")
warns=$(grep -c "refused: peer denied" "$WORK/signer.log")
# one full record per window begun while the flood ran
max=$(( took / 10 + 2 ))
[ "$full" -ge 1 ] && [ "$full" -le "$max" ] &&
    ok "$N refused connects in ${took} s: $full full records" ||
    fail "$N refused connects in ${took} s: $full full records (want 1..$max)"
[ "$warns" -ge 1 ] && [ "$warns" -le "$max" ] &&
    ok "$warns warning lines" || fail "$warns warning lines (want 1..$max)"
# the summaries come when their window ends, or at the latest at stop
expect_ok "clean shutdown" stop_signer
counted=$(/usr/bin/python3 -c '
import json, re, sys
n = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["op"] != "connect" or not r["result"].startswith("peer denied"):
        continue
    m = re.match(r"peer denied: (\d+) more refusals in the last \d+ s$",
                 r["result"])
    n += int(m.group(1)) if m else 1
print(n)' "$WORK/audit.log")
expect_eq "full records and summaries account for every refusal" "$N" \
    "$counted"
grep -q "peer uid [0-9]*: peer denied: [0-9]* more refusals in the last" \
    "$WORK/signer.log" && ok "the summary is logged" ||
    fail "no summary line in the log"
finish
