# IssueJws: JWS (ES256) tokens signed in the token under IssueFernet's
# claims policy, which Keystone 22's own JWSFormatter validates with the
# public keys PublicMaterial hands out; re-scoping checks the JWS parent;
# a rotation reaches the running signer on SIGHUP and tokens of the key
# that signed before keep validating; every issuance is audited.
. tests/integration/lib/softhsm.sh

export PYTHONPATH="$PWD/tests/integration/lib"
KS=tests/integration/lib/keystone_jws.py
expect_ok "init-token" prov init-token
expect_ok "fernet-setup" prov fernet-setup
start_signer
exp=$(($(date -u +%s) + 1800))
jissue() {	# claims JSON -> a token, or error: ...
	printf '%s\n' "$1" | /usr/bin/python3 tests/integration/lib/jws_rpc.py \
	    issue "$SOCK"
}
pub() {		# PublicMaterial's JWS keys into DIR
	rm -rf "$1" && mkdir "$1" &&
	    /usr/bin/python3 tests/integration/lib/jws_rpc.py public "$SOCK" "$1"
}
ks() {		# DIR TOKEN: Keystone's reading of the token
	printf '%s\n' "$2" | /usr/bin/python3 "$KS" validate "$1"
}
A1=DMz0_i0HjcyWYPLiLhVsqA
A2=nviHAU8XTqqli0L7WkUWAg
c1="{\"user\":\"u1\",\"methods\":[\"password\"],\"expires_at\":$exp,\"audit_ids\":[\"$A1\"],\"scope\":1,\"project\":\"p1\"}"
case "$(jissue "$c1")" in
"error: "*"no JWS signing key (signet-provision jws-setup)") ok "no JWS keys: a clear refusal" ;;
*) fail "issue without JWS keys: $(jissue "$c1")" ;;
esac
expect_ok "jws-setup" prov jws-setup
kill -HUP "$SIGNER_PID"
sleep 0.5
t1=$(jissue "$c1")
case "$t1" in
eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.*) ok "a JWS token after jws-setup and SIGHUP" ;;
*) fail "issue: $t1" ;;
esac
expect_eq "PublicMaterial: two JWS keys" 2 "$(pub "$WORK/p1")"
got=$(ks "$WORK/p1" "$t1")
case "$got" in
*'"methods": ["password"]'*'"project_id": "p1"'*'"user_id": "u1"'*) ok "Keystone validates it" ;;
*) fail "Keystone read: $got" ;;
esac
grep -qE '"op":"issue_jws",("request_id":"[^"]*",)?"user_id":"u1".*"result":"ok"' \
    "$WORK/audit.log" && ok "audited" || fail "no issue_jws record"
sys=$(jissue "{\"user\":\"u1\",\"methods\":[\"password\"],\"expires_at\":$exp,\"audit_ids\":[\"$A1\"],\"scope\":3}")
case "$(ks "$WORK/p1" "$sys")" in
*'"system": "all"'*) ok "a system token Keystone reads as such" ;;
*) fail "system token: $(ks "$WORK/p1" "$sys")" ;;
esac

# the claims policy is IssueFernet's
far=$(($(date -u +%s) + 86400 * 30))
case "$(jissue "{\"user\":\"u1\",\"methods\":[\"password\"],\"expires_at\":$far,\"audit_ids\":[\"$A1\"]}")" in
"error: "*"beyond [token] expiration"*) ok "expiry beyond the limit refused" ;;
*) fail "a far expiry was not refused" ;;
esac
case "$(jissue "{\"user\":\"u1\",\"methods\":[\"token\"],\"expires_at\":$exp,\"audit_ids\":[\"$A2\",\"$A1\"],\"scope\":1,\"project\":\"p2\"}")" in
"error: "*"rescoping needs the parent token"*) ok "token method without a parent refused" ;;
*) fail "rescope without parent" ;;
esac

# re-scoping a JWS parent
rescope() {	# USER PARENT
	jissue "{\"user\":\"$1\",\"methods\":[\"token\"],\"expires_at\":$exp,\"audit_ids\":[\"$A2\",\"$A1\"],\"scope\":1,\"project\":\"p2\",\"parent\":\"$2\"}"
}
t2=$(rescope u1 "$t1")
case "$(ks "$WORK/p1" "$t2")" in
*'"audit_ids": ["'$A2'", "'$A1'"]'*'"project_id": "p2"'*) ok "a re-scoped JWS token" ;;
*) fail "rescope: $t2" ;;
esac
case "$(rescope u2 "$t1")" in
"error: "*"another user's"*) ok "another user's parent refused" ;;
*) fail "another user's parent" ;;
esac
bad=$(printf '%s' "$t1" | sed 's/\.[^.]*$/.AAAA/')
case "$(rescope u1 "$bad")" in
"error: "*"parent token not valid"*) ok "a forged parent refused" ;;
*) fail "forged parent" ;;
esac

# rotation: the new staged key is published before it signs
expect_ok "jws-rotate" prov jws-rotate
kill -HUP "$SIGNER_PID"
sleep 0.5
expect_eq "PublicMaterial: three JWS keys" 3 "$(pub "$WORK/p2")"
t3=$(jissue "$c1")
case "$(ks "$WORK/p1" "$t3")" in
*'"user_id": "u1"'*) ok "the new signing key was published before the rotation" ;;
*) fail "t3 with the keys of before: $(ks "$WORK/p1" "$t3")" ;;
esac
case "$(ks "$WORK/p2" "$t1")" in
*'"user_id": "u1"'*) ok "a token of the key that signed before still validates" ;;
*) fail "t1 after the rotation: $(ks "$WORK/p2" "$t1")" ;;
esac
[ "$t3" != "$t1" ] && [ "${t3%.*}" != "${t1%.*}" ] || fail "t3 equals t1"
expect_eq "four issuances audited" 4 \
    "$(grep -c '"op":"issue_jws".*"result":"ok"' "$WORK/audit.log")"
# signet-rpc speaks IssueJws too, and lists the JWS keys
rpc issue-jws "{\"user_id\":\"u1\",\"methods\":[\"password\"],\"expires_at\":\"$(date -u -d @$exp +%Y-%m-%dT%H:%M:%SZ)\",\"audit_ids\":[\"$A1\"],\"project_id\":\"p1\"}" \
    > "$WORK/rj" 2>&1
t4=$(sed -n 's/.*"token": "\([^"]*\)".*/\1/p' "$WORK/rj")
case "$(ks "$WORK/p2" "$t4")" in
*'"project_id": "p1"'*) ok "signet-rpc issue-jws: a token Keystone validates" ;;
*) fail "signet-rpc issue-jws: $(cat "$WORK/rj")" ;;
esac
expect_eq "signet-rpc public-material: three JWS keys" 3 \
    "$(rpc public-material | grep -c '"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE')"
rpc health > "$WORK/health"
grep -q '"issue_jws"' "$WORK/health" && ok "Health counts issue_jws" ||
    fail "Health: $(cat "$WORK/health")"
expect_ok "clean shutdown" stop_signer
finish
