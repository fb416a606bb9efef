# fernet-import takes a key repository made by Keystone's own code: the
# token's keys then MAC and encrypt exactly as Keystone's files. Every bad
# repository is refused whole and leaves the token's keys as they were.
. tests/integration/lib/softhsm.sh

REPO="$WORK/repo"
mkdir -m 700 "$REPO"
/usr/bin/python3 tests/integration/lib/keystone_repo.py "$REPO" 3 1 \
    > /dev/null 2>&1 || fail "keystone could not make a repository"

expect_ok "init-token" prov init-token
expect_ok "import Keystone's repository" prov fernet-import "$REPO"
expect_eq "indices and roles as Keystone's" "0 staged
1 secondary
2 primary" "$(prov fernet-list)"
for i in 0 1 2; do
	expect_ok "key $i equals Keystone's" ours "$TBIN/hsm-check" "$CONF" \
	    fernet "$REPO/$i" "$i"
done
expect_fail "import over existing keys without --force" "--force" \
    prov fernet-import "$REPO"

# A bad repository: a copy of the good one with one thing wrong.
inventory() {
	p11tool --login --pin "$PIN" --list-objects --type secrkey |
	    grep -E 'label|ID' | paste -sd' '
}
before=$(inventory)
bad() {
	rm -rf "$WORK/bad"
	cp -a "$REPO" "$WORK/bad"
}
refused() {
	expect_fail "$1" "$2" prov fernet-import --force "$WORK/bad"
	[ "$(inventory)" = "$before" ] || fail "$1: the token changed"
}
bad; : > "$WORK/bad/1"; refused "empty key file" "empty key file"
bad; mv "$WORK/bad/1" "$WORK/bad/1.bak"; refused "bad file name" \
    "not a key file name"
bad; printf 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==' > "$WORK/bad/1"
refused "31-byte key" "not a Fernet key"
bad; printf 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==' > "$WORK/bad/1"
refused "33-byte key" "not a Fernet key"
bad; tr -- '-_' '+/' < "$REPO/1" > "$WORK/bad/1"
grep -q '[+/]' "$WORK/bad/1" || printf 'ab+/ab+/ab+/ab+/ab+/ab+/ab+/ab+/ab+/ab+/abc=' > "$WORK/bad/1"
refused "non-urlsafe base64" "not a Fernet key"
bad; printf 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' > "$WORK/bad/1"
refused "Keystone's NULL_KEY" "NULL_KEY"
bad; cp "$REPO/2" "$WORK/bad/1"; refused "the same key twice" "same key"
bad; chmod 755 "$WORK/bad"; refused "world-readable repository" \
    "world-accessible"
bad; rm "$WORK/bad/1"; ln -s "$REPO/1" "$WORK/bad/1"
refused "symbolic link" "symbolic link|not a regular file"
bad; rm "$WORK/bad/0"; refused "no staged key" "no staged key"
rm -rf "$WORK/bad"; mkdir -m 700 "$WORK/bad"
/usr/bin/python3 tests/integration/lib/keystone_repo.py "$WORK/bad" 4 2 \
    > /dev/null 2>&1
refused "more keys than max_active_keys" "max_active_keys"
expect_fail "missing directory" "No such file" prov fernet-import --force \
    "$WORK/nowhere"
finish
