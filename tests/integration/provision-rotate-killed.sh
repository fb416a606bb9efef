# A rotation killed (SIGKILL, under gdb) before each of its token writes in
# turn: right after the kill the token holds keys with one primary and no
# index claimed twice, and the next fernet-rotate finishes the interrupted
# rotation, giving exactly Keystone's state after one rotation.
. tests/integration/lib/softhsm.sh

write_conf 3
expect_ok "init-token" prov init-token
mkdir -m 700 "$WORK/ks"
/usr/bin/python3 tests/integration/lib/keystone_repo.py "$WORK/ks" 3 2 \
    > "$WORK/ks.states" 2>/dev/null || fail "keystone's rotation"
want=$(sed -n 3p "$WORK/ks.states")	# after setup + 2 rotations

# kill_at K: gdb counts the token writes and sends SIGKILL before the Kth.
kill_at() {
	{
		echo "set breakpoint pending on"
		echo "set \$n = 0"
		for fn in C_CreateObject C_GenerateKey C_SetAttributeValue \
		    C_DestroyObject; do
			echo "break $fn"
			echo "commands"
			echo "silent"
			echo "set \$n = \$n + 1"
			echo "if \$n == $1"
			echo "signal SIGKILL"
			echo "end"
			echo "continue"
			echo "end"
		done
		[ -n "${SIGNET_PRELOAD:-}" ] &&
		    echo "set exec-wrapper env LD_PRELOAD='$SIGNET_PRELOAD'"
		echo "run"
	} > "$WORK/gdb.cmds"
	gdb -q -batch -x "$WORK/gdb.cmds" --args "$BIN/signet-provision" \
	    -c "$CONF" fernet-rotate > "$WORK/gdb.out" 2>&1
	grep -q "SIGKILL" "$WORK/gdb.out"
}

k=1
while [ $k -le 40 ]; do
	prov fernet-setup --force > /dev/null 2>&1 || fail "setup"
	prov fernet-rotate > /dev/null 2>&1 || fail "first rotation"
	if ! kill_at $k; then
		break	# the rotation made fewer than k writes: all covered
	fi
	got=$(prov fernet-list 2> /dev/null | paste -sd,)
	n_primary=$(printf '%s\n' "$got" | tr , '\n' | grep -c primary)
	n_dup=$(printf '%s\n' "$got" | tr , '\n' | cut -d' ' -f1 | sort |
	    uniq -d | wc -l)
	if [ "$n_primary" -ne 1 ] || [ "$n_dup" -ne 0 ]; then
		fail "killed before write $k: [$got]"
	fi
	prov fernet-rotate > /dev/null 2>&1 || fail "repair after write $k"
	after=$(prov fernet-list | paste -sd,)
	expect_eq "killed before write $k ([$got]), then repaired" \
	    "$want" "$after"
	k=$((k + 1))
done
[ $k -gt 5 ] || fail "only $((k - 1)) kill points: gdb did not stop"
prov status > "$WORK/st" 2>&1
! grep -E "PENDING|LEFTOVER|CONFLICT|EXCESS" "$WORK/st" ||
    fail "status sees Fernet debris after the repairs"
finish
