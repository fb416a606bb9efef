# Names, ids and scopes at the edges (the attack review's low items):
# signet-manage refuses names that are empty, over 255 bytes, not UTF-8
# or with control characters (and takes UTF-8 ones); a name that is not
# UTF-8 in the store anyway gives a 500 with a body, never an empty 201;
# the signer seals no id that is not well-formed UTF-8; an unscoped token
# gets no catalog (403, as Keystone); a PKI token cannot be the parent of
# a re-scope under the fernet provider (401, not 503).
. tests/integration/lib/softhsm.sh

appliance_up pki
printf 'secret-x\n' > "$WORK/x.pw"

expect_fail "an empty user name" "not UTF-8" \
    mgr user-create "" --password-file "$WORK/x.pw"
expect_fail "a user name that is not UTF-8" "not UTF-8" \
    mgr user-create "$(printf 'bad\377name')" --password-file "$WORK/x.pw"
expect_fail "a user name with a newline" "control" \
    mgr user-create "$(printf 'two\nlines')" --password-file "$WORK/x.pw"
expect_fail "a project name of 256 bytes" "over 255" \
    mgr project-create "$(head -c 256 /dev/zero | tr '\0' a)"
expect_fail "a domain name with an overlong slash" "not UTF-8" \
    mgr domain-create "$(printf 'a\300\257b')"
expect_ok "a UTF-8 user name" mgr user-create "$(printf 'J\303\274rgen')" \
    --password-file "$WORK/x.pw"

# The signer: ids are well-formed UTF-8 or nothing is sealed.
export PYTHONPATH="$PWD/tests/integration/lib"
expect_ok "the signer seals UTF-8 ids, refuses bad ones" /usr/bin/python3 - \
    "$SOCK" <<'PY'
import sys, time
import sigproto as sp
c = sp.Conn(sys.argv[1])
exp = int(time.time()) + 600
for user, want in ((b'J\xc3\xbcrgen', 0), (b'u\xff', 1), (b'u\xc0\xaf', 1),
                   (b'u\xed\xa0\x80', 1), (b'a b', 1), (b'u\x01', 1)):
    st, _ = c.call(sp.issue_fernet(user, ['password'], exp,
                                   ['DMz0_i0HjcyWYPLiLhVsqA']))
    assert (st != 0) == bool(want), (user, st)
PY

start_api
U=$(admin_token -)
expect_eq "an unscoped token has no catalog" 403 \
    "$(http_status -H "X-Auth-Token: $U" "$API/v3/auth/catalog")"
S=$(admin_token)
expect_eq "a scoped token has one" 200 \
    "$(http_status -H "X-Auth-Token: $S" "$API/v3/auth/catalog")"

# A PKI parent under the fernet provider.
stop_api
printf '[token]\nprovider = pki\n' >> "$CONF"
start_api
PKI=$(admin_token -)
stop_api
sed -i 's/^provider = pki$/provider = fernet/' "$CONF"
start_api
expect_eq "a PKI parent under fernet: 401" 401 \
    "$(http_status -H 'Content-Type: application/json' -d "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$PKI\"}}, \"scope\": {\"project\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}}}}}" "$API/v3/auth/tokens")"
grep -q "signer refused" "$WORK/api.log" && fail "the API blamed the signer"

# A name that is not UTF-8 reached the store anyway (another writer).
/usr/bin/python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE user SET name = CAST(X'"'"'4a75ff67'"'"' AS TEXT) WHERE name = ?", ("J\u00fcrgen",))
db.commit()' "$WORK/signet.db"
uid=$(/usr/bin/python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT id FROM user WHERE hex(name) = ?", ("4A75FF67",)).fetchone()[0])' "$WORK/signet.db")
code=$(curl -s -o "$WORK/b" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"id\": \"$uid\", \"password\": \"secret-x\"}}}}}" \
    "$API/v3/auth/tokens")
[ "$code" != 201 ] && [ -s "$WORK/b" ] &&
    ok "a name the API cannot encode: $code with a body" ||
    fail "a name the API cannot encode: $code, $(wc -c < "$WORK/b") bytes"
expect_ok "still serving" curl -sf "$API/v3"
finish
