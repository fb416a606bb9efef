#!/bin/sh
# Every program: --help is its usage on stdout (exit 0), --version its
# version (exit 0), an unknown option or -c without its file the usage on
# stderr (exit 2); each answers within seconds, with or without an
# environment (the signer once spun in getopt, and crashed under env -i).
. "$(dirname "$0")/lib/softhsm.sh"

# run NAME ARGS...: the program under timeout; stdout, stderr and the exit
# status land in $WORK/out, $WORK/err and $rc.
run() {
	name=$1; shift
	LD_PRELOAD="${SIGNET_PRELOAD:-}" timeout 10 "$BIN/$name" "$@" \
	    > "$WORK/out" 2> "$WORK/err"
	rc=$?
}

for p in signet-signerd signet-api signet-provision signet-manage \
    signet-rpc signet-verify; do
	run "$p" --help
	expect_eq "$p --help: exit 0" 0 "$rc"
	grep -q "^usage: $p" "$WORK/out" || fail "$p --help: no usage on stdout"
	run "$p" --version
	expect_eq "$p --version: exit 0" 0 "$rc"
	grep -qE "^$p [0-9]+\.[0-9]+\.[0-9]+$" "$WORK/out" ||
	    fail "$p --version: [$(cat "$WORK/out")]"
	for bad in -x --no-such-option -c; do
		run "$p" $bad
		expect_eq "$p $bad: exit 2" 2 "$rc"
		grep -q "^usage: $p" "$WORK/err" ||
		    fail "$p $bad: no usage on stderr"
		[ -s "$WORK/out" ] && fail "$p $bad: wrote to stdout"
	done
done

# Every program names the same version.
for p in signet-signerd signet-api signet-provision signet-manage \
    signet-rpc signet-verify; do
	run "$p" --version
	cut -d' ' -f2 "$WORK/out"
done | sort -u > "$WORK/versions"
expect_eq "one version" 1 "$(wc -l < "$WORK/versions")"

# With no environment at all: no crash, the same answers.
for a in -x -c; do
	env -i LD_PRELOAD="${SIGNET_PRELOAD:-}" timeout 10 \
	    "$BIN/signet-signerd" $a > /dev/null 2>&1
	expect_eq "env -i signet-signerd $a: exit 2" 2 "$?"
done
env -i LD_PRELOAD="${SIGNET_PRELOAD:-}" timeout 10 "$BIN/signet-signerd" \
    --help > "$WORK/out" 2>&1
expect_eq "env -i signet-signerd --help: exit 0" 0 "$?"

# ...and it serves: the config names the token store SoftHSM2 needs.
prov init-token > /dev/null 2>&1 && prov fernet-setup > /dev/null 2>&1 ||
    fail "token setup"
printf '[hsm]\nmodule = %s\ntoken = %s\npin_file = pin\nsofthsm2_conf = %s\n' \
    "$MODULE" "$LABEL" "$SOFTHSM2_CONF" > "$WORK/bare.conf"
env -i LD_PRELOAD="${SIGNET_PRELOAD:-}" "$BIN/signet-signerd" \
    -c "$WORK/bare.conf" > "$WORK/signer.log" 2>&1 &
SIGNER_PID=$!
wait_until 10 [ -S "$SOCK" ]
expect_ok "env -i signet-signerd serves" rpc health
stop_signer || fail "env -i signet-signerd: bad exit: $(cat "$WORK/signer.log")"

finish
