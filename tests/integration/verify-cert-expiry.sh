# libsignet-verify and the signing certificate's validity window, under
# libfaketime: a PKI token that is itself still valid is refused once its
# signing certificate has expired, and before the certificate is valid;
# the same token verifies at the real time. (Certificates made by
# signet-provision start an hour back, so -2 h is before them.)
. tests/integration/lib/softhsm.sh

FT=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
[ -f "$FT" ] || { fail "libfaketime is not installed"; finish; }
# signet-verify of the plain build: libfaketime and ASan's allocator can
# deadlock (see faults-clock.sh).
[ -x "$PLAIN_BIN/signet-verify" ] || { fail "no plain build in $PLAIN_BIN"; finish; }
expect_ok "init-token" prov init-token
expect_ok "pki-setup, a certificate for one day" prov pki-setup --days 1
expect_ok "fernet-setup" prov fernet-setup
# tokens for two days (the signer's policy too): the token outlives its
# certificate
printf '[token]\nprovider = pki\nexpiration = 172800\n' >> "$CONF"
start_signer
bootstrap_admin
start_api
admin_token > "$WORK/tok"
[ -s "$WORK/tok" ] && ok "a PKI token for two days" || fail "no token"

verify_at() {	# verify_at OFFSET: signet-verify with its clock moved
	FAKETIME="$1" FAKETIME_DONT_FAKE_MONOTONIC=1 \
	    LD_PRELOAD="$FT" "$PLAIN_BIN/signet-verify" \
	    --url "$API" --signing-dir "$WORK/sd$2" --user admin \
	    --password-file "$WORK/admin.pw" --project admin \
	    --token-file "$WORK/tok" > "$WORK/out" 2>&1
}
verify_at +0 a && grep -q '"user"' "$WORK/out" &&
    ok "now: valid" || fail "now: $(cat "$WORK/out")"
verify_at +36h b
expect_eq "certificate expired, token not: exit 1" 1 "$?"
grep -q 'certificate refused' "$WORK/out" &&
    ok "it says the certificate was refused" || fail "$(cat "$WORK/out")"
verify_at -2h c
expect_eq "before the certificate: exit 1" 1 "$?"
grep -q 'certificate refused' "$WORK/out" &&
    ok "it says the certificate was refused" || fail "$(cat "$WORK/out")"
finish
