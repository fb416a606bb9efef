# Migration of a real Keystone 22 from its file keys to signet, and a
# rotation under load: Keystone issues tokens on its own key repository;
# signet-provision fernet-import takes the repository; keystone.conf is
# switched to [token] provider = signet and Keystone restarted with the
# repository gone: every token issued before validates, new ones too. For
# the step back (provider = fernet on the same repository, before the
# first rotation in the HSM), Keystone's own TokenFormatter on the kept
# repository reads the tokens signet issued. Then fernet-rotate and a SIGHUP of the signer while tokens are validated and
# issued without pause: none fails, and Keystone is not restarted.
. tests/integration/lib/softhsm.sh
. tests/integration/lib/keystone.sh

[ -f "$LIB" ] || { fail "no $LIB: run make all first"; finish; }
REPO="$WORK/fernet-keys"
mkdir -m 700 "$REPO"
/usr/bin/python3 tests/integration/lib/keystone_repo.py "$REPO" 3 1 \
    > /dev/null 2>&1 || fail "keystone made no repository"
/usr/bin/python3 tests/integration/lib/keystone_setup.py "$WORK" "$PORT" \
    "$SOCK" "$LIB" fernet "$REPO" 2> "$WORK/setup.err" ||
    { fail "keystone setup: $(cat "$WORK/setup.err")"; finish; }

checks() {
	/usr/bin/python3 tests/integration/lib/keystone_checks.py \
	    "http://127.0.0.1:$PORT/v3" - "$@"
}

# 1. Keystone on its file keys issues tokens.
start_keystone
before=$(checks issue 3 | tr '\n' ' ')
expect_eq "Keystone issued 3 tokens on its files" 3 "$(echo $before | wc -w)"

# 2. The HSM takes the repository; Keystone switches and restarts.
expect_ok "init-token" prov init-token
expect_ok "fernet-import of Keystone's repository" prov fernet-import "$REPO"
printf '[auth]\nmethods = external,password,token,oauth1,mapped,application_credential\n' \
    >> "$CONF"
start_signer
stop_keystone
/usr/bin/python3 tests/integration/lib/keystone_setup.py switch "$WORK" \
    "$SOCK"
mv "$REPO" "$WORK/fernet-keys.kept"	# what the step back would restore
start_keystone
ks_pid=$KS_PID
# shellcheck disable=SC2086
after=$(checks issue 2 $before | tr '\n' ' ')
expect_eq "signet issued 2 tokens" 2 "$(echo $after | wc -w)"
expect_eq "no token key file in Keystone's configuration" keystone.conf \
    "$(cd "$WORK/ks" && find . -type f | sed 's|^\./||')"

# 3. The step back, before any rotation in the HSM: Keystone's own
# TokenFormatter (what provider = fernet runs) on the kept repository
# reads every token, those signet issued included.
echo $before $after | tr ' ' '\n' | /usr/bin/python3 \
    tests/integration/lib/keystone_fernet.py decode "$WORK/fernet-keys.kept" \
    > "$WORK/decoded" 2>&1
expect_eq "the file keys read all 5 tokens" 5 \
    "$(grep -c '"user_id"' "$WORK/decoded")"

# 4. Rotate in the HSM with tokens in flight, Keystone running on.
# shellcheck disable=SC2086
checks hammer 4 $before $after > "$WORK/hammer.out" 2>&1 &
HAMMER=$!
sleep 1
expect_ok "fernet-rotate" prov fernet-rotate
kill -HUP "$SIGNER_PID"
wait "$HAMMER" || fail "tokens failed during the rotation: $(cat "$WORK/hammer.out")"
grep '^ok:' "$WORK/hammer.out"
grep -q "Fernet keys loaded" "$WORK/signer.log" &&
    ok "the signer reloaded its keys on SIGHUP" ||
    fail "the signer did not reload: $(tail -3 "$WORK/signer.log")"
expect_eq "Keystone was not restarted" "$ks_pid" "$KS_PID"
kill -0 "$KS_PID" || fail "Keystone died"
finish
