# Interop with Keystone 22 itself (python3-keystone), both ways, on one
# key repository: Keystone's TokenFormatter decodes every token the signer
# issues to the claims it was given, and the signer opens every token
# Keystone mints, for unscoped, project, domain, system and trust scopes
# and an audit chain.
. tests/integration/lib/softhsm.sh

keystone_keys
# trust scopes are off by default; these tests seal them on purpose
printf '[signer]\nallowed_scopes = unscoped,project,domain,system,trust\n' \
    >> "$CONF"
start_signer

U=0c2b7eea0e925cc9974fab5df940c6bd P=c27fba85674c5d43978d839a7eae2553
EXP=$(in_minutes 30)
cat > "$WORK/claims" <<CL
{"user_id":"$U","methods":["password"],"expires_at":"$EXP","audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"]}
{"user_id":"$U","methods":["token","password"],"expires_at":"$EXP","audit_ids":["DMz0_i0HjcyWYPLiLhVsqA","8cTDsvhXK3S1M2YwNp8kXQ"],"project_id":"$P"}
{"user_id":"ldap_user_7","methods":["password"],"expires_at":"$EXP","audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"],"project_id":"legacy-project"}
{"user_id":"$U","methods":["password"],"expires_at":"$EXP","audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"],"domain_id":"$P"}
{"user_id":"$U","methods":["password"],"expires_at":"$EXP","audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"],"domain_id":"default"}
{"user_id":"$U","methods":["password"],"expires_at":"$EXP","audit_ids":["DMz0_i0HjcyWYPLiLhVsqA"],"system":"all"}
{"user_id":"$U","methods":["token"],"expires_at":"$EXP","audit_ids":["DMz0_i0HjcyWYPLiLhVsqA","8cTDsvhXK3S1M2YwNp8kXQ"],"project_id":"$P","trust_id":"7fa6333299a559cc925ff589a824711d"}
CL

# signet issues, Keystone decodes. Re-scoped tokens name their parent.
parent=$(rpc issue-fernet "{\"user_id\":\"$U\",\"methods\":[\"password\"],\"expires_at\":\"$EXP\",\"audit_ids\":[\"8cTDsvhXK3S1M2YwNp8kXQ\"]}" |
    sed -n 's/.*"token": "\(.*\)".*/\1/p')
[ -n "$parent" ] || fail "no parent token"
: > "$WORK/ours"
while read -r c; do
	case "$c" in
	*'"token"'*) c=$(echo "$c" | sed "s/}\$/,\"parent_token\":\"$parent\"}/") ;;
	esac
	rpc issue-fernet "$c" | sed -n 's/.*"token": "\(.*\)".*/\1/p' \
	    >> "$WORK/ours" || fail "issue $c"
done < "$WORK/claims"
/usr/bin/python3 tests/integration/lib/keystone_fernet.py decode "$REPO" \
    < "$WORK/ours" > "$WORK/decoded" 2>"$WORK/py.err" || cat "$WORK/py.err"
n=0
while read -r c && read -r d <&3; do
	n=$((n + 1))
	/usr/bin/python3 - "$c" "$d" <<'PY' || fail "token $n: Keystone read $d"
import json, sys
c, d = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert 'error' not in d, d
for k in ('user_id', 'methods', 'audit_ids', 'expires_at'):
    assert d[k] == c[k], (k, d[k], c[k])
for k in ('project_id', 'domain_id', 'trust_id', 'system'):
    assert d[k] == c.get(k), (k, d[k], c.get(k))
PY
done < "$WORK/claims" 3< "$WORK/decoded"
expect_eq "Keystone decoded every signet token" 7 "$n"

# Keystone mints, signet opens.
/usr/bin/python3 tests/integration/lib/keystone_fernet.py mint "$REPO" \
    < "$WORK/claims" > "$WORK/theirs" 2>"$WORK/py.err" || cat "$WORK/py.err"
n=0
while read -r c && read -r t <&3; do
	n=$((n + 1))
	rpc open-fernet "$t" > "$WORK/opened" 2>&1 ||
	    { fail "signet refused Keystone's token $n"; continue; }
	/usr/bin/python3 - "$c" "$WORK/opened" <<'PY' || fail "token $n differs"
import json, sys
c, o = json.loads(sys.argv[1]), json.load(open(sys.argv[2]))
for k in ('user_id', 'audit_ids', 'expires_at'):
    assert o[k] == c[k], (k, o[k], c[k])
assert sorted(o['methods']) == sorted(c['methods'])
for k in ('project_id', 'domain_id', 'trust_id'):
    assert o[k] == c.get(k), (k, o[k], c.get(k))
assert (o['system'] is not None) == ('system' in c)
PY
done < "$WORK/claims" 3< "$WORK/theirs"
expect_eq "signet opened every Keystone token" 7 "$n"
finish
