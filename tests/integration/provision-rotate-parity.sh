# Fernet setup and rotation give the same indices and roles as Keystone's
# own fernet_utils on a file repository, for max_active_keys 1 to 10,
# rotating 15 times each.
. tests/integration/lib/softhsm.sh

ROTATIONS=15
expect_ok "init-token" prov init-token
for max in 1 2 3 4 5 6 7 8 9 10; do
	write_conf "$max"
	mkdir -m 700 "$WORK/ks$max"
	/usr/bin/python3 tests/integration/lib/keystone_repo.py \
	    "$WORK/ks$max" "$max" "$ROTATIONS" > "$WORK/want" 2>/dev/null ||
	    fail "keystone's rotation did not run"
	prov fernet-setup --force > /dev/null 2>&1 || fail "setup (max $max)"
	prov fernet-list | paste -sd, > "$WORK/got"
	i=0
	while [ $i -lt $ROTATIONS ]; do
		prov fernet-rotate > /dev/null 2>&1 || fail "rotate (max $max)"
		prov fernet-list | paste -sd, >> "$WORK/got"
		i=$((i + 1))
	done
	if cmp -s "$WORK/want" "$WORK/got"; then
		ok "max_active_keys $max: $(tail -1 "$WORK/got")"
	else
		fail "max_active_keys $max differs from Keystone:
$(diff "$WORK/want" "$WORK/got")"
	fi
done
finish
