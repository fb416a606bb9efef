# Sourced after softhsm.sh (and start_api) by the tests of the identity
# API's users, groups, roles and grants: calls as the admin (or $TOK),
# Keystone's error shape checked, the store read directly.
#   call METHOD PATH [DATA]   sets CODE; the body is in $BODY
#   jq_ EXPR                  a Python expression over the body (j)
#   answered DESC CODE METHOD PATH [DATA]
#   refused DESC CODE METHOD PATH [DATA]   and Keystone's error shape
#   sql QUERY                 rows of the store, "|"-separated
#   valid TOKEN               the status of validating it (as the admin)
DB="$WORK/signet.db"
BODY="$WORK/body"
sql() {
	[ -z "${PG_URI:-}" ] || { pg_sql "$1"; return; }
	/usr/bin/python3 -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))' "$DB" "$1"
}
call() {	# TOK unset: the admin's token; TOK empty: none
	_t=${TOK-$ADMIN}
	# curl -X HEAD would wait for the body Content-Length announces
	_m="-X $1"
	[ "$1" = HEAD ] && _m=-I
	if [ -n "$_t" ]; then
		# shellcheck disable=SC2086
		CODE=$(curl -s -o "$BODY" -w '%{http_code}' $_m \
		    -H "X-Auth-Token: $_t" -H 'Content-Type: application/json' \
		    ${3:+--data-binary "$3"} "$API$2")
	else
		# shellcheck disable=SC2086
		CODE=$(curl -s -o "$BODY" -w '%{http_code}' $_m \
		    -H 'Content-Type: application/json' \
		    ${3:+--data-binary "$3"} "$API$2")
	fi
}
jq_() {
	/usr/bin/python3 -c 'import json, sys
try:
    j = json.load(open(sys.argv[1]))
except ValueError:
    j = None
print(eval(sys.argv[2]))' "$BODY" "$1"
}
answered() {
	desc=$1 want=$2; shift 2
	call "$@"
	if [ "$CODE" = "$want" ]; then ok "$desc"; else
		fail "$desc: HTTP $CODE, want $want: $(head -c 300 "$BODY")"; fi
}
refused() {
	desc=$1 want=$2; shift 2
	call "$@"
	if [ "$CODE" != "$want" ]; then
		fail "$desc: HTTP $CODE, want $want: $(head -c 300 "$BODY")"
	elif [ "$(jq_ 'sorted(j["error"]) == ["code", "message", "title"] and j["error"]["code"]')" != "$want" ]; then
		fail "$desc: not Keystone's error shape: $(head -c 300 "$BODY")"
	else
		ok "$desc"
	fi
}
valid() {
	token_status "$ADMIN" "$1"
}
# login_in USER PASSWORD DOMAIN_ID SCOPE_JSON: a token of a user of any
# domain (user_token's users are the default domain's)
login_in() {
	curl -s -D "$WORK/h" -o "$BODY" -H 'Content-Type: application/json' \
	    -d "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"$1\", \"domain\": {\"id\": \"$3\"}, \"password\": \"$2\"}}}, \"scope\": $4}}" \
	    "$API/v3/auth/tokens"
	sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p' "$WORK/h"
}
