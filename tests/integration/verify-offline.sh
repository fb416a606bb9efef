# libsignet-verify and signet-verify against a running signet (signer +
# api on 127.0.0.1): the CLI, the signing directory's checks, and, through
# a long-lived consumer of the shared library (lib/verify_offline.py),
# PKI/PKIZ validity, tampering, revocation and expiry.
. tests/integration/lib/softhsm.sh

appliance_up pki
printf '[token]\nprovider = pki\n' >> "$CONF"
start_api

tok=$(admin_token)
printf '%s\n' "$tok" > "$WORK/tok"
creds="--user admin --password-file $WORK/admin.pw --project admin"

sv() {
	# shellcheck disable=SC2086
	ours "$BIN/signet-verify" --url "$API" $creds "$@"
}

expect_ok "signet-verify: a PKI token" sv --signing-dir "$WORK/sd" \
    --token-file "$WORK/tok"
uid=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"]["user"]["id"])' "$WORK/body")
expect_eq "signet-verify: the user" "$uid" \
    "$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["user"]["id"])' < "$WORK/out")"
# The URL as OS_AUTH_URL spells it (.../v3), with or without a trailing
# slash: each with a signing directory of its own, so the certificates and
# the list come through that URL.
n=0
for u in "$API/v3" "$API/v3/" "$API/"; do
	n=$((n + 1))
	expect_ok "signet-verify --url $u" ours "$BIN/signet-verify" \
	    --url "$u" $creds --signing-dir "$WORK/sd$n" --token-file "$WORK/tok"
	grep -q '"valid": true' "$WORK/out" || fail "--url $u: $(cat "$WORK/out")"
done
expect_eq "signing_dir files are 0600" "600 600 600" \
    "$(stat -c %a "$WORK/sd/signing_cert.pem" "$WORK/sd/ca.pem" \
    "$WORK/sd/revoked.pem" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "signing_dir is 0700" 700 "$(stat -c %a "$WORK/sd")"
if sv --signing-dir "$WORK/sd" "${tok}A" > "$WORK/out" 2>&1; then
	fail "signet-verify accepted a changed token"
else
	expect_eq "signet-verify: exit 1 and why" "1 not a token" \
	    "$? $(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["reason"])' < "$WORK/out")"
fi
grep -qF "$tok" "$WORK/out" && fail "the refusal echoes the token"

mkdir -m 777 "$WORK/open"
expect_fail "a world-writable signing_dir" "writable by group or others" \
    sv --signing-dir "$WORK/open" "$tok"
mkdir -m 770 "$WORK/group"
chmod 770 "$WORK/group"
expect_fail "a group-writable signing_dir" "writable by group or others" \
    sv --signing-dir "$WORK/group" "$tok"
if [ "$(id -u)" -eq 0 ]; then
	mkdir -m 700 "$WORK/theirs"
	chown nobody "$WORK/theirs"
	expect_fail "a signing_dir owned by another uid" "owned by uid" \
	    sv --signing-dir "$WORK/theirs" "$tok"
fi
ln -s "$WORK/sd" "$WORK/link"
expect_fail "a symlink as signing_dir" "not a directory" \
    sv --signing-dir "$WORK/link" "$tok"
chmod 644 "$WORK/tok"
expect_fail "a token file others can read" "chmod 600" \
    sv --signing-dir "$WORK/sd" --token-file "$WORK/tok"
expect_fail "no credentials" "credentials" \
    ours "$BIN/signet-verify" --url "$API" --signing-dir "$WORK/sd" "$tok"
expect_fail "not a URL" "url" ours "$BIN/signet-verify" --url ftp://x \
    $creds --signing-dir "$WORK/sd" "$tok"

# the library's shared object exports its API and nothing else
extra=$(nm -D --defined-only "$BIN/../lib/libsignet-verify.so.0" |
    awk '{print $3}' | grep -v '^signet_')
expect_eq "libsignet-verify exports only signet_*" "" "$extra"

stop_api
export WORK CONF PYTHONPATH=tests/integration/lib
expect_ok "the library, long-lived" \
    /usr/bin/python3 tests/integration/lib/verify_offline.py "$API_PORT"
cat "$WORK/out"
finish
