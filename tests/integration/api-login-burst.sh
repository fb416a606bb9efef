# A burst of password logins does not hold validations up: bcrypt runs on
# signet-api's password workers, not on the connection threads, so a
# validation during 32 concurrent logins, on a connection kept alive (a
# connection thread serves it, and logins too), waits for CPU, not
# behind a login's hash (the metrics count every password the workers
# checked). Measured against one login alone, in the same run, the median
# validation in the burst takes under half of it. The workers run niced
# (10), so a validation that wakes does not wait out a hash's time slice.
# Every login still gets its token, and a wrong password its 401; an
# application credential's secret is checked by the workers too.
. tests/integration/lib/softhsm.sh

printf '[signer]\nallowed_scopes = unscoped,project,domain,system,application_credential\n' >> "$CONF"
appliance_up
metrics_on
start_api
ADMIN=$(admin_token)
cpus=$(nproc)
[ "$cpus" -le 16 ] || cpus=16
# (field 19 of a thread's stat: its nice value)
expect_eq "one password worker per CPU, niced to 10" \
    "$cpus" "$(cat /proc/"$API_PID"/task/*/stat | awk '$19 == 10' | wc -l)"
login() {	# login PASSWORD: "status seconds"
	curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
	    -H 'Content-Type: application/json' \
	    -d "$(login_body admin "$1")" "$API/v3/auth/tokens"
}
# validate N: N validations over one kept-alive connection (as a
# service's middleware holds one), each "status seconds"
validate() {
	# shellcheck disable=SC2046
	curl -s -w '%{http_code} %{time_total}\n' \
	    -H "X-Auth-Token: $ADMIN" -H "X-Subject-Token: $ADMIN" \
	    $(for _i in $(seq "$1"); do printf '%s ' "-o /dev/null $API/v3/auth/tokens"; done)
}
login secret-admin > /dev/null	# the store and the signer warmed
before=$(metric signet_api_password_checks_offloaded_total)
one=$(for i in 1 2 3; do login secret-admin; done | sort -k2 -n | sed -n 2p |
    cut -d' ' -f2)

pids=""
for i in $(seq 32); do
	login secret-admin > "$WORK/login.$i" &
	pids="$pids $!"
done
login wrong-password > "$WORK/login.bad" &
pids="$pids $!"
sleep 0.2	# every connection thread has its logins
validate 20 > "$WORK/validations"
# shellcheck disable=SC2086
wait $pids	# the logins, not the daemons

expect_eq "every validation answered 200" 20 "$(grep -c '^200 ' "$WORK/validations")"
expect_eq "every login got its token" 32 "$(cat "$WORK"/login.[0-9]* | grep -c '^201 ')"
expect_eq "a wrong password in the burst: 401" 401 "$(cut -d' ' -f1 "$WORK/login.bad")"
expect_eq "every password of the burst and the three alone checked off the connection threads" \
    36 "$(($(metric signet_api_password_checks_offloaded_total) - before))"
# an application credential's secret goes to the workers too
U=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["token"]["user"]["id"])' "$WORK/body")
curl -s -o "$WORK/ac" -H "X-Auth-Token: $ADMIN" -H 'Content-Type: application/json' \
    -d '{"application_credential": {"name": "burst"}}' \
    "$API/v3/users/$U/application_credentials"
ac_login() {	# ac_login SECRET: the status
	/usr/bin/python3 -c 'import json, sys
a = json.load(open(sys.argv[1]))["application_credential"]
print(json.dumps({"auth": {"identity": {"methods": ["application_credential"],
    "application_credential": {"id": a["id"], "secret": sys.argv[2] or a["secret"]}}}}))' \
	    "$WORK/ac" "$1" > "$WORK/ac.req"
	http_status -H 'Content-Type: application/json' -d "@$WORK/ac.req" \
	    "$API/v3/auth/tokens"
}
before=$(metric signet_api_password_checks_offloaded_total)
expect_eq "an application credential's token" 201 "$(ac_login "")"
expect_eq "a wrong secret: 401" 401 "$(ac_login wrong-secret)"
expect_eq "both secrets checked by the workers" 2 \
    "$(($(metric signet_api_password_checks_offloaded_total) - before))"
median=$(sort -k2 -n "$WORK/validations" | sed -n 10p | cut -d' ' -f2)
awk -v m="$median" -v o="$one" 'BEGIN { exit !(m < o / 2) }' &&
    ok "validations in the burst: median ${median} s, under half a login's ${one} s" ||
    fail "validations waited behind logins: median ${median} s, one login ${one} s"
stop_api || fail "signet-api exited badly: $(tail -5 "$WORK/api.log")"
finish
