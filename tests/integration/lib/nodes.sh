# Sourced after softhsm.sh by tests with several HSM nodes on one machine:
# node_conf DIR LABEL makes a node's own SoftHSM2 token store, PINs and
# signet.conf in DIR (its signer's socket DIR/signer.sock).
node_conf() {
	mkdir -m 700 "$1" "$1/tokens"
	printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
	    "$1" > "$1/softhsm2.conf"
	od -An -N8 -tx1 /dev/urandom | tr -d ' \n' > "$1/pin"
	od -An -N8 -tx1 /dev/urandom | tr -d ' \n' > "$1/so.pin"
	printf '[hsm]\nmodule = %s\ntoken = %s\npin_file = pin\nso_pin_file = so.pin\nsofthsm2_conf = %s/softhsm2.conf\n' \
	    "$MODULE" "$2" "$1" > "$1/signet.conf"
}
