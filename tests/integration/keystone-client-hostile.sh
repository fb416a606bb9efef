# libsignet-client, the Keystone provider's only path to the signer,
# against a signer answering with hostile frames (oversized length,
# garbage, another request's id, a truncated frame, silence, the wrong
# result): each call ends as unreachable within its deadline; calls the
# library cannot make (bad JSON, an unknown op, bad claims) are refused
# before anything is sent.
. tests/integration/lib/softhsm.sh

LIB=${PLAIN_BIN:-$PWD/build/bin}/../lib/libsignet-client.so.0
[ -f "$LIB" ] || { fail "no $LIB: run make all first"; finish; }
/usr/bin/python3 tests/integration/lib/keystone_hostile.py "$LIB" "$WORK" ||
    fail "hostile answers"
finish
