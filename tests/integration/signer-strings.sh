# Every string of a request is well-formed UTF-8 with no NUL, or the call
# is refused: protobuf-c hands strings over as C strings, so "u1\0admin"
# would be issued for "u1", and it does not check UTF-8 at all. Raw
# frames (sigproto.py) put a NUL or bad bytes in each kind of field.
. tests/integration/lib/softhsm.sh

token_up
claims="{\"user_id\":\"u1\",\"methods\":[\"password\"],\"expires_at\":\"$(in_minutes 30)\",\"audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"]}"
tok=$(rpc issue-fernet "$claims" | sed -n 's/.*"token": "\(.*\)".*/\1/p')
[ -n "$tok" ] || fail "no token"
PYTHONPATH=tests/integration/lib /usr/bin/python3 \
    tests/integration/lib/strings.py "$SOCK" "$tok" > "$WORK/strings" 2>&1 ||
    fail "strings: $(grep -v '^ok' "$WORK/strings")"
cat "$WORK/strings"
grep -q '"user_id":"u1"' "$WORK/audit.log" &&
    [ "$(grep -c '"op":"issue_fernet".*"user_id":"u1".*"result":"ok"' \
    "$WORK/audit.log")" -eq 1 ] && ok "no token issued for the cut id" ||
    fail "a token was issued for a cut user_id"
grep -q "holds a NUL or is not UTF-8" "$WORK/signer.log" ||
    fail "the refusal is not logged"
expect_ok "still serving" rpc health
expect_ok "clean shutdown" stop_signer
finish
