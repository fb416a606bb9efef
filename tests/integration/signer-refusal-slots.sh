# Refusals are summarised per uid and reason (refusals.c), but the table
# is direct-mapped on (uid * 31 + address of the reason / 8) % 64 and a
# slot taken by another (uid, reason) is summarised and handed over. Two
# refused uids whose numbers are equal modulo 64 (1031 and 1095 here)
# thus evict each other on every connection, and each refusal writes a
# full audit record: taking turns, they grow the audit log at their own
# pace. Wanted: at most two records per uid and reason per window.
. tests/integration/lib/softhsm.sh

expect_ok "init-token" prov init-token
expect_ok "fernet-setup" prov fernet-setup
start_signer
chmod 755 "$WORK"
chmod 666 "$SOCK"
cat > "$WORK/knock.py" <<'PY'
import socket
import sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.recv(1)
PY
chmod 644 "$WORK/knock.py"
knock() {
	setpriv --reuid="$1" --regid="$1" --clear-groups \
	    /usr/bin/python3 "$WORK/knock.py" "$SOCK"
}
before=$(wc -l < "$WORK/audit.log")
i=0
while [ $i -lt 20 ]; do
	knock 1031
	knock 1095
	i=$((i + 1))
done
n=$(( $(wc -l < "$WORK/audit.log") - before ))
[ "$n" -le 4 ] && ok "40 refusals of two uids: $n audit records" ||
    fail "40 refusals of two uids taking turns: $n audit records (want at most 4)"
expect_ok "still serving" rpc health
expect_ok "clean shutdown" stop_signer
finish
