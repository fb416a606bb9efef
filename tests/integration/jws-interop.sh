# JWS tokens and Keystone's own JWS provider, both ways: Keystone 22's
# JWSFormatter (PyJWT) validates what the token's key signs, given the
# public keys export-jws-public writes; signet's verifier validates what
# Keystone signs once import-jws-public has its public key. Tampered,
# wrong-key and algorithm-confused tokens ("none", HS256 keyed with the
# public key, ES256 with a DER signature, a non-canonical signature
# spelling) are refused.
. tests/integration/lib/softhsm.sh

KS=tests/integration/lib/keystone_jws.py
expect_ok "init-token" prov init-token
expect_ok "jws-setup" prov jws-setup
expect_ok "export-jws-public" prov export-jws-public "$WORK/pub"
mkdir -p "$WORK/ks/private" "$WORK/ks/public" "$WORK/other/private" \
    "$WORK/other/public"
for d in ks other; do
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$WORK/$d/private/private.pem" 2>/dev/null
	openssl pkey -in "$WORK/$d/private/private.pem" -pubout \
	    -out "$WORK/$d/public/public.pem" 2>/dev/null
done
expect_ok "import Keystone's public key" prov import-jws-public \
    "$WORK/ks/public"

iat=$(date -u +%s)
exp=$((iat + 3600))
sign() {	# claims JSON -> a token of the token's signing key
	printf '%s\n' "$1" | ours "$TBIN/jws-check" "$CONF" sign
}
verify() {	# a token -> its claims, or refused: ...
	printf '%s\n' "$1" | ours "$TBIN/jws-check" "$CONF" verify
}
ks_validate() {	# a token -> Keystone's reading of it
	printf '%s\n' "$1" | /usr/bin/python3 "$KS" validate "$WORK/pub"
}

# --- signet signs, Keystone validates
claims="{\"sub\":\"u1\",\"iat\":$iat,\"exp\":$exp,\"openstack_methods\":[\"password\"],\"openstack_audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"],\"openstack_project_id\":\"p1\"}"
tok=$(sign "$claims")
case "$tok" in
eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.*) ok "signet's token has Keystone's header" ;;
*) fail "token: $tok" ;;
esac
got=$(ks_validate "$tok")
want=$(/usr/bin/python3 -c "
import datetime, json
t = lambda s: datetime.datetime.utcfromtimestamp(s).strftime('%Y-%m-%dT%H:%M:%S.000000Z')
print(json.dumps({'audit_ids': ['DMz0_i0HjcyWYPLiLhVsqA'], 'domain_id': None,
    'expires_at': t($exp), 'issued_at': t($iat), 'methods': ['password'],
    'project_id': 'p1', 'system': None, 'trust_id': None, 'user_id': 'u1'},
    sort_keys=True))")
expect_eq "Keystone reads signet's project token" "$want" "$got"
sys=$(sign "{\"sub\":\"u1\",\"iat\":$iat,\"exp\":$exp,\"openstack_methods\":[\"password\"],\"openstack_audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"],\"openstack_system\":\"all\"}")
expect_eq "Keystone reads signet's system token" '"all"' \
    "$(ks_validate "$sys" | /usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["system"]))')"
expect_eq "signet reads its own token" "$claims" "$(verify "$tok")"

# --- Keystone signs, signet validates
mint() {	# KEYDIR: a Keystone token of that key for u2 in p2
	printf '{"user_id":"u2","expires_at":"%s","audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"],"methods":["password","token"],"project_id":"p2"}\n' \
	    "$(date -u -d @$exp +%Y-%m-%dT%H:%M:%S.000000Z)" |
	    /usr/bin/python3 "$KS" mint "$WORK/$1/private" "$WORK/$1/public"
}
kstok=$(mint ks)
got=$(verify "$kstok")
case "$got" in
'{"sub":"u2","iat":'*',"exp":'$exp',"openstack_methods":["password","token"],"openstack_audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"],"openstack_project_id":"p2"}')
	ok "signet reads Keystone's token" ;;
*) fail "Keystone's token read as: $got" ;;
esac
expect_eq "a key never imported: refused" "refused: key" \
    "$(verify "$(mint other)")"
expect_eq "Keystone refuses a token of a key it lacks" \
    '{"error": "TokenNotFound"}' "$(ks_validate "$kstok")"

# --- claims written as Keystone writes them, read strictly
jws() {		# MODE: jws-check MODE on one line of stdin
	ours "$TBIN/jws-check" "$CONF" "$1"
}
ksiat=$(verify "$kstok" | sed -n 's/.*"iat":\([0-9]*\).*/\1/p')
ours_tok=$(printf '{"user_id":"u2","methods":["password","token"],"audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"],"project_id":"p2","expires_at":%s,"issued_at":%s}\n' \
    "$exp" "$ksiat" | jws issue)
expect_eq "signet writes the claims byte for byte as Keystone" \
    "$(verify "$kstok")" "$(verify "$ours_tok")"
uni=$(printf '{"user_id":"\\u00fc\\u4e2d-\\ud83d\\ude00","expires_at":"%s","audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"],"methods":["password"],"system":"all"}\n' \
    "$(date -u -d @$exp +%Y-%m-%dT%H:%M:%S.000000Z)" |
    /usr/bin/python3 "$KS" mint "$WORK/ks/private" "$WORK/ks/public")
uiat=$(verify "$uni" | sed -n 's/.*"iat":\([0-9]*\).*/\1/p')
ours_uni=$(printf '{"user_id":"\303\274\344\270\255-\360\237\230\200","methods":["password"],"audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"],"system":"all","expires_at":%s,"issued_at":%s}\n' \
    "$exp" "$uiat" | jws issue)
expect_eq "non-ASCII ids escaped as Python escapes them" \
    "$(verify "$uni")" "$(verify "$ours_uni")"
expect_eq "Keystone's token as RPC claims" \
    "{\"audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"],\"domain_id\":\"\",\"expires_at\":$exp,\"issued_at\":$ksiat,\"methods\":[\"password\",\"token\"],\"project_id\":\"p2\",\"scope\":\"project\",\"system\":\"\",\"trust_id\":\"\",\"user_id\":\"u2\"}" \
    "$(printf '%s\n' "$kstok" | jws read)"
base="\"sub\":\"u1\",\"iat\":$iat,\"exp\":$exp,\"openstack_methods\":[\"password\"],\"openstack_audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"]"
for bad in "$base,\"openstack_group_ids\":[{\"id\":\"g\"}]" \
    "$base,\"openstack_project_id\":\"p\",\"openstack_domain_id\":\"d\"" \
    "$base,\"openstack_system\":\"none\"" \
    "$base,\"openstack_project_id\":\"\"" \
    "$base,\"openstack_group_ids\":[{\"id\":\"g\"}],\"openstack_idp_id\":\"i\"" \
    "$base,\"openstack_group_ids\":[\"g\"],\"openstack_idp_id\":\"i\",\"openstack_protocol_id\":\"p\"" \
    "$base,\"openstack_group_ids\":[{\"id\":\"g\",\"name\":\"n\"}],\"openstack_idp_id\":\"i\",\"openstack_protocol_id\":\"p\"" \
    "$base,\"openstack_idp_id\":\"i\",\"openstack_protocol_id\":\"p\"" \
    "$base,\"openstack_app_cred_id\":7" \
    "\"sub\":\"u1\",\"iat\":\"$iat\",\"exp\":$exp,\"openstack_methods\":[\"password\"],\"openstack_audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"]" \
    "\"sub\":\"u1\",\"iat\":$iat,\"exp\":$exp,\"openstack_audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"]" \
    "$base,\"sub\":\"u2\""; do
	t=$(sign "{$bad}")
	expect_eq "claims refused: {$bad}" "refused: claims" \
	    "$(printf '%s\n' "$t" | jws read)"
done

# Federated, OAuth1 and application credential tokens, as a Keystone
# behind the signer's plugin has them made: written byte for byte as
# Keystone writes them, read back whole.
ksx() {		# EXTRA: Keystone's project token for u2 with more claims
	printf '{"user_id":"u2","expires_at":"%s","audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"],"methods":["mapped"],"project_id":"p2",%s}\n' \
	    "$(date -u -d @$exp +%Y-%m-%dT%H:%M:%S.000000Z)" "$1" |
	    /usr/bin/python3 "$KS" mint "$WORK/ks/private" "$WORK/ks/public"
}
for kind in \
    'a federated|"federated_group_ids":[{"id":"g1"},{"id":"g2"}],"identity_provider_id":"idp1","protocol_id":"saml2"|"group_ids":["g1","g2"],"idp_id":"idp1","protocol_id":"saml2"' \
    'a federated without groups|"federated_group_ids":[],"identity_provider_id":"idp1","protocol_id":"oidc"|"group_ids":[],"idp_id":"idp1","protocol_id":"oidc"' \
    'an OAuth1|"access_token_id":"at1"|"access_token_id":"at1"' \
    'an application credential|"app_cred_id":"ac1"|"app_cred_id":"ac1"'; do
	name=${kind%%|*}
	rest=${kind#*|}
	kx=$(ksx "${rest%%|*}")
	xiat=$(verify "$kx" | sed -n 's/.*"iat":\([0-9]*\).*/\1/p')
	got=$(printf '%s\n' "$kx" | jws read)
	if printf '%s' "$got" | /usr/bin/python3 -c '
import json, sys
got, want = json.load(sys.stdin), json.loads("{%s}" % sys.argv[1])
want["project_id"] = "p2"
sys.exit(any(got.get(k) != v for k, v in want.items()))' "${rest#*|}"; then
		ok "Keystone's token, $name one, read whole"
	else
		fail "Keystone's token, $name one, read as: $got"
	fi
	mine=$(printf '{"user_id":"u2","methods":["mapped"],"audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"],"project_id":"p2","expires_at":%s,"issued_at":%s,%s}\n' \
	    "$exp" "$xiat" "${rest#*|}" | jws issue)
	expect_eq "signet writes $name token byte for byte as Keystone" \
	    "$(verify "$kx")" "$(verify "$mine")"
done
expect_eq "plain claims read" "u1" "$(printf '%s\n' "$(sign "{$base}")" |
    jws read | sed -n 's/.*"user_id":"\([^"]*\)".*/\1/p')"

# --- tampering and confusion
hdr=${tok%%.*}
rest=${tok#*.}
payload=${rest%%.*}
sig=${rest#*.}
b64() { /usr/bin/python3 -c 'import base64,sys; print(base64.urlsafe_b64encode(sys.stdin.buffer.read()).decode().rstrip("="))'; }
other=$(printf '%s' "$claims" | sed 's/"u1"/"u9"/' | b64)
expect_eq "a changed payload" "refused: key" "$(verify "$hdr.$other.$sig")"
none=$(printf '{"alg":"none","typ":"JWT"}' | b64)
expect_eq "alg none" "refused: bad" "$(verify "$none.$payload.")"
expect_eq "alg none, signature kept" "refused: bad" \
    "$(verify "$none.$payload.$sig")"
hs=$(printf '{"alg":"HS256","typ":"JWT"}' | b64)
hmac=$(printf '%s' "$hs.$payload" | /usr/bin/python3 -c "
import base64, hashlib, hmac, sys
k = open('$WORK/pub/signet-jws-1.pem', 'rb').read()
print(base64.urlsafe_b64encode(hmac.new(k, sys.stdin.buffer.read(), hashlib.sha256).digest()).decode().rstrip('='))")
expect_eq "HS256 keyed with the public key" "refused: bad" \
    "$(verify "$hs.$payload.$hmac")"
der=$(printf '%s' "$sig" | /usr/bin/python3 -c "
import base64, sys
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
s = sys.stdin.read().strip(); rs = base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
d = encode_dss_signature(int.from_bytes(rs[:32], 'big'), int.from_bytes(rs[32:], 'big'))
print(base64.urlsafe_b64encode(d).decode().rstrip('='))")
expect_eq "ES256 with a DER signature" "refused: bad" \
    "$(verify "$hdr.$payload.$der")"
last=$(printf '%s' "$sig" | tail -c 1)
case "$last" in
A) alt=B ;; *) alt=$(printf '%s' "$last" | tr 'A-Za-z0-9_-' 'BCDEFGHIJKLMNOPQRSTUVWXYZAbcdefghijklmnopqrstuvwxyza1234567890-_') ;;
esac
expect_eq "the signature spelt another way" "refused: bad" \
    "$(verify "$hdr.$payload.$(printf '%s' "$sig" | sed 's/.$//')$alt")"
expect_eq "cut" "refused: bad" "$(verify "$hdr.$payload")"
expect_eq "padded" "refused: bad" "$(verify "$tok=")"
expect_eq "the token itself still" "$claims" "$(verify "$tok")"
finish
