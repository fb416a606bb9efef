# SignCms: PKI and PKIZ tokens signed in the token verify with
# keystoneclient's cms module and `openssl cms -verify` against the
# exported certificates; bodies outside policy are refused and audited; a
# signer without a CMS key says so; a key replaced under a running signer
# stops it from serving instead of signing with the new key.
. tests/integration/lib/softhsm.sh

token_up
echo '{}' > "$WORK/empty.json"
expect_fail "no CMS key yet" "no CMS signing key" rpc sign-cms "$WORK/empty.json"
expect_ok "Fernet still serves" rpc health
stop_signer

expect_ok "pki-setup" prov pki-setup
mkdir "$WORK/certs"
expect_ok "export-certs" prov export-certs "$WORK/certs"
start_signer
body() {	# body EXTRA_TOKEN_MEMBERS [EXPIRES]
	printf '{"token": {"methods": ["password"], "user": {"id": '`
	    `'"0c2b7eea0e925cc9974fab5df940c6bd", "name": "alice", "domain": '`
	    `'{"id": "default", "name": "Default"}}, "audit_ids": '`
	    `'["DMz0_i0HjcyWYPLiLhVsqA"], "expires_at": "%s", "issued_at": '`
	    `'"%s", "project": {"id": "c27fba85674c5d43978d839a7eae2553", '`
	    `'"name": "demo", "domain": {"id": "default", "name": "Default"}}, '`
	    `'"roles": [{"id": "r1", "name": "member"}], "catalog": []%s}}' \
	    "${2:-$(in_minutes 30)}" "$(in_minutes 0)" "$1"
}
body "" > "$WORK/body.json"
expect_ok "sign PKI" rpc sign-cms "$WORK/body.json"
sed -n 's/.*"token": "\(.*\)".*/\1/p' "$WORK/out" > "$WORK/token.pki"
# A file as editors write it: its one final newline is not signed (the
# signature is deterministic, so the token is the same).
{ cat "$WORK/body.json"; echo; } > "$WORK/body-nl.json"
expect_ok "sign PKI from a file ending in a newline" \
    rpc sign-cms "$WORK/body-nl.json"
expect_eq "the same token without the newline" "$(cat "$WORK/token.pki")" \
    "$(sed -n 's/.*"token": "\(.*\)".*/\1/p' "$WORK/out")"
expect_ok "sign PKIZ" rpc sign-cms --pkiz "$WORK/body.json"
sed -n 's/.*"token": "\(.*\)".*/\1/p' "$WORK/out" > "$WORK/token.pkiz"
expect_ok "keystoneclient verifies both" /usr/bin/python3 - "$WORK" <<'PY'
import sys
from keystoneclient.common import cms
w = sys.argv[1]
body = open(w + '/body.json').read()
pki = open(w + '/token.pki').read().strip()
pkiz = open(w + '/token.pkiz').read().strip()
assert cms.is_asn1_token(pki) and cms.is_pkiz(pkiz)
for out in (cms.cms_verify(cms.token_to_cms(pki), w + '/certs/signing_cert.pem',
                           w + '/certs/ca.pem'),
            cms.pkiz_verify(pkiz, w + '/certs/signing_cert.pem',
                            w + '/certs/ca.pem')):
    assert out.decode() == body, out
PY
/usr/bin/python3 -c 'import sys
from keystoneclient.common import cms
print(cms.token_to_cms(open(sys.argv[1]).read().strip()), end="")' \
    "$WORK/token.pki" > "$WORK/token.pem"
expect_ok "openssl cms -verify" openssl cms -verify -in "$WORK/token.pem" \
    -inform PEM -certfile "$WORK/certs/signing_cert.pem" \
    -CAfile "$WORK/certs/ca.pem" -nosmimecap -nodetach -nocerts -noattr \
    -out "$WORK/verified"
cmp -s "$WORK/verified" "$WORK/body.json" || fail "openssl's content differs"

refused() {	# refused DESC PATTERN BODY
	printf '%s' "$3" > "$WORK/bad.json"
	expect_fail "$1" "$2" rpc sign-cms "$WORK/bad.json"
}
refused "an unknown member" "unknown member" "$(body ', "is_god": true')"
refused "a second top-level key" "not a v3" \
    "$(body "" | sed 's/}}$/}, "extra": 1}/')"
refused "a v2 document" "not a v3" '{"access": {"token": {}}}'
refused "not JSON" "not JSON" '{"token": '
refused "a duplicate key" "not JSON" \
    "$(body ', "methods": ["password"]')"
refused "a raw newline" "raw newline" "$(body "" | sed 's/, "roles"/,\n"roles"/')"
refused "beyond [token] expiration" "expires_at" "$(body "" "$(in_minutes 600)")"
refused "arbitrary JSON" "not a v3" '{"sign": "this"}'
# Revocation lists: signed as PEM, and nothing but a revocation list.
printf '{"revoked": [{"expires": "2100-01-01T00:00:00Z", "audit_id": "DMz0_i0HjcyWYPLiLhVsqA"}]}' > "$WORK/rl.json"
expect_ok "a revocation list" rpc sign-cms --revocation-list "$WORK/rl.json"
grep -q 'BEGIN CMS' "$WORK/out" || fail "the list is not left as PEM"
printf '{"revoked": [], "token": {}}' > "$WORK/rl-bad.json"
expect_fail "a list with more than the list" "revocation list" \
    rpc sign-cms --revocation-list "$WORK/rl-bad.json"
printf '{"revoked": [{"expires": "soon", "audit_id": "x"}]}' > "$WORK/rl-bad.json"
expect_fail "an entry that is not one" "revocation list" \
    rpc sign-cms --revocation-list "$WORK/rl-bad.json"
expect_fail "a token document as a list" "revocation list" \
    rpc sign-cms --revocation-list "$WORK/body.json"

expect_eq "denials audited" 8 \
    "$(grep -c '"op":"sign_pki","result":"denied' "$WORK/audit.log")"

# The scope allowlist holds whatever shape `system` takes: an admin body
# with no project is system scope or nothing, never unscoped.
stop_signer
printf '[signer]\nallowed_scopes = unscoped,project,domain\n' >> "$CONF"
start_signer
sysbody() {	# sysbody SYSTEM_MEMBER
	body ', "roles": [{"id": "r9", "name": "admin"}]' |
	    sed 's/, "project": {[^}]*}[^}]*}, "roles": \[{"id": "r1", "name": "member"}\], "catalog": \[\]//' |
	    sed "s/}}\$/$1}}/"
}
printf '%s' "$(sysbody '')" > "$WORK/unscoped.json"
grep -q '"project"' "$WORK/unscoped.json" && fail "the body still has a project"
for sys in '{"all": true}' '{"all": false}' '{"all": 1}' '{}' '"all"'; do
	refused "system $sys under allowed_scopes without system" \
	    "system|scope" "$(sysbody ", \"system\": $sys")"
done
sed -i '/^allowed_scopes = /d' "$CONF"
stop_signer
start_signer

# The key changes under a running signer: it stops serving.
expect_ok "pki-setup --force while the signer runs" prov pki-setup --force
kill -HUP "$SIGNER_PID"
sleep 1
expect_fail "SignCms after the key changed" "KEY_CHANGED" \
    rpc sign-cms "$WORK/body.json"
expect_ok "health still answers" rpc health
grep -q '"ready": false' "$WORK/out" && grep -q KEY_CHANGED "$WORK/out" ||
    fail "health does not say why: $(cat "$WORK/out")"
expect_ok "clean shutdown" stop_signer

# A certificate that is not the key's (swapped in with pkcs11-tool): the
# start-up self-test fails, the signer serves nothing but Health (S11).
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/stray.key" \
    -subj /CN=stray -days 2 -outform DER -out "$WORK/stray.der" 2>/dev/null
p11tool --login --pin "$PIN" --delete-object --type cert \
    --label signet-signing > /dev/null || fail "could not delete the cert"
p11tool --login --pin "$PIN" --write-object "$WORK/stray.der" --type cert \
    --label signet-signing > /dev/null || fail "could not write the cert"
start_signer
expect_ok "health answers" rpc health
grep -q '"ready": false' "$WORK/out" && grep -q FAILED_SELFTEST "$WORK/out" ||
    fail "health does not report the failed self-test: $(cat "$WORK/out")"
expect_fail "no Fernet token from a signer that failed its self-test" \
    "FAILED_SELFTEST" rpc issue-fernet "{\"user_id\":\"u1\",\"methods\":[\"password\"],\"expires_at\":\"$(in_minutes 30)\",\"audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"]}"
expect_fail "no PKI token either" "FAILED_SELFTEST" \
    rpc sign-cms "$WORK/body.json"
expect_ok "clean shutdown" stop_signer
finish
