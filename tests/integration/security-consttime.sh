# MACs, keys, digests of tokens and other secrets are
# compared only with CRYPTO_memcmp. Every memcmp/strcmp family call in the
# sources whose operands name such a value fails this check unless the
# line says why the value is not secret. (Fernet MACs themselves are
# checked inside the HSM by C_Verify.)
. tests/integration/lib/softhsm.sh

hits=$(grep -rnE '\b(memcmp|bcmp|strcmp|strncmp|strcasecmp)\(' \
    appliance hsm proto --include='*.c' --include='*.h' |
    grep -E '\(([^()]*[^a-z_])?(key|mac|hmac|digest|hash|secret|pin|password|fpr|sig|svc_token)(\)|,|\[| |$)' |
    grep -vE 'not secret|public \*/')
[ -z "$hits" ] && ok "no secret compared with memcmp or strcmp" ||
    fail "compared in variable time: $hits"
n=$(grep -rn 'CRYPTO_memcmp' appliance hsm --include='*.c' | wc -l)
[ "$n" -ge 6 ] && ok "CRYPTO_memcmp in $n places" || fail "CRYPTO_memcmp: $n"
# the check itself can fail
printf 'if (memcmp(mac, want, 32) == 0)\n' | grep -qE \
    '\(([^()]*[^a-z_])?(key|mac|hmac|digest|hash|secret|pin|password|fpr|sig|svc_token)(\)|,|\[| |$)' &&
    ok "the pattern finds memcmp(mac, ...)" || fail "the pattern is blind"
finish
