# Keystone 22's ten Fernet payloads, both ways, on a key repository
# Keystone's own code made (lib/payloads.py): Keystone mints every
# version and the signer opens it to the same claims, federated (v4-v6),
# OAuth1 (v7) and application credential (v9) ones included, even while
# the signer may not seal those kinds; the signer seals every version
# once allowed_scopes names its kind, Keystone decodes it to the claims
# sent and seals the same claims to the same token byte for byte; the
# policy refuses what no version carries, and audit records name the ids.
. tests/integration/lib/softhsm.sh

payloads() {
	PYTHONPATH=tests/integration/lib /usr/bin/python3 \
	    tests/integration/lib/payloads.py "$SOCK" "$REPO" "$1" \
	    > "$WORK/$1" 2>&1
	_r=$?
	cat "$WORK/$1"
	return $_r
}

keystone_keys
start_signer
payloads denied || fail "new kinds sealed by default: $(grep -v '^ok' "$WORK/denied")"
payloads open || fail "open: $(grep -v '^ok' "$WORK/open")"
grep -q '"op":"open_fernet".*"idp_id":"acme-idp","protocol_id":"saml2","groups":2' \
    "$WORK/audit.log" || fail "the audit record names no identity provider"
grep -q '"op":"open_fernet".*"app_cred_id":"my-app-cred"' "$WORK/audit.log" ||
    fail "the audit record names no application credential"
expect_ok "stop" stop_signer

printf '[signer]\nallowed_scopes = %s\n' \
    unscoped,project,domain,system,trust,federated,oauth1,application_credential \
    >> "$CONF"
start_signer
payloads issue || fail "issue: $(grep -v '^ok' "$WORK/issue")"
payloads refuse || fail "refuse: $(grep -v '^ok' "$WORK/refuse")"
grep -q '"op":"issue_fernet".*"access_token_id":"consumer-token-1".*"result":"ok"' \
    "$WORK/audit.log" || fail "the audit record names no access token"
grep -q '"op":"issue_fernet".*"result":"denied: claims: group_ids (too many)"' \
    "$WORK/audit.log" || fail "the refusal is not audited"
expect_ok "still serving" rpc health
expect_ok "clean shutdown" stop_signer
finish
