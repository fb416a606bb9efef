# Three nodes in network namespaces on one bridge, PostgreSQL in a
# fourth: on each node a signer with its own SoftHSM2 token (the keys
# copied wrapped under one KEK), reached by every node's signet-api over
# mutual TLS, and an API on the shared store. A load logs in on one node
# and validates on the next, round the nodes, while in turn: node 3
# joins (its keys by the wrapped export), node 1's signer is killed and
# restarted, node 2's API is killed and restarted, PostgreSQL restarts,
# and the keys are rotated across the nodes twice. No answer is wrong
# (every 200 names the user and project it was issued to), no live token
# fails to validate, 503 comes only while the database is down or coming
# back, and each token issued is audited by exactly one signer.
. tests/integration/lib/softhsm.sh
. tests/integration/lib/nodes.sh
. tests/integration/lib/pg.sh

ID=$(($$ % 200 + 20))
NET=10.$ID.77
PIDS="" HOLDERS=""
down() {
	# shellcheck disable=SC2086
	kill $PIDS 2>/dev/null
	# shellcheck disable=SC2086
	wait $PIDS 2>/dev/null
	[ -z "${PG_DIR:-}" ] || pg_down
	# shellcheck disable=SC2086
	kill $HOLDERS 2>/dev/null	# their namespaces go with them
	cleanup
}
trap down EXIT
# A network namespace for N (1-3: the nodes, 4: the database, h: the
# hub), held by a process of its own: nothing named, nothing mounted, and
# gone with the test, however it ends.
hold() {
	unshare --net sleep 86400 &
	_h=$!
	eval "NS$1=$_h"
	HOLDERS="$HOLDERS $_h"
	wait_until 5 eval '[ "$(readlink /proc/'"$_h"'/ns/net)" != \
	    "$(readlink /proc/self/ns/net)" ]' || fail "no namespace for $1"
}
in_ns() {	# in_ns N CMD...: CMD in N's namespace
	eval "_pid=\$NS$1"
	shift
	nsenter -t "$_pid" -n "$@"
}

# the network: a bridge in the hub, a veth from each namespace to it
hold h
in_ns h ip link add br0 type bridge && in_ns h ip link set br0 up ||
    { echo "no network namespaces here"; exit 1; }
for n in 1 2 3 4; do
	hold "$n"
	in_ns "$n" ip link set lo up
	eval "ip link add e$ID netns \$NS$n type veth peer name b$n netns \$NSh"
	in_ns h ip link set "b$n" master br0 up
	in_ns "$n" ip addr add "$NET.$n/24" dev "e$ID"
	in_ns "$n" ip link set "e$ID" up
done

PG_NETNS=$NS4 PG_LISTEN="$NET.4"
pg_up
DB="postgresql://signet@$NET.4/signet"

# mutual TLS: one CA, a server certificate per signer, one for the APIs
CA="/usr/bin/python3 tests/integration/lib/extca.py"
T="$WORK/tls"
mkdir "$T"
$CA ca "$T/ca.key" "$T/ca.pem"
cert() {	# cert NAME CN MODE
	openssl req -new -newkey rsa:2048 -nodes -keyout "$T/$1.key" \
	    -subj "/CN=$2" -out "$T/$1.csr" 2>/dev/null
	$CA sign "$T/$1.csr" "$T/ca.key" "$T/ca.pem" "$T/$1.pem" "$3"
	chmod 600 "$T/$1.key"
}
cert api signet-api tlsclient
C="$WORK/custody"
mkdir -m 700 "$C"
for i in 1 2; do
	ours "$BIN/signet-provision" kek-component --out "$C/c$i" > /dev/null ||
	    fail "kek-component $i"
done
for n in 1 2 3; do
	d="$WORK/n$n"
	node_conf "$d" "$LABEL-$n"
	cert "signer$n" "$NET.$n" "tlsserver:$NET.$n"
	# tokens outlive two rotations: five keys (Keystone's rule, the
	# tokens' lifetime over the rotation period plus two)
	printf '[fernet_tokens]\nmax_active_keys = 5\n' >> "$d/signet.conf"
	printf '[signer]\ntcp_listen = %s:7000\ntls_cert = %s\ntls_key = %s\ntls_ca = %s\nrescan_interval = 1\nspin_us = 0\n' \
	    "$NET.$n" "$T/signer$n.pem" "$T/signer$n.key" "$T/ca.pem" >> \
	    "$d/signet.conf"
	expect_ok "node $n: init-token" ours "$BIN/signet-provision" \
	    -c "$d/signet.conf" init-token
	expect_ok "node $n: kek-setup" ours "$BIN/signet-provision" \
	    -c "$d/signet.conf" kek-setup --component "$C/c1" \
	    --component "$C/c2"
	# its API: its own signer first, the others over mutual TLS
	others=""
	for m in 1 2 3; do
		[ "$m" = "$n" ] || others="$others, tcp://$NET.$m:7000"
	done
	printf '[signer]\nsocket = signer.sock%s\ntls_client_cert = %s\ntls_client_key = %s\ntls_ca = %s\n\n[database]\nconnection = %s\n\n[api]\nbind_host = %s\nport = 5000\n' \
	    "$others" "$T/api.pem" "$T/api.key" "$T/ca.pem" "$DB" "$NET.$n" \
	    > "$d/api.conf"
done
expect_ok "node 1: fernet-setup" ours "$BIN/signet-provision" \
    -c "$WORK/n1/signet.conf" fernet-setup
expect_ok "node 2: node 1's keys, wrapped" sh -c "
    LD_PRELOAD='${SIGNET_PRELOAD:-}' '$BIN/signet-provision' -c '$WORK/n1/signet.conf' fernet-export --out - |
    LD_PRELOAD='${SIGNET_PRELOAD:-}' '$BIN/signet-provision' -c '$WORK/n2/signet.conf' fernet-import-wrapped -"

signer_up() {	# signer_up N
	rm -f "$WORK/n$1/signer.sock"
	# nsenter and env exec what they run: $! is the signer's pid (a
	# function in the background would be a subshell's)
	eval "_pid=\$NS$1"
	nsenter -t "$_pid" -n env LD_PRELOAD="${SIGNET_PRELOAD:-}" \
	    "$BIN/signet-signerd" -c "$WORK/n$1/signet.conf" \
	    >> "$WORK/n$1/signer.log" 2>&1 &
	eval "SIGNER$1=\$!"
	PIDS="$PIDS $!"
	wait_until 10 [ -S "$WORK/n$1/signer.sock" ] ||
	    fail "no signer on node $1: $(cat "$WORK/n$1/signer.log")"
}
api_up() {	# api_up N
	: > "$WORK/n$1/api.log"
	eval "_pid=\$NS$1"
	nsenter -t "$_pid" -n env LD_PRELOAD="${SIGNET_PRELOAD:-}" \
	    "$BIN/signet-api" -c "$WORK/n$1/api.conf" > "$WORK/n$1/api.log" \
	    2>&1 &
	eval "API$1=\$!"
	PIDS="$PIDS $!"
	wait_until 30 grep -qs "serving the Keystone" "$WORK/n$1/api.log" ||
	    fail "no API on node $1: $(cat "$WORK/n$1/api.log")"
}
mgr1() {
	in_ns 1 env LD_PRELOAD="${SIGNET_PRELOAD:-}" "$BIN/signet-manage" \
	    -c "$WORK/n1/api.conf" "$@"
}
printf 'secret-admin\n' > "$WORK/admin.pw"
expect_ok "bootstrap on PostgreSQL, from node 1" mgr1 bootstrap \
    --admin-password-file "$WORK/admin.pw"
: > "$WORK/users"
for u in alice bob; do
	printf 'secret-%s\n' "$u" > "$WORK/$u.pw"
	expect_ok "user $u" mgr1 user-create "$u" --password-file "$WORK/$u.pw"
	expect_ok "project of $u" mgr1 project-create "p-$u"
	expect_ok "$u a member of p-$u" mgr1 role-grant member --user "$u" \
	    --project "p-$u"
	printf '%s secret-%s p-%s\n' "$u" "$u" "$u" >> "$WORK/users"
done
for n in 1 2; do
	signer_up "$n"
	api_up "$n"
done
printf 'http://%s.1:5000\nhttp://%s.2:5000\n' "$NET" "$NET" > "$WORK/nodes"

# the load, from the database's namespace (an outsider to the nodes)
echo steady > "$WORK/phase"
nsenter -t "$NS4" -n /usr/bin/python3 tests/integration/lib/cluster_load.py \
    "$WORK/nodes" "$WORK/users" "$WORK/phase" "$WORK/stop" \
    "$WORK/load.json" > "$WORK/load.log" 2>&1 &
LOAD=$!
PIDS="$PIDS $LOAD"
phase() {	# phase NAME [SECONDS]: a new phase, then load for a while
	echo "$1" > "$WORK/phase.new"
	mv "$WORK/phase.new" "$WORK/phase"	# never read half-written
	sleep "${2:-2}"
}
phase steady

# node 3 joins: the keys wrapped, its signer, its API
phase join 0
expect_ok "node 3: node 1's keys, wrapped" sh -c "
    LD_PRELOAD='${SIGNET_PRELOAD:-}' '$BIN/signet-provision' -c '$WORK/n1/signet.conf' fernet-export --out - |
    LD_PRELOAD='${SIGNET_PRELOAD:-}' '$BIN/signet-provision' -c '$WORK/n3/signet.conf' fernet-import-wrapped -"
signer_up 3
api_up 3
printf 'http://%s.3:5000\n' "$NET" >> "$WORK/nodes"
phase joined

phase signer-killed 0
kill -9 "$SIGNER1"
sleep 3
signer_up 1
phase signer-back

phase api-killed 0
kill -9 "$API2"
sleep 3
api_up 2
phase api-back

phase db-down 0
pg_stop fast
sleep 3
phase db-back 0
pg_start || fail "PostgreSQL did not start again"
sleep 3
phase db-steady

phase rotate 0
ROTATE="$PWD/scripts/signet-cluster-rotate"
rotate() {
	"$ROTATE" --settle 2 \
	    "env LD_PRELOAD='${SIGNET_PRELOAD:-}' $BIN/signet-provision -c $WORK/n1/signet.conf" \
	    "env LD_PRELOAD='${SIGNET_PRELOAD:-}' $BIN/signet-provision -c $WORK/n2/signet.conf" \
	    "env LD_PRELOAD='${SIGNET_PRELOAD:-}' $BIN/signet-provision -c $WORK/n3/signet.conf"
}
expect_ok "keys rotated across the nodes" rotate
expect_ok "and again" rotate
phase rotated

touch "$WORK/stop"
wait "$LOAD" || fail "the load failed: $(cat "$WORK/load.log")"

# what the load saw
/usr/bin/python3 - "$WORK/load.json" > "$WORK/summary" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for ph, c in d['counts'].items():
    print(ph, ' '.join('%s=%d' % kv for kv in sorted(c.items())))
PY
cat "$WORK/summary"
/usr/bin/python3 - "$WORK/load.json" "$WORK"/n1/audit.log \
    "$WORK"/n2/audit.log "$WORK"/n3/audit.log > "$WORK/verdict" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad, total = [], {}
for ph, c in d['counts'].items():
    for k, v in c.items():
        total[k] = total.get(k, 0) + v
        what, _, code = k.partition(' ')
        if what in ('new', 'old') and code != '200' and not (
                code == '503' and ph in ('db-down', 'db-back')):
            bad.append('%s: %s x%d' % (ph, k, v))
        if what == 'issue' and code != '201' and not (
                code == '503' and ph in ('db-down', 'db-back')):
            bad.append('%s: %s x%d' % (ph, k, v))
print('wrong', len(d['wrong']))
print('unexpected', len(bad), *bad[:5])
print('issued', total.get('issue 201', 0))
print('validated', total.get('new 200', 0) + total.get('old 200', 0))
audited = {}
for path in sys.argv[2:]:
    for line in open(path):
        r = json.loads(line)
        if r.get('op') == 'issue_fernet' and r.get('result') == 'ok':
            a = r.get('audit_id')
            audited[a] = audited.get(a, 0) + 1
print('audited once', sum(1 for _, a in d['issued'] if audited.get(a) == 1),
      'of', len(d['issued']))
PY
cat "$WORK/verdict"
expect_eq "no wrong answer" "wrong 0" "$(sed -n 1p "$WORK/verdict")"
expect_eq "no failed validation, no 503 but while the database is away" \
    "unexpected 0" "$(sed -n 2p "$WORK/verdict" | cut -d' ' -f1-2)"
grep -q '^unexpected 0' "$WORK/verdict" || grep -ah 'error\|warning' \
    "$WORK"/n*/api.log | cut -c26- | sort | uniq -c | sort -rn | head
n=$(sed -n 's/^issued //p' "$WORK/verdict")
expect_eq "the load issued tokens" yes "$([ "${n:-0}" -ge 30 ] && echo yes)"
expect_eq "each token audited by exactly one signer" \
    "audited once $n of $n" "$(sed -n 5p "$WORK/verdict")"
for p in joined signer-back api-back db-steady rotated; do
	grep -q "^$p .*new 200=" "$WORK/summary" ||
	    fail "no token validated in phase $p"
done
grep -q '^db-down .*issue 503=' "$WORK/summary" ||
    fail "no login was refused while the database was down"
finish
