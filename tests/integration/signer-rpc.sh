# signet-signerd through signet-rpc: every scope issues and opens back to
# its claims; policy denials are errors with an audit record; expiry and
# allow_expired; the audit log is JSON lines without tokens; the process
# is hardened (no core, not dumpable, no PIN in cmdline or environ).
. tests/integration/lib/softhsm.sh

expect_ok "init-token" prov init-token
expect_ok "pki-setup" prov pki-setup
expect_ok "fernet-setup" prov fernet-setup
# trust scopes are off by default; these tests seal them on purpose
printf '[signer]\nallowed_scopes = unscoped,project,domain,system,trust\n' \
    >> "$CONF"
start_signer
expect_ok "health" rpc health
grep -q '"ready": true' "$WORK/out" || fail "not ready: $(cat "$WORK/out")"

U=0c2b7eea0e925cc9974fab5df940c6bd P=c27fba85674c5d43978d839a7eae2553
A=DMz0_i0HjcyWYPLiLhVsqA CHAIN=8cTDsvhXK3S1M2YwNp8kXQ
EXP=$(in_minutes 30)
claims() {	# claims EXTRA_JSON
	printf '{"user_id":"%s","methods":["password"],"expires_at":"%s",'`
	    `'"audit_ids":["%s"]%s}' "$U" "$EXP" "$A" "$1"
}
for c in "" ",\"project_id\":\"$P\"" ",\"domain_id\":\"$P\"" \
    ',"domain_id":"default"' ',"system":"all"' \
    ",\"project_id\":\"$P\",\"trust_id\":\"7fa6333299a559cc925ff589a824711d\"" \
    ',"project_id":"legacy-project"'; do
	expect_ok "issue $c" rpc issue-fernet "$(claims "$c")"
	tok=$(sed -n 's/.*"token": "\(.*\)".*/\1/p' "$WORK/out")
	echo "$tok" >> "$WORK/issued"
	expect_ok "open $c" rpc open-fernet "$tok"
	grep -q "\"user_id\": \"$U\"" "$WORK/out" &&
	    grep -q "\"expires_at\": \"$EXP\"" "$WORK/out" &&
	    grep -q "\"$A\"" "$WORK/out" || fail "claims differ: $(cat "$WORK/out")"
done
# Re-scoping: the parent token bounds the child.
expect_ok "a parent token" rpc issue-fernet "$(claims "" | sed "s/$A/$CHAIN/")"
parent=$(sed -n 's/.*"token": "\(.*\)".*/\1/p' "$WORK/out")
rescope() {	# rescope EXPIRES AUDIT_IDS [USER] [PARENT]
	printf '{"user_id":"%s","methods":["token"],"project_id":"%s",'`
	    `'"expires_at":"%s","audit_ids":[%s],"parent_token":"%s"}' \
	    "${3:-$U}" "$P" "$1" "$2" "${4-$parent}"
}
expect_ok "a re-scoped token" rpc issue-fernet \
    "$(rescope "$EXP" "\"$A\",\"$CHAIN\"")"
tok=$(sed -n 's/.*"token": "\(.*\)".*/\1/p' "$WORK/out")
expect_ok "open the re-scoped token" rpc open-fernet "$tok"
grep -q "$CHAIN" "$WORK/out" || fail "the chain id was lost"
expect_fail "re-scope without the parent" "parent token" rpc issue-fernet \
    "$(rescope "$EXP" "\"$A\",\"$CHAIN\"" "$U" "")"
expect_fail "re-scope outliving the parent" "beyond the parent" \
    rpc issue-fernet "$(rescope "$(in_minutes 40)" "\"$A\",\"$CHAIN\"")"
expect_fail "re-scope without the chain" "chain" rpc issue-fernet \
    "$(rescope "$EXP" "\"$A\"")"
expect_fail "re-scope of another user's token" "another user" \
    rpc issue-fernet "$(rescope "$EXP" "\"$A\",\"$CHAIN\"" other)"
expect_fail "re-scope of a forged parent" "not valid" rpc issue-fernet \
    "$(rescope "$EXP" "\"$A\",\"$CHAIN\"" "$U" "${parent}x")"

# Policy: each refused, audited as denied.
denied() {
	expect_fail "$1" "$2" rpc issue-fernet "$3"
}
denied "beyond [token] expiration" "beyond" "$(claims "" |
    sed "s/$EXP/$(in_minutes 120)/")"
denied "expired already" "in the past" "$(claims "" |
    sed "s/$EXP/2001-01-01T00:00:00Z/")"
denied "unknown method" "methods" "$(claims "" | sed 's/password/magic/')"
denied "method twice" "methods" "$(claims "" |
    sed 's/"password"/"password","password"/')"
denied "no audit id" "audit_ids" "$(claims "" | sed "s/\"$A\"//")"
denied "non-canonical audit id" "audit_ids" "$(claims "" |
    sed "s/$A/DMz0_i0HjcyWYPLiLhVsqB/")"
denied "three audit ids" "audit_ids" "$(claims "" |
    sed "s/\"$A\"/\"$A\",\"$A\",\"$A\"/")"
big=$(head -c 10240 /dev/zero | tr '\0' u)
denied "10 KiB user id" "user_id" "$(claims "" | sed "s/$U/$big/")"
denied "project and domain at once" "domain_id" \
    "$(claims ",\"project_id\":\"$P\",\"domain_id\":\"$P\"")"
denied "non-UUID trust id" "" "$(claims ",\"project_id\":\"$P\",\"trust_id\":\"t\"")"
expect_eq "every denial audited" 14 \
    "$(grep -c '"result":"denied: ' "$WORK/audit.log")"

# Expiry: no TTL on the envelope, expiry from the payload; allow_expired.
expect_ok "a 1-second token" rpc issue-fernet "$(claims "" |
    sed "s/$EXP/$(date -u -d '+2 sec' +%Y-%m-%dT%H:%M:%SZ)/")"
tok=$(sed -n 's/.*"token": "\(.*\)".*/\1/p' "$WORK/out")
sleep 3
expect_fail "expired token" "not found" rpc open-fernet "$tok"
expect_ok "expired token with allow_expired" rpc open-fernet \
    --allow-expired "$tok"

# Audit: JSON lines, no token bytes.
/usr/bin/python3 -c 'import json,sys
[json.loads(l) for l in open(sys.argv[1])]' "$WORK/audit.log" ||
    fail "an audit line is not JSON"
# every accepted peer is audited: one more connection, one
# more record with its uid
accepted() {
	grep -c "\"peer_uid\":$(id -u),\"op\":\"connect\",\"result\":\"accepted\"" \
	    "$WORK/audit.log"
}
n=$(accepted)
rpc health > /dev/null
expect_eq "a connection is audited with its peer uid" $((n + 1)) "$(accepted)"
expect_eq "tokens checked against the logs" 7 "$(wc -l < "$WORK/issued")"
while read -r t; do
	! grep -qF "$t" "$WORK/audit.log" "$WORK/signer.log" ||
	    fail "a token reached a log"
done < "$WORK/issued"
! grep -q gAAAA "$WORK/audit.log" "$WORK/signer.log" ||
    fail "Fernet bytes in a log"

# Failover: the client takes the first endpoint of its list that answers.
sed "s|^\[hsm\]|[signer]\nsocket = $WORK/gone.sock,$SOCK\n\n[hsm]|" "$CONF" \
    > "$WORK/failover.conf"
expect_ok "a dead endpoint, then a live one" ours "$BIN/signet-rpc" \
    -c "$WORK/failover.conf" health
sed "s|^\[hsm\]|[signer]\nsocket = $WORK/gone.sock,$WORK/gone2.sock\n\n[hsm]|" \
    "$CONF" > "$WORK/dead.conf"
expect_fail "no endpoint answers" "no signer answers" ours \
    "$BIN/signet-rpc" -c "$WORK/dead.conf" health

# Hardening: no core dumps, no PIN on the command line.
pid=$SIGNER_PID
grep -q "Max core file size *0 *0" /proc/$pid/limits ||
    fail "core dumps are possible"
! tr '\0' '\n' < /proc/$pid/cmdline | grep -qF "$PIN" || fail "PIN in argv"
! tr '\0' '\n' < /proc/$pid/environ | grep -qF "$PIN" ||
    fail "PIN in the environment"
[ "$(stat -c %a "$SOCK")" = 660 ] || fail "socket mode $(stat -c %a "$SOCK")"
! grep -qF "$PIN" "$WORK/signer.log" "$WORK/audit.log" || fail "PIN logged"
expect_ok "clean shutdown on SIGTERM" stop_signer
finish
