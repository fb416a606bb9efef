# The session pool survives every session being closed under it (which
# also logs the token out): the failed call is classed re-initialise, the
# pool logs in exactly once more, and cached object handles are looked up
# again before the next HMAC succeeds.
. tests/integration/lib/softhsm.sh

token_keys
expect_ok "recovery after session and login loss" \
    ours "$TBIN/hsm-check" "$CONF" pool
cat "$WORK/out"
finish
