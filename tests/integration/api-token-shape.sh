# Outsiders cannot grow the audit log. A string that cannot be a
# Fernet token (not the canonical base64url, wrong version byte, padded,
# cut, not whole AES blocks, too long) is refused by signet-api itself:
# 401 as X-Auth-Token, 404 as X-Subject-Token, and neither an RPC nor an
# audit record. A well-formed token with a flipped bit still goes to the
# signer, which alone can tell, and is audited there.
. tests/integration/lib/softhsm.sh

appliance_up
start_api
tok=$(admin_token)
[ -n "$tok" ] || fail "no token issued"
as_caller() {	# the status with $1 as X-Auth-Token
	token_status "$1" "$tok"
}
as_subject() {	# the status with $1 as X-Subject-Token
	token_status "$tok" "$1"
}
opens() {
	grep -c '"op":"open_fernet"' "$WORK/audit.log"
}
expect_eq "the token validates" 200 "$(as_subject "$tok")"
before=$(opens)
size=$(wc -c < "$WORK/audit.log")

len=${#tok}
cut=$(printf '%s' "$tok" | cut -c1-$((len - 5)))
rest=$(printf '%s' "$tok" | cut -c2-)
long=$(head -c 3000 /dev/zero | tr '\0' 'A')
n=0
for junk in x "$long" "h$rest" "$tok=" "$cut" "$tok$tok" \
    "$(printf '%s' "$tok" | sed 's/^\(.........\)./\1+/')" "g$(head -c 96 /dev/zero | tr '\0' 'A')"; do
	expect_eq "junk $n as X-Auth-Token: 401" 401 "$(as_caller "$junk")"
	expect_eq "junk $n as X-Subject-Token: 404" 404 "$(as_subject "$junk")"
	n=$((n + 1))
done
i=0
while [ $i -lt 50 ]; do
	as_caller x > /dev/null
	i=$((i + 1))
done
sleep 1		# the signer's audit writer catches up
# only the callers' own valid token was opened (once, then cached)
grep '"op":"open_fernet"' "$WORK/audit.log" | tail -n +$((before + 1)) |
    grep -v '"result":"ok"' > "$WORK/junk.audit"
expect_eq "no junk reached the signer" 0 "$(wc -l < "$WORK/junk.audit")"
cat "$WORK/junk.audit"
[ "$(wc -c < "$WORK/audit.log")" -lt $((size + 2000)) ] &&
    ok "the audit log did not grow with the junk" ||
    fail "the audit log grew by $(($(wc -c < "$WORK/audit.log") - size)) bytes"

# a bit flipped inside the ciphertext: the shape holds, the MAC does not
mid=$((len / 2))
c=$(printf '%s' "$tok" | cut -c$mid)
[ "$c" = A ] && d=B || d=A
flip="$(printf '%s' "$tok" | cut -c1-$((mid - 1)))$d$(printf '%s' "$tok" | cut -c$((mid + 1))-)"
expect_eq "a flipped token: 404" 404 "$(as_subject "$flip")"
expect_eq "the flipped token reached the signer" 1 \
    "$(tail -n +$((before + 1)) "$WORK/audit.log" | grep '"op":"open_fernet"' | grep -vc '"result":"ok"')"
expect_eq "the valid token still validates" 200 "$(as_subject "$tok")"
expect_ok "clean shutdown" stop_api
finish
