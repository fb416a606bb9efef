# Every operator mistake gets a clear message naming what was wrong, a
# non-zero exit, no PIN in any output, and no change to the token.
. tests/integration/lib/softhsm.sh

# PIN files
cp "$WORK/pin" "$WORK/good.pin"
pinconf() {
	sed "s|^pin_file = .*|pin_file = $1|" "$CONF" > "$WORK/pin.conf"
}
pinprov() {
	ours "$BIN/signet-provision" -c "$WORK/pin.conf" "$@"
}
token_keys

cp "$WORK/pin" "$WORK/p.644"; chmod 644 "$WORK/p.644"; pinconf "$WORK/p.644"
expect_fail "PIN file mode 0644" "p.644: mode 0644" pinprov fernet-list
ln -s "$WORK/pin" "$WORK/p.link"; pinconf "$WORK/p.link"
expect_fail "PIN file is a symlink" "p.link: is a symbolic link" \
    pinprov fernet-list
: > "$WORK/p.empty"; pinconf "$WORK/p.empty"
expect_fail "empty PIN file" "p.empty: empty" pinprov fernet-list
printf '%s\r\n' "$PIN" > "$WORK/p.crlf"; pinconf "$WORK/p.crlf"
expect_fail "PIN file ending in CRLF" "p.crlf: must hold one line" \
    pinprov fernet-list
mkdir "$WORK/p.dir"; pinconf "$WORK/p.dir"
expect_fail "PIN file is a directory" "p.dir" pinprov fernet-list
mkfifo "$WORK/p.fifo"; pinconf "$WORK/p.fifo"
expect_fail "PIN file is a FIFO" "p.fifo: not a regular file" \
    pinprov fernet-list
head -c 300 /dev/zero | tr '\0' a > "$WORK/p.long"; pinconf "$WORK/p.long"
expect_fail "PIN longer than the token allows" "p.long: longer" \
    pinprov fernet-list
pinconf "$WORK/missing.pin"
expect_fail "missing PIN file" "missing.pin: No such file" \
    pinprov fernet-list
printf '%s\n' "$PIN" > "$WORK/p.nl"; pinconf "$WORK/p.nl"
expect_ok "one trailing newline is stripped" pinprov fernet-list
printf 'wrong-pin\n' > "$WORK/p.wrong"; pinconf "$WORK/p.wrong"
expect_fail "wrong PIN" "PIN incorrect" pinprov fernet-list
grep -q "slot" "$WORK/err" || fail "wrong PIN: the slot is not named"

# PINs never on the command line (any local user can read argv)
expect_fail "--pin is refused" "command line is refused" \
    prov --pin 1234 fernet-list
expect_fail "--so-pin= is refused" "command line is refused" \
    prov --so-pin=1 init-token

# Config
cfg() {
	printf '%s\n' "$@" > "$WORK/bad.conf"
}
cfgprov() {
	ours "$BIN/signet-provision" -c "$WORK/bad.conf" "$@"
}
cfg "[hsm]" "token = x" "token = y"
expect_fail "option given twice" "\[hsm\] token: given twice" cfgprov status
cfg "[fernet_tokens]" "max_active_keys = 0"
expect_fail "max_active_keys 0" "\[fernet_tokens\] max_active_keys" \
    cfgprov status
cfg "[token]" "expiration = 1e3"
expect_fail "expiration 1e3" "\[token\] expiration" cfgprov status
cfg "[token]" "expiration = 99999999999"
expect_fail "expiration too large" "\[token\] expiration" cfgprov status
cfg "[DEFAULT]" "debug = maybe"
expect_fail "bad boolean" "\[DEFAULT\] debug: 'maybe' is not a boolean" \
    cfgprov status
cfg "[hsm]" "module = /nonexistent/libpkcs11.so" "token = x"
expect_fail "missing module" "/nonexistent/libpkcs11.so: cannot load" \
    cfgprov status
cfg "[hsm]" "module = $MODULE" "token = nosuchtoken" "pin_file = pin"
expect_fail "unknown token" "no initialised token matches 'nosuchtoken'" \
    cfgprov status
cfg "[hsm]" "token = pkcs11:token=$LABEL?pin-value=1234"
expect_fail "PIN in a pkcs11: URI" "query attributes" cfgprov status
cfg "[hsm]" "module = $MODULE" "token = pkcs11:token=$LABEL;object=x" \
    "pin_file = $WORK/pin"
expect_fail "object in a token URI" "'object' does not identify a token" \
    cfgprov status
cfg "[hsm]" "module = $MODULE" "token = pkcs11:model=SoftHSM%20v2;token=$LABEL" \
    "pin_file = $WORK/pin" "[nosuch]" "option = 1"
expect_ok "a pkcs11: URI names the token" cfgprov fernet-list
grep -q "unknown option \[nosuch\] option ignored" "$WORK/err" ||
    fail "an unknown option is not warned about"
expect_fail "missing config" "nowhere.conf" ours "$BIN/signet-provision" \
    -c "$WORK/nowhere.conf" status

# Commands
expect_fail "unknown command" "unknown command" prov frobnicate
expect_fail "option of another command" "wrong options" prov fernet-rotate \
    --csr x
expect_fail "rotate on a token without Fernet keys" "fernet-setup" \
    sh -c "LD_PRELOAD='${SIGNET_PRELOAD:-}' '$BIN/signet-provision' -c '$CONF' init-token --force >/dev/null &&
    LD_PRELOAD='${SIGNET_PRELOAD:-}' '$BIN/signet-provision' -c '$CONF' fernet-rotate"
expect_fail "export-certs before pki-setup" "run pki-setup" \
    prov export-certs "$WORK"
expect_fail "bad subject" "subject" prov pki-setup --subject "no-slash"
finish
