# Fernet keys copied between two HSMs, never in clear: custodians'
# components make the same KEK on node A and node B (SO ceremony); A's
# token, receipt and credential keys are exported wrapped under it and
# imported on B, indices and roles kept; then a signer on each token opens
# what the other issued, in both directions, for every set, and after a
# rotation on A too (B holds the staged key). A token under another KEK,
# a changed or cut file and the wrong set are refused with B unchanged;
# the wrap attacks on the KEK (kek-attack) are refused on both tokens.
. tests/integration/lib/softhsm.sh
. tests/integration/lib/nodes.sh

# Node B: a token store, PINs and config of its own.
NB="$WORK/b"
SIGNER_B=""
# (an empty SIGNER_B must not reach wait: it would wait for signer A too)
trap '[ -n "$SIGNER_B" ] && kill $SIGNER_B && wait $SIGNER_B; cleanup' EXIT
node_conf "$NB" "$LABEL-b"
node_conf "$WORK/c" "$LABEL-c"
provb() { ours "$BIN/signet-provision" -c "$NB/signet.conf" "$@"; }
provc() { ours "$BIN/signet-provision" -c "$WORK/c/signet.conf" "$@"; }
rpcb() { ours "$BIN/signet-rpc" -c "$NB/signet.conf" "$@"; }

# Node A: every set, the token keys rotated once.
expect_ok "A: init-token" prov init-token
for set in token receipt credential; do
	expect_ok "A: fernet-setup --keys $set" prov fernet-setup --keys $set
done
expect_ok "A: fernet-rotate" prov fernet-rotate

# The custodians' components: 0600, a check value of the component only
# (kek-component needs no token and no config).
C="$WORK/custody"
mkdir -m 700 "$C"
for i in 1 2 3; do
	ours "$BIN/signet-provision" kek-component --out "$C/c$i" > "$WORK/out" \
	    2>&1 || fail "kek-component $i: $(cat "$WORK/out")"
	kcv=$(sed -n 's/.*its check value: \([0-9A-F]\{6\}\)$/\1/p' "$WORK/out")
	[ -n "$kcv" ] || fail "kek-component $i printed no check value"
	grep -qi "$(cat "$C/c$i")" "$WORK/out" && fail "a component was printed"
done
expect_eq "a component is 0600" "600" "$(stat -c %a "$C/c1")"
expect_eq "a component is 64 hex digits" 1 \
    "$(grep -c '^[0-9a-f]\{64\}$' "$C/c1")"
expect_fail "a component is never overwritten" "never replaced by a component" \
    ours "$BIN/signet-provision" kek-component --out "$C/c1"

# The ceremony on A and B (other order, same KEK); C gets another KEK.
expect_fail "no export without a KEK" "no key-encryption key.*kek-setup" \
    prov fernet-export --out "$WORK/none"
expect_fail "one component is not enough" "two or more --component" \
    prov kek-setup --component "$C/c1"
expect_fail "a component given twice" "given twice" \
    prov kek-setup --component "$C/c1" --component "$C/c1"
chmod 644 "$C/c2"
expect_fail "a component others can read" "mode 0644" \
    prov kek-setup --component "$C/c1" --component "$C/c2"
chmod 600 "$C/c2"
expect_ok "A: kek-setup" prov kek-setup --component "$C/c1" --component "$C/c2"
grep -q "component 1 ($C/c1): check value [0-9A-F]\{6\}$" "$WORK/out" ||
    fail "kek-setup did not show the components' check values"
expect_fail "a second KEK needs --force" "already holds a key-encryption" \
    prov kek-setup --component "$C/c1" --component "$C/c2"
expect_ok "B: init-token" provb init-token
expect_ok "B: kek-setup" provb kek-setup --component "$C/c2" --component "$C/c1"
expect_ok "C: init-token" provc init-token
expect_ok "C: kek-setup" provc kek-setup --component "$C/c1" --component "$C/c3"
prov status > "$WORK/st" 2>&1
grep -q "^key-encryption key: present ('signet-kek', trusted)" "$WORK/st" &&
    ! grep -q "^problem:.*\(kek\|key-encryption\)" "$WORK/st" &&
    ok "status: the KEK is there, nothing wrong with it" ||
    fail "status: $(cat "$WORK/st")"
provb status > "$WORK/st" 2>&1
grep -q "^key-encryption key: present" "$WORK/st" && ok "status on B" ||
    fail "status on B: $(cat "$WORK/st")"
ours "$BIN/signet-provision" -c "$WORK/c/signet.conf" status > "$WORK/st" 2>&1
for f in "$C/c1" "$C/c2"; do
	grep -qi "$(cat "$f")" "$WORK/st" && fail "status printed a component"
done

# The KEK is in no file, in clear, hex or base64: SoftHSM2 writes a public
# object's value into its token file as it is, so the KEK must be private.
kek_nowhere() {
	/usr/bin/python3 - "$C/c1" "$C/c2" "$WORK" "$C" <<'PY'
import base64, os, sys
a, b = (bytes.fromhex(open(f).read().strip()) for f in sys.argv[1:3])
kek = bytes(x ^ y for x, y in zip(a, b))
forms = [kek, kek.hex().encode(), kek.hex().upper().encode(),
         base64.b64encode(kek), base64.urlsafe_b64encode(kek)]
bad = 0
for root, _, files in os.walk(sys.argv[3]):
    if root.startswith(sys.argv[4]):
        continue
    for f in files:
        path = os.path.join(root, f)
        try:
            data = open(path, 'rb').read()
        except OSError:
            continue
        if any(x in data for x in forms):
            print(path)
            bad = 1
sys.exit(bad)
PY
}
kek_nowhere > "$WORK/found" && ok "the KEK is in no file" ||
    fail "the KEK is in: $(cat "$WORK/found")"

# The wrap attacks, on A (keys made there) and on B once it holds copies.
expect_ok "A: the KEK refuses the wrap attacks" \
    ours "$TBIN/kek-attack" "$CONF" token 1
cat "$WORK/out"

# Export every set from A; B imports them, indices and roles kept.
for set in token receipt credential; do
	expect_ok "A: fernet-export --keys $set" \
	    prov fernet-export --keys $set --out "$WORK/$set.wrapped"
done
expect_eq "the file is 0600" 600 "$(stat -c %a "$WORK/token.wrapped")"
expect_eq "the file says what it is" "signet-wrapped-fernet-keys 1
set token
kek signet-kek aes-key-wrap-pad" "$(head -3 "$WORK/token.wrapped")"
expect_eq "one line a key, with its index and role" \
    "key 0 staged|key 1 secondary|key 2 primary" \
    "$(grep '^key ' "$WORK/token.wrapped" | cut -d' ' -f1-3 | paste -sd'|')"
expect_fail "an export never replaces a file" "never replaced by an export" \
    prov fernet-export --out "$WORK/token.wrapped"
expect_fail "the wrong set" "holds receipt keys, not token keys" \
    provb fernet-import-wrapped "$WORK/receipt.wrapped"
expect_fail "C: another KEK" "not made under this token's key-encryption" \
    provc fernet-import-wrapped "$WORK/token.wrapped"
expect_eq "C is unchanged" "" "$(provc fernet-list)"
for set in token receipt credential; do
	expect_ok "B: fernet-import-wrapped --keys $set" \
	    provb fernet-import-wrapped --keys $set "$WORK/$set.wrapped"
	expect_eq "B's $set keys are A's" "$(prov fernet-list --keys $set)" \
	    "$(provb fernet-list --keys $set)"
done
expect_ok "B: the KEK refuses the wrap attacks on copied keys" \
    ours "$TBIN/kek-attack" "$NB/signet.conf" token 2
provb status > "$WORK/st" 2>&1
grep -q "^problem:.*signet-\(fernet\|receipt\|credential\|kek\)" "$WORK/st" &&
    fail "status finds the copied keys wanting: $(cat "$WORK/st")"

# A changed or cut file, a newer set: refused, B unchanged, nothing left.
expect_ok "A: fernet-rotate (a set B does not have)" prov fernet-rotate
expect_ok "A: export it" prov fernet-export --out "$WORK/new.wrapped"
before=$(provb fernet-list)
damage() {	# damage NAME PYTHON_EXPR_ON_b: writes $WORK/NAME
	/usr/bin/python3 -c "import sys; b = bytearray(open(sys.argv[1], 'rb').read()); $2; open(sys.argv[2], 'wb').write(b)" \
	    "$WORK/new.wrapped" "$WORK/$1"
}
# one bit of key 3's wrapped AES half, still canonical base64url
damage flip "import base64; l = b.split(b'\\n'); i = [j for j, x in enumerate(l) if x.startswith(b'key 3 ')][0]; f = l[i].split(b' '); r = bytearray(base64.urlsafe_b64decode(bytes(f[3]))); r[5] ^= 1; f[3] = base64.urlsafe_b64encode(bytes(r)); l[i] = b' '.join(f); b[:] = b'\\n'.join(l)"
damage cut "b[:] = b[:len(b) // 2]"
damage lastbyte "b[:] = b[:-1]"
damage mackey "i = b.index(b'mac-key ') + 12; b[i] = ord('A') if b[i] != ord('A') else ord('B')"
damage role "b[:] = b.replace(b' 3 primary ', b' 3 secondary ')"
expect_fail "a flipped bit in a key" "changed after it was made" \
    provb fernet-import-wrapped --force "$WORK/flip"
expect_fail "a file cut in half" "truncated" \
    provb fernet-import-wrapped --force "$WORK/cut"
expect_fail "a file short of its last byte" "truncated" \
    provb fernet-import-wrapped --force "$WORK/lastbyte"
expect_fail "a changed MAC key" "not made under this token's key-encryption" \
    provb fernet-import-wrapped --force "$WORK/mackey"
expect_fail "a role changed" "changed after it was made" \
    provb fernet-import-wrapped --force "$WORK/role"
expect_fail "keys already there need --force" "already holds 3 Fernet token keys" \
    provb fernet-import-wrapped "$WORK/new.wrapped"
expect_eq "B is unchanged" "$before" "$(provb fernet-list)"
provb status > "$WORK/st" 2>&1
grep -q "LEFTOVER\|PENDING" "$WORK/st" && fail "a refused import left: $(cat "$WORK/st")"

# A signer on each token: what one issues, the other opens.
# totp for receipts; the rest as Keystone orders them (the self-test's
# known answer depends on the order)
METHODS=external,password,token,oauth1,mapped,application_credential,totp
printf '[auth]\nmethods = %s\n' "$METHODS" >> "$CONF"
printf '[auth]\nmethods = %s\n' "$METHODS" >> "$NB/signet.conf"
start_signer_b() {
	rm -f "$NB/signer.sock"
	LD_PRELOAD="${SIGNET_PRELOAD:-}" "$BIN/signet-signerd" \
	    -c "$NB/signet.conf" > "$NB/signer.log" 2>&1 &
	SIGNER_B=$!
	wait_until 10 [ -S "$NB/signer.sock" ] ||
	    fail "signer B did not start: $(cat "$NB/signer.log")"
}
claims="{\"user_id\":\"u1\",\"methods\":[\"password\"],\"expires_at\":\"$(in_minutes 30)\",\"audit_ids\":[\"DMz0_i0HjcyWYPLiLhVsqA\"]}"
receipt="{\"user_id\": \"u1\", \"methods\": [\"password\", \"totp\"], \"expires_at\": \"$(in_minutes 4)\"}"
printf 'an otp secret' > "$WORK/pt"
cross() {	# cross WHAT ISSUER OPENER: issues with one, opens with the other
	case $1 in
	token) $2 issue-fernet "$claims" > "$WORK/x" 2>&1
		v=$(sed -n 's/.*"token": "\(.*\)".*/\1/p' "$WORK/x")
		$3 open-fernet "$v" > "$WORK/y" 2>&1 &&
		    grep -q '"user_id": "u1"' "$WORK/y" ;;
	receipt) $2 issue-receipt "$receipt" > "$WORK/x" 2>&1
		v=$(sed -n 's/.*"receipt": "\(.*\)".*/\1/p' "$WORK/x")
		$3 open-receipt "$v" > "$WORK/y" 2>&1 &&
		    grep -q '"totp"' "$WORK/y" ;;
	credential) $2 encrypt-credential "$WORK/pt" > "$WORK/x" 2>&1
		v=$(sed -n 's/.*"blob": "\(.*\)".*/\1/p' "$WORK/x")
		$3 decrypt-credential "$v" > "$WORK/y" 2>&1 &&
		    grep -q 'an otp secret' "$WORK/y" ;;
	esac && [ -n "$v" ] && ok "$1: $2 issues, $3 opens" ||
	    fail "$1: $2 issues, $3 opens: $(cat "$WORK/x" "$WORK/y")"
}
kek_nowhere > "$WORK/found" && ok "the KEK is in no file after the copies" ||
    fail "the KEK is in: $(cat "$WORK/found")"
expect_ok "B: the newer set, with --force" \
    provb fernet-import-wrapped --force "$WORK/new.wrapped"
expect_eq "B's keys are A's again" "$(prov fernet-list)" "$(provb fernet-list)"
start_signer
start_signer_b
for set in token receipt credential; do
	cross $set rpc rpcb
	cross $set rpcb rpc
done

# A rotates; B, not yet given the new set, opens A's tokens all the same:
# A's new primary is the key B holds as staged (Keystone's order).
stop_signer || fail "signer A did not stop cleanly"
expect_ok "A: fernet-rotate again" prov fernet-rotate
start_signer
cross token rpc rpcb
kill "$SIGNER_B"
wait "$SIGNER_B" || fail "signer B did not stop cleanly"
SIGNER_B=""
finish
