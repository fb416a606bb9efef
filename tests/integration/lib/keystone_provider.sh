# Sourced by keystone-provider.sh and keystone-provider-jws.sh with
# SIGNET_FORMAT set: a real Keystone 22 (Debian's python3-keystone,
# SQLite, db_sync and bootstrap, the public WSGI app on 127.0.0.1) with
# [token] provider = signet and [signet] format = SIGNET_FORMAT beside a
# real signer on SoftHSM2: password, token, trust, application credential
# and federated (mapped) authentication; project, domain, system,
# unscoped and trust scopes; broken tokens;
# user create/list, role add, application credential create and trust
# create with the openstack CLI; revocation; keystonemiddleware; one
# audit record per issuance; the signer stopped (503 with Retry-After for
# issuance and validation) and back; no token key file in Keystone's
# configuration. The Python side loads the plain build's
# libsignet-client.so.0 (a sanitized one would need ASan in python3).
. tests/integration/lib/softhsm.sh
. tests/integration/lib/keystone.sh
. tests/integration/lib/osc.sh

[ -f "$LIB" ] || { fail "no $LIB: run make all first"; finish; }
expect_ok "init-token" prov init-token
expect_ok "fernet-setup" prov fernet-setup
[ "$SIGNET_FORMAT" = jws ] && expect_ok "jws-setup" prov jws-setup
export SIGNET_FORMAT
# Keystone has trusts; [auth] methods as in keystone.conf (the bitmask)
printf '[signer]\nallowed_scopes = unscoped,project,domain,system,trust,federated,oauth1,application_credential\n' \
    >> "$CONF"
printf '[auth]\nmethods = external,password,token,oauth1,mapped,application_credential\n' \
    >> "$CONF"
start_signer

/usr/bin/python3 tests/integration/lib/keystone_setup.py "$WORK" "$PORT" \
    "$SOCK" "$LIB" 2> "$WORK/setup.err" ||
    { fail "keystone setup: $(cat "$WORK/setup.err")"; finish; }

start_keystone
osc_start

export OS_AUTH_URL="http://127.0.0.1:$PORT/v3" OS_USERNAME=admin \
    OS_PASSWORD=secret-admin OS_PROJECT_NAME=admin \
    OS_USER_DOMAIN_ID=default OS_PROJECT_DOMAIN_ID=default \
    OS_IDENTITY_API_VERSION=3
osc() {
	osc_run "$@" 2>> "$WORK/osc.err"
}
checks() {
	/usr/bin/python3 tests/integration/lib/keystone_checks.py \
	    "$OS_AUTH_URL" "$@"
}

tok=$(osc token issue -f value -c id)
case "$SIGNET_FORMAT:$tok" in fernet:gAAAAA*|jws:eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.*)
	ok "openstack token issue ($SIGNET_FORMAT)" ;;
*) fail "openstack token issue: $(cat "$WORK/osc.err")" ;; esac
expect_ok "openstack user create" osc user create --domain default \
    --password secret-demo demo
osc user list -f value -c Name | grep -qx demo && ok "openstack user list" ||
    fail "openstack user list lacks demo"
expect_ok "openstack role add" osc role add --user demo --project admin \
    member
trust=$(osc trust create --project admin --role admin admin demo \
    -f value -c id)
[ -n "$trust" ] && ok "openstack trust create" ||
    fail "openstack trust create: $(cat "$WORK/osc.err")"
appcred=$(osc application credential create --secret secret-appcred \
    appcred -f value -c id)
[ -n "$appcred" ] && ok "openstack application credential create" ||
    fail "openstack application credential create: $(cat "$WORK/osc.err")"

checks "$WORK/audit.log" main "$trust" "$appcred" "$WORK/held" ||
    FAILS=$((FAILS + 1))
grep -q '"op":"issue_'"$SIGNET_FORMAT"'".*"app_cred_id":"'"$appcred"'".*"result":"ok"' \
    "$WORK/audit.log" && ok "the signer audited the application credential's token" ||
    fail "no audit record names the application credential"

# The signer stopped: 503 with Retry-After, never a 500; then back.
held=$(cat "$WORK/held")
stop_signer || fail "the signer did not stop cleanly"
checks - down "$held" || FAILS=$((FAILS + 1))
start_signer
checks - up "$held" || FAILS=$((FAILS + 1))
grep -q "Traceback" "$WORK/ks.out" &&
    fail "the WSGI server logged a traceback: $(grep -A3 Traceback "$WORK/ks.out" | head -20)"

# No token key anywhere in Keystone's configuration: only keystone.conf.
expect_eq "Keystone's configuration holds no key file" "keystone.conf" \
    "$(cd "$WORK/ks" && find . -type f | sed 's|^\./||')"
[ -e /etc/keystone/fernet-keys ] && [ ! -e "$WORK/ks/fernet-keys" ] &&
    echo "note: this machine has /etc/keystone/fernet-keys (unused here)"
cp "$WORK/keystone.log" "$WORK/ks.out" /tmp/ 2>/dev/null; finish
