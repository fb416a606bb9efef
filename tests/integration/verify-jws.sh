# libsignet-verify and JWS tokens, offline: the JWK Set fetched from
# /v3/OS-SIMPLE-CERT/jwks (kept in the signing directory), expiry and the
# signed revocation list (audit ids, as for PKI) checked on every call, a
# key imported while running fetched once on a token under it and at
# most once a minute, an identity of kind "jws" without roles; a verifier
# started with the token service down works from what it kept.
. tests/integration/lib/softhsm.sh

export PYTHONPATH="$PWD/tests/integration/lib"
KS=tests/integration/lib/keystone_jws.py
expect_ok "init-token" prov init-token
expect_ok "fernet-setup" prov fernet-setup
expect_ok "jws-setup" prov jws-setup
expect_ok "pki-setup (signs the revocation list)" prov pki-setup
for d in ks other; do
	mkdir -p "$WORK/$d/private" "$WORK/$d/public"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$WORK/$d/private/private.pem" 2>/dev/null
	openssl pkey -in "$WORK/$d/private/private.pem" -pubout \
	    -out "$WORK/$d/public/public.pem" 2>/dev/null
done
expect_ok "import Keystone's public key" prov import-jws-public \
    "$WORK/ks/public"
printf '[token]\nprovider = jws\n' >> "$CONF"
start_signer
printf 'secret-admin\n' > "$WORK/admin.pw"
expect_ok "bootstrap" mgr bootstrap --admin-password-file "$WORK/admin.pw"
start_api

issue() {	# a new admin token, project-scoped; its document in $WORK/body
	curl -s -o "$WORK/body" -D "$WORK/h" -H 'Content-Type: application/json' \
	    -d '{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"id": "default"}, "password": "secret-admin"}}}, "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}' \
	    "$API/v3/auth/tokens"
	sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$WORK/h"
}
mint() {	# KEYDIR EXPIRES_AT [EXTRA]: Keystone's token for admin in admin
	printf '{"user_id":"%s","expires_at":"%s","audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"],"methods":["password"],"project_id":"%s"%s}\n' \
	    "$uid" "$2" "$pid" "${3:+,$3}" | /usr/bin/python3 "$KS" mint \
	    "$WORK/$1/private" "$WORK/$1/public"
}
TOK=$(issue)
uid=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"]["user"]["id"])' "$WORK/body")
pid=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"]["project"]["id"])' "$WORK/body")

# the driver, long-lived, over a FIFO: ask LINE prints its answer
mkfifo "$WORK/drv.in"
LD_PRELOAD="${SIGNET_PRELOAD:-}" "$TBIN/verify-driver" "$API" "$WORK/sd" \
    admin "$WORK/admin.pw" admin 1 30 < "$WORK/drv.in" > "$WORK/drv.out" \
    2> "$WORK/drv.err" &
DRV=$!
exec 3> "$WORK/drv.in"
ask() {		# runs in $(...): the count is read, not kept
	N=$(($(wc -l < "$WORK/drv.out") + 1))
	printf '%s\n' "$1" >&3
	i=0
	while [ "$(wc -l < "$WORK/drv.out")" -lt $N ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sed -n "${N}p" "$WORK/drv.out"
}
stat_of() {	# NAME: from the driver's stats
	ask stats | tr ' ' '\n' | sed -n "s/^$1=//p"
}

expect_eq "a JWS token, offline" "OK $uid $pid jws" "$(ask "verify $TOK")"
expect_eq "the JWK Set kept in the signing directory, 0600" 600 \
    "$(stat -c %a "$WORK/sd/jwks.json")"
printf '%s\n' "$TOK" > "$WORK/tok" && chmod 600 "$WORK/tok"
expect_ok "signet-verify: a JWS token" ours "$BIN/signet-verify" \
    --url "$API" --user admin --password-file "$WORK/admin.pw" \
    --project admin --signing-dir "$WORK/sd2" --token-file "$WORK/tok"
expect_eq "signet-verify: kind jws, no roles in a JWS token" "jws [] $uid" \
    "$(/usr/bin/python3 -c 'import json,sys; j = json.load(open(sys.argv[1])); print(j["kind"], j["roles"], j["user"]["id"])' "$WORK/out")"
exp=$(date -u -d '+30 min' +%Y-%m-%dT%H:%M:%S.000000Z)
old=$(date -u -d '-10 min' +%Y-%m-%dT%H:%M:%S.000000Z)
expect_eq "Keystone's token under the imported key" "OK $uid $pid jws" \
    "$(ask "verify $(mint ks "$exp")")"
expect_eq "an expired token" EXPIRED \
    "$(ask "verify $(mint ks "$old")" | cut -d' ' -f1)"
for extra in '"app_cred_id":"ac1"' '"access_token_id":"at1"' \
    '"federated_group_ids":[],"identity_provider_id":"i","protocol_id":"p"'; do
	st=$(ask "verify $(mint ks "$exp" "$extra")" | cut -d' ' -f1)
	case "$st" in
	OK) fail "a token with $extra passed for admin's own" ;;
	*) ok "a token with $extra refused ($st)" ;;
	esac
done

# rotation: the staged key was published before it signs
expect_ok "jws-rotate" prov jws-rotate
kill -HUP "$SIGNER_PID"
sleep 0.5
NEW=$(issue)
expect_eq "a token of the new signing key, no refetch needed" \
    "OK 0" "$(ask "verify $NEW" | cut -d' ' -f1) $(stat_of refetch)"
# a key imported while running: one refetch on the first token under it
expect_ok "import another Keystone key" prov import-jws-public \
    "$WORK/other/public"
kill -HUP "$SIGNER_PID"
sleep 0.5
expect_eq "a key imported while running, fetched on its first token" \
    "OK 1" "$(ask "verify $(mint other "$exp")" | cut -d' ' -f1) $(stat_of refetch)"

# what does not validate
bad=$(/usr/bin/python3 -c '
import sys
t = sys.argv[1].split(".")
t[2] = t[2][:5] + ("A" if t[2][5] != "A" else "B") + t[2][6:]
print(".".join(t))' "$TOK")
expect_eq "a tampered token, refetch rate-limited" "BAD_SIGNATURE 1" \
    "$(ask "verify $bad" | cut -d' ' -f1) $(stat_of refetch)"
expect_eq "again: no second refetch within the minute" "BAD_SIGNATURE 1" \
    "$(ask "verify $bad" | cut -d' ' -f1) $(stat_of refetch)"
none=$(/usr/bin/python3 -c '
import base64, sys
b = lambda s: base64.urlsafe_b64encode(s).rstrip(b"=").decode()
print(b(b"{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + sys.argv[1].split(".")[1] + ".")' "$TOK")
st=$(ask "verify $none" | cut -d' ' -f1)
case "$st" in
OK) fail "alg none accepted" ;;
*) ok "alg none refused ($st)" ;;
esac

# revocation through the signed list, cached or not
expect_eq "a second token, valid (and cached)" OK \
    "$(ask "verify $NEW" | cut -d' ' -f1)"
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE \
    -H "X-Auth-Token: $TOK" -H "X-Subject-Token: $NEW" "$API/v3/auth/tokens")
expect_eq "revoked" 204 "$code"
sleep 2.5	# past a revocation poll
expect_eq "the revoked token, by its audit id" REVOKED \
    "$(ask "verify $NEW" | cut -d' ' -f1)"
expect_eq "the other token still valid" OK \
    "$(ask "verify $TOK" | cut -d' ' -f1)"
ask quit > /dev/null
exec 3>&-
wait "$DRV" || fail "the driver: $(cat "$WORK/drv.err")"

# the token service down: what the signing directory kept
expect_ok "signet-api stops" stop_api
printf 'verify %s\nverify %s\n' "$TOK" "$NEW" |
    LD_PRELOAD="${SIGNET_PRELOAD:-}" "$TBIN/verify-driver" "$API" \
    "$WORK/sd" admin "$WORK/admin.pw" admin 1 3600 > "$WORK/v" \
    2> "$WORK/v.err"
expect_eq "from the kept JWK Set and list, the service down" \
    "OK $uid $pid jws REVOKED" "$(sed -n 1p "$WORK/v") $(sed -n 2p "$WORK/v" | cut -d' ' -f1)"
expect_ok "clean signer shutdown" stop_signer
finish
