# Rotation across three signer nodes, each with its own token and the
# same key-encryption key, by scripts/signet-cluster-rotate: its first run
# gives the new nodes the first node's keys; then two rotations while a
# load issues a Fernet token on one node and opens it on another, round
# the nodes, without a pause: not one fails, every node ends with the
# same keys, two rotations on. A node that cannot take the keys (another
# KEK) stops a run before anything is promoted.
. tests/integration/lib/softhsm.sh
. tests/integration/lib/nodes.sh

PIDS=""
trap 'kill $PIDS 2>/dev/null; cleanup' EXIT
node_conf "$WORK/b" "$LABEL-b"
node_conf "$WORK/c" "$LABEL-c"
CONFS="$CONF $WORK/b/signet.conf $WORK/c/signet.conf"
C="$WORK/custody"
mkdir -m 700 "$C"
for i in 1 2 3; do
	ours "$BIN/signet-provision" kek-component --out "$C/c$i" > /dev/null ||
	    fail "kek-component $i"
done
n=0
for cf in $CONFS; do
	n=$((n + 1))
	expect_ok "node $n: init-token" ours "$BIN/signet-provision" -c "$cf" init-token
	expect_ok "node $n: kek-setup" ours "$BIN/signet-provision" -c "$cf" \
	    kek-setup --component "$C/c1" --component "$C/c2"
	printf '[signer]\nrescan_interval = 1\n' >> "$cf"
done
expect_ok "node 1: fernet-setup" prov fernet-setup
ROTATE="$PWD/scripts/signet-cluster-rotate"
nodes() {	# the NODE arguments: signet-provision on each node
	for cf in $CONFS; do
		printf "env LD_PRELOAD='%s' %s -c %s\n" "${SIGNET_PRELOAD:-}" \
		    "$BIN/signet-provision" "$cf"
	done
}
rotate() {	# rotate: the script over the three nodes, 1 s to settle
	nodes > "$WORK/nodes"
	{ read -r n1; read -r n2; read -r n3; } < "$WORK/nodes"
	"$ROTATE" --settle 2 "$n1" "$n2" "$n3"
}
list() {	# list CONF: its fernet-list, one line
	ours "$BIN/signet-provision" -c "$1" fernet-list | tr '\n' ' '
}

# the first run: the new nodes take node 1's keys, then one rotation
expect_ok "the first run" rotate
grep -q "token keys copied to node 2" "$WORK/out" &&
    grep -q "token keys copied to node 3" "$WORK/out" &&
    ok "the first run copied the keys to nodes 2 and 3" ||
    fail "the first run: $(cat "$WORK/out")"
first=$(list "$CONF")
expect_eq "node 2 lists node 1's keys" "$first" "$(list "$WORK/b/signet.conf")"
expect_eq "node 3 lists node 1's keys" "$first" "$(list "$WORK/c/signet.conf")"

# a signer on each node
for cf in $CONFS; do
	d=$(dirname "$cf")
	rm -f "$d/signer.sock"
	LD_PRELOAD="${SIGNET_PRELOAD:-}" "$BIN/signet-signerd" -c "$cf" \
	    > "$d/signer-$(basename "$cf").log" 2>&1 &
	PIDS="$PIDS $!"
	wait_until 10 [ -S "$d/signer.sock" ] || fail "no signer for $cf"
done

# the load: issue on node k, open on node k+1, round the nodes, until told
claims="{\"user_id\":\"u1\",\"methods\":[\"password\"],\"expires_at\":\"$(in_minutes 30)\",\"audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"]}"
load() {
	set -- $CONFS
	k=0 good=0 bad=0
	while [ ! -f "$WORK/stop" ]; do
		i=$((k % 3 + 1)) j=$(((k + 1) % 3 + 1))
		eval "ci=\${$i}" && eval "cj=\${$j}"
		tok=$(ours "$BIN/signet-rpc" -c "$ci" issue-fernet "$claims" 2>"$WORK/e" |
		    sed -n 's/.*"token": "\(.*\)".*/\1/p')
		if [ -n "$tok" ] && ours "$BIN/signet-rpc" -c "$cj" open-fernet \
		    "$tok" 2>&1 | grep -q '"user_id": "u1"'; then
			good=$((good + 1))
		else
			bad=$((bad + 1))
			echo "node $i issued, node $j refused: $(cat "$WORK/e")" >> "$WORK/load.bad"
		fi
		k=$((k + 1))
	done
	echo "$good $bad" > "$WORK/load"
}
load &
LOAD=$!
PIDS="$PIDS $LOAD"
sleep 2
expect_ok "a rotation under load" rotate
expect_ok "and another" rotate
sleep 2
touch "$WORK/stop"
wait "$LOAD"
read -r good bad < "$WORK/load"
expect_eq "no token failed to open on another node" 0 "$bad"
[ "$bad" = 0 ] || { sort "$WORK/load.bad" | uniq -c | sort -rn | head -5; grep -v "info:" "$WORK"/b/signer-*.log | head -20; }
expect_eq "the load ran" yes "$([ "$good" -ge 10 ] && echo yes)"
after=$(list "$CONF")
expect_eq "node 2 ends with node 1's keys" "$after" "$(list "$WORK/b/signet.conf")"
expect_eq "node 3 ends with node 1's keys" "$after" "$(list "$WORK/c/signet.conf")"
p1=$(echo "$first" | sed -n 's/.*\([0-9]\) primary.*/\1/p')
p3=$(echo "$after" | sed -n 's/.*\([0-9]\) primary.*/\1/p')
expect_eq "two rotations on" "$((p1 + 2))" "$p3"

# a node under another KEK: the run stops before node 1 rotates
expect_ok "node 3 given another KEK" ours "$BIN/signet-provision" \
    -c "$WORK/c/signet.conf" kek-setup --force --component "$C/c1" \
    --component "$C/c3"
expect_ok "node 1 rotates alone (node 3 now lacks its staged key)" prov fernet-rotate
held=$(list "$CONF")
if rotate > "$WORK/out" 2>&1; then
	fail "a run with a node that cannot take the keys went through"
else
	grep -q "cannot import the token keys into" "$WORK/out" &&
	    ok "the run stops at the node that cannot take the keys" ||
	    fail "the run's refusal: $(cat "$WORK/out")"
fi
expect_eq "node 1 was not rotated" "$held" "$(list "$CONF")"
finish
