# JWS (ES256) keys in the token: jws-setup makes a signing and a staged
# P-256 pair whose private halves sign and do nothing else, are never
# extractable and cannot be modified (not even their label: a rotation
# only adds pairs and destroys halves); jws-rotate promotes the staged
# pair, retires the old signer's private half and keeps max_active_keys
# public keys; export-jws-public writes the public keys as Keystone's
# repository holds them, and they verify what the token signs;
# import-jws-public takes a Keystone repository whole or not at all.
. tests/integration/lib/softhsm.sh

expect_ok "init-token" prov init-token
expect_fail "rotate before setup" "no JWS keys" prov jws-rotate
expect_fail "export before setup" "no JWS keys" prov export-jws-public \
    "$WORK/none"
expect_ok "jws-setup" prov jws-setup
grep -q "1 signs, 2 is staged" "$WORK/out" && ok "setup: 1 signs, 2 staged" ||
    fail "setup said: $(cat "$WORK/out")"
expect_fail "a second setup" "already holds 2 JWS keys" prov jws-setup
expect_ok "jws-list" prov jws-list
roles() {	# the index and role columns of jws-list, one line
	prov jws-list | awk '{ printf "%s:%s ", $1, $2 }'
}
expect_eq "roles after setup" "2:staged 1:signs " "$(roles)"

p11() {
	pkcs11-tool --module "$MODULE" --token-label "$LABEL" --login \
	    --pin "$PIN" "$@"
}
p11 --list-objects --type privkey > "$WORK/priv" 2>&1
grep -A8 "label: *signet-jws-1" "$WORK/priv" > "$WORK/priv1"
grep -q "Usage: *sign$" "$WORK/priv1" && ok "the private half only signs" ||
    fail "usage: $(cat "$WORK/priv1")"
grep -q "never extractable" "$WORK/priv1" &&
    ok "the private half never leaves the token" ||
    fail "access: $(cat "$WORK/priv1")"
refused() {	# refused DESC PATTERN cmd...: fails, saying PATTERN
	desc=$1; pat=$2; shift 2
	if "$@" > "$WORK/out" 2>&1; then
		fail "$desc: succeeded"
	elif grep -qE -- "$pat" "$WORK/out"; then
		ok "$desc"
	else
		fail "$desc: $(cat "$WORK/out")"
	fi
}
for what in derive decrypt unwrap; do
	refused "the signing key cannot be widened ($what)" \
	    "gave CKR_ACTION_PROHIBITED" ours "$TBIN/hsm-check" "$CONF" widen \
	    signet-jws-1 "$what"
done

# what the token signs, the exported public key verifies
expect_ok "export-jws-public" prov export-jws-public "$WORK/pub"
expect_eq "two public keys exported" 2 "$(ls "$WORK/pub" | wc -l)"
expect_eq "readable by Keystone's user" "-rw-r--r--" \
    "$(ls -l "$WORK/pub/signet-jws-1.pem" | cut -c1-10)"
printf 'signet jws' > "$WORK/msg"
openssl dgst -sha256 -binary "$WORK/msg" > "$WORK/h"
id1=$(sed -n 's/^ *ID: *\([0-9a-f]*\).*/\1/p' "$WORK/priv1" | head -1)
[ ${#id1} -eq 32 ] || fail "no CKA_ID for signet-jws-1: $(cat "$WORK/priv1")"
expect_ok "the token signs with ECDSA" p11 --sign --mechanism ECDSA \
    --id "$id1" --signature-format openssl \
    --input-file "$WORK/h" --output-file "$WORK/sig"
expect_ok "the exported key verifies it" openssl dgst -sha256 -verify \
    "$WORK/pub/signet-jws-1.pem" -signature "$WORK/sig" "$WORK/msg"
refused "the staged key does not" "Verification failure" openssl dgst \
    -sha256 -verify "$WORK/pub/signet-jws-2.pem" -signature "$WORK/sig" \
    "$WORK/msg"

expect_ok "jws-rotate" prov jws-rotate
expect_eq "roles after one rotation" "3:staged 2:signs 1:validates " \
    "$(roles)"
expect_ok "jws-rotate again" prov jws-rotate
expect_eq "roles after two (max_active_keys 3)" \
    "4:staged 3:signs 2:validates " "$(roles)"
expect_eq "private halves: the staged and the signing key" 2 \
    "$(p11 --list-objects --type privkey 2>/dev/null |
    grep -c 'label: *signet-jws-')"

# Keystone's repository: all of it, or nothing
mkdir "$WORK/ks" "$WORK/bad"
openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/ks.key" 2>/dev/null
openssl ec -in "$WORK/ks.key" -pubout -out "$WORK/ks/public.pem" 2>/dev/null
cp "$WORK/ks/public.pem" "$WORK/ks/copy.pem"
cp "$WORK/ks/public.pem" "$WORK/bad/a.pem"
openssl genrsa 2048 2>/dev/null | openssl rsa -pubout -out "$WORK/bad/b.pem" \
    2>/dev/null
expect_fail "an RSA key in the folder" "b.pem is not an ES256" \
    prov import-jws-public "$WORK/bad"
expect_eq "nothing imported from it" 0 \
    "$(prov jws-list | grep -c imported)"
expect_ok "import-jws-public" prov import-jws-public "$WORK/ks"
grep -q "imported 1 JWS public keys (1 already present)" "$WORK/out" &&
    ok "a key in two files is stored once" || fail "$(cat "$WORK/out")"
expect_ok "import again" prov import-jws-public "$WORK/ks"
grep -q "imported 0 JWS public keys (2 already present)" "$WORK/out" &&
    ok "importing twice adds nothing" || fail "$(cat "$WORK/out")"
expect_eq "the imported key validates only" 1 \
    "$(prov jws-list | grep -c '^imported  validates')"
expect_ok "rotate with an imported key" prov jws-rotate
expect_eq "the imported key outlives rotations" 1 \
    "$(prov jws-list | grep -c '^imported')"
expect_ok "export leaves Keystone's own key out" prov export-jws-public \
    "$WORK/pub2"
expect_eq "three of ours exported" 3 "$(ls "$WORK/pub2" | wc -l)"
expect_ok "jws-setup --force" prov jws-setup --force
expect_eq "roles after a forced setup" "2:staged 1:signs imported:validates " \
    "$(roles)"
expect_ok "fernet-setup" prov fernet-setup
expect_ok "pki-setup" prov pki-setup
expect_ok "status" prov status
grep -q "^jws keys: 2 (1 signs, 2 staged), 1 imported" "$WORK/out" &&
    ok "status shows the JWS keys" || fail "status: $(cat "$WORK/out")"
finish
