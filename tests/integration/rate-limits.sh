# Rate limits. One user's storm of DELETEs is cut to
# [api] revocation_rate per second (429 with Retry-After) while another
# user's validation and revocation go on; the storm ends, the user may
# revoke again. A peer over [signer] peer_rate gets BUSY before its calls
# take a place in the signer's queue, and is served again a second later.
. tests/integration/lib/softhsm.sh

token_keys
printf '[signer]\npeer_rate = 50\n' >> "$CONF"
start_signer
bootstrap_admin
printf 'secret-alice\n' > "$WORK/alice.pw"
expect_ok "alice" mgr user-create alice --password-file "$WORK/alice.pw"
expect_ok "alice's role" mgr role-grant member --user alice --project admin
printf '[api]\nrevocation_rate = 5\n' >> "$CONF"
start_api

rescope() {	# a child of token $1 (the token method: no bcrypt)
	curl -s -D "$WORK/h" -o /dev/null -H 'Content-Type: application/json' \
	    -d "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$1\"}}, \"scope\": {\"project\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}}}}}" \
	    "$API/v3/auth/tokens"
	sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$WORK/h"
}
call() {	# call METHOD CALLER SUBJECT: the status
	curl -s -o /dev/null -D "$WORK/rh" -w '%{http_code}' -X "$1" \
	    -H "X-Auth-Token: $2" -H "X-Subject-Token: $3" "$API/v3/auth/tokens"
}
ADMIN=$(admin_token)
ALICE=$(user_token alice secret-alice)
[ -n "$ADMIN" ] && [ -n "$ALICE" ] && ok "two users' tokens" ||
    fail "no tokens"
ALICE_CHILD=$(rescope "$ALICE")

# A storm: 60 DELETEs of one child from the admin as fast as curl goes (a
# burst of 10 is allowed, then 5 per second): 204, then 404 while within
# the rate, 429 beyond it.
CHILD=$(rescope "$ADMIN")
i=0
: > "$WORK/codes"
while [ $i -lt 60 ]; do
	c=$(call DELETE "$ADMIN" "$CHILD")
	echo "$c" >> "$WORK/codes"
	[ "$c" = 429 ] && cp "$WORK/rh" "$WORK/rh.429"
	i=$((i + 1))
done
nok=$(grep -c '204\|404' "$WORK/codes")
n429=$(grep -c 429 "$WORK/codes")
echo "storm: $(sort "$WORK/codes" | uniq -c | tr '\n' ' ')"
[ "$n429" -gt 0 ] && [ "$nok" -ge 10 ] && [ $((nok + n429)) -eq 60 ] &&
    ok "the storm is cut to the rate ($nok answered, $n429 refused)" ||
    fail "storm: $(sort "$WORK/codes" | uniq -c | tr '\n' ' ')"
grep -q '^Retry-After: 1' "$WORK/rh.429" 2>/dev/null &&
    ok "429 says Retry-After" || fail "no Retry-After"
expect_eq "meanwhile alice validates" 200 "$(call GET "$ALICE" "$ALICE_CHILD")"
expect_eq "and alice revokes" 204 "$(call DELETE "$ALICE" "$ALICE_CHILD")"
sleep 1
expect_eq "a second later the admin revokes again" 204 \
    "$(call DELETE "$ADMIN" "$(rescope "$ADMIN")")"

# The signer: 300 Health calls at once from this uid, over peer_rate 50.
/usr/bin/python3 - "$SOCK" <<'PY' > "$WORK/peer" 2>&1
import sys, time
sys.path.insert(0, 'tests/integration/lib')
import sigproto as sp
c = sp.Conn(sys.argv[1])
st = [c.call(sp.health(rid=i + 1))[0] for i in range(300)]
print(st.count(0), st.count(5))
time.sleep(1.1)
print(c.call(sp.health(rid=999))[0])
PY
set -- $(cat "$WORK/peer")
[ "${2:-0}" -gt 0 ] && [ "${1:-0}" -ge 50 ] &&
    ok "the signer cut the peer to its rate (${1} served, ${2} BUSY)" ||
    fail "peer_rate: $(cat "$WORK/peer")"
expect_eq "a second later the peer is served" 0 "${3:-}"
finish
