# Key attributes on a provisioned token: signet's keys work only with the
# mechanisms signet uses (no AES-ECB, HMAC-SHA1, raw RSA or RSA decrypt)
# and cannot be copied, through signing, rotation and re-keying; nobody
# can lengthen a key's mechanism list; status flags a key a user-PIN
# holder widened (derive, wrap, unwrap, decrypt) and a key made before
# mechanism lists.
. tests/integration/lib/softhsm.sh

check() {	# check DESC: hsm-check attrs holds
	expect_ok "$1" ours "$TBIN/hsm-check" "$CONF" attrs
	cat "$WORK/out"
}
widen() {	# widen LABEL WHAT
	expect_ok "widen $1 ($2)" ours "$TBIN/hsm-check" "$CONF" widen "$1" "$2"
}
U=0c2b7eea0e925cc9974fab5df940c6bd
claims() {
	printf '{"user_id":"%s","methods":["password"],"expires_at":"%s",'`
	    `'"audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"]}' "$U" "$(in_minutes 30)"
}
serves() {	# serves WHAT: the signer seals and opens Fernet, signs CMS
	start_signer
	expect_ok "issue Fernet ($1)" rpc issue-fernet "$(claims)"
	tok=$(sed -n 's/.*"token": "\(.*\)".*/\1/p' "$WORK/out")
	expect_ok "open Fernet ($1)" rpc open-fernet "$tok"
	grep -q "\"user_id\": \"$U\"" "$WORK/out" || fail "open lost the user"
	printf '{"token": {"methods": ["password"], "user": {"id": "%s", '`
	    `'"name": "alice", "domain": {"id": "default", "name": '`
	    `'"Default"}}, "audit_ids": ["DMz0_i0HjcyWYPLiLhVsqA"], '`
	    `'"expires_at": "%s", "issued_at": "%s", "catalog": []}}' \
	    "$U" "$(in_minutes 30)" "$(in_minutes 0)" > "$WORK/body.json"
	expect_ok "sign CMS ($1)" rpc sign-cms "$WORK/body.json"
	stop_signer || fail "the signer exited badly"
}

expect_ok "init-token" prov init-token
expect_ok "pki-setup" prov pki-setup
expect_ok "fernet-setup" prov fernet-setup
check "RSA and Fernet keys refuse other mechanisms and copying"
grep -q "checked private signet-signing$" "$WORK/out" ||
    fail "did not look at the signing key"
grep -q "checked secret signet-fernet-1-hmac$" "$WORK/out" ||
    fail "did not look at the Fernet keys"
expect_ok "status of a fresh token" prov status
serves "RSA"

expect_ok "fernet-rotate" prov fernet-rotate
expect_ok "fernet-rotate again" prov fernet-rotate
check "rotated keys are restricted too"
grep -q "checked secret signet-fernet-3$" "$WORK/out" ||
    fail "did not look at the rotated keys"
expect_ok "pki-setup ec-p256" prov pki-setup --force --key-type ec-p256
check "EC keys refuse other mechanisms and copying"
expect_ok "status after rotation and re-keying" prov status
serves "EC"

# What a user-PIN holder can still do (the keys stay modifiable, since
# rotation relabels them), and status must then say so.
widen signet-fernet-3 derive
widen signet-fernet-3 wrap
widen signet-fernet-2-hmac unwrap
widen signet-signing decrypt
ours "$TBIN/hsm-check" "$CONF" widen signet-fernet-2 mechs > "$WORK/out"
if grep -q "CKR_ATTRIBUTE_READ_ONLY" "$WORK/out"; then
	ok "a mechanism list is read-only"
else
	fail "lengthening a mechanism list: $(cat "$WORK/out")"
fi
check "widened keys still refuse other mechanisms"
status_fails() {	# status_fails DESC
	if prov status > "$WORK/out" 2> "$WORK/err"; then
		fail "$1: status exited 0"
	else
		ok "$1"
	fi
	cat "$WORK/out"
}
status_fails "status of a widened token"
W="was widened beyond what signet does with it:"
for want in "'signet-fernet-3' $W derive wrap" \
    "'signet-fernet-2-hmac' $W unwrap" "'signet-signing' $W decrypt"; do
	grep -qF "problem: WEAK: $want" "$WORK/out" || fail "status lacks: $want"
done
grep -q "problem: WEAK: 'signet-fernet-0'" "$WORK/out" &&
    fail "status flagged a key nobody widened"

expect_ok "an old-style key" \
    ours "$TBIN/hsm-check" "$CONF" legacy signet-legacy
status_fails "status with an old-style key"
grep -q "problem: UNRESTRICTED: 'signet-legacy' predates mechanism" \
    "$WORK/out" || fail "status did not flag the old-style key"
finish
