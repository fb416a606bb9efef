# Concurrency: 200 connections start behind a barrier
# and keep 10 calls each in flight (2000 at once), 10 rounds of issue then
# open: zero errors, every answer matched to its request, and every opened
# token names the user its connection asked for. One uid makes them all,
# so the per-peer cap is lifted to max_connections.
. tests/integration/lib/softhsm.sh

token_keys
printf '[signer]\nmax_connections = 256\nmax_connections_per_peer = 256\nworkers = 4\n' >> "$CONF"
start_signer
export PYTHONPATH="$PWD/tests/integration/lib"
expect_ok "2000 calls in flight, 40000 in all" /usr/bin/python3 \
    tests/integration/lib/burst.py "$SOCK" 200 10 10
cat "$WORK/out"
expect_ok "health after the burst" rpc health
expect_ok "clean shutdown" stop_signer
finish
