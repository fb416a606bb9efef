# Hostile peers: bad and cut frames, garbage,
# unknown fields, 1000 pipelined calls, every truncation and bit flip of a
# valid token, Fernet spec's invalid vectors, a peer uid not on the
# allowlist. Each gets an error or a closed connection; the signer keeps
# serving and ends ASan-clean.
. tests/integration/lib/softhsm.sh

token_up
export PYTHONPATH="$PWD/tests/integration/lib"
expect_ok "hostile frames" /usr/bin/python3 \
    tests/integration/lib/hostile.py "$SOCK" frames
cat "$WORK/out"

claims="{\"user_id\":\"u1\",\"methods\":[\"password\"],\"expires_at\":\"$(in_minutes 30)\",\"audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"]}"
tok=$(rpc issue-fernet "$claims" | sed -n 's/.*"token": "\(.*\)".*/\1/p')
[ -n "$tok" ] || fail "no token to flip"
expect_ok "every truncation and bit flip refused" /usr/bin/python3 \
    tests/integration/lib/hostile.py "$SOCK" flips "$tok"
cat "$WORK/out"

# A peer whose uid is not allowed is dropped before a byte is read.
# nobody runs a copy in WORK: the checkout may be in a folder only its
# owner can enter (a clone in root's home).
printf '[signer]\nsocket = %s\n' "$SOCK" > "$WORK/nobody.conf"
mkdir -m 755 "$WORK/nobody"
cp "$BIN/signet-rpc" "$WORK/nobody/"
preload=""
for f in ${SIGNET_PRELOAD:-}; do
	cp "$f" "$WORK/nobody/" && preload="$preload $WORK/nobody/${f##*/}"
done
chmod 755 "$WORK/nobody"/*
chmod 644 "$WORK/nobody.conf"
chmod 755 "$WORK"
chmod 666 "$SOCK"
expect_fail "a denied peer uid" "no answer" setpriv --reuid=nobody \
    --regid=nogroup --clear-groups env LD_PRELOAD="$preload" \
    "$WORK/nobody/signet-rpc" -c "$WORK/nobody.conf" health
chmod 700 "$WORK"
grep -q '"op":"connect".*"result":"peer denied"' "$WORK/audit.log" ||
    fail "the denied peer was not audited"
expect_ok "still serving" rpc health
expect_ok "clean shutdown" stop_signer
finish
