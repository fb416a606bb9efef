# make install DESTDIR=... PREFIX=/usr: every file where the README says,
# with its mode; units whose ExecStart is the installed binary and that
# systemd-analyze verify passes without a word (their Documentation= man
# pages found among the installed ones); every man page formats without a
# warning; a program built against the installed header and library runs,
# and so does the installed signet-verify; the units' exposure stays under
# the README's scores; PREFIX=/usr/local moves ExecStart, and make
# uninstall takes back every file. The plain build is installed (make
# builds it if needed), never the sanitizer tree this suite runs.
. tests/integration/lib/softhsm.sh

R="$WORK/root"
# a make of its own: not the SAN=1 (nor the jobserver) of a make check
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s "$@"
}
expect_ok "make install PREFIX=/usr" mk install DESTDIR="$R" PREFIX=/usr

# want MODE PATH: a regular file of that mode
want() {
	if [ -f "$R$2" ] && [ ! -L "$R$2" ]; then
		expect_eq "$2: mode" "$1" "$(stat -c %a "$R$2")"
	else
		fail "$2: not installed"
	fi
}
for p in signet-signerd signet-api signet-provision signet-manage; do
	want 755 "/usr/sbin/$p"
done
want 755 /usr/bin/signet-rpc
want 755 /usr/bin/signet-verify
want 755 /usr/lib/libsignet-verify.so.0
want 644 /usr/lib/libsignet-verify.a
expect_eq "the .so link" libsignet-verify.so.0 \
    "$(readlink "$R/usr/lib/libsignet-verify.so")"
want 644 /usr/include/signet_verify.h
want 644 /usr/lib/systemd/system/signet-signerd.service
want 644 /usr/lib/systemd/system/signet-api.service
want 644 /usr/lib/sysusers.d/signet.conf
want 644 /usr/lib/tmpfiles.d/signet.conf
want 644 /usr/share/doc/signet/signet.conf.sample
MANS="man1/signet-rpc.1 man1/signet-verify.1 man3/libsignet-verify.3
man5/signet.conf.5 man8/signet-api.8 man8/signet-signerd.8
man8/signet-provision.8 man8/signet-manage.8"
for m in $MANS; do
	want 644 "/usr/share/man/$m"
	out=$(groff -man -ww -z "$R/usr/share/man/$m" 2>&1)
	expect_eq "$m: groff -ww has nothing to say" "" "$out"
done
for b in signet-signerd signet-api signet-rpc; do
	head -c 4 "$R/usr/"*bin/$b | grep -q ELF || fail "$b: not a program"
	ldd "$R/usr/"*bin/$b | grep -q libasan && fail "$b: the ASan build"
done
readelf -d "$R/usr/lib/libsignet-verify.so.0" |
    grep -q 'SONAME.*\[libsignet-verify.so.0\]' ||
    fail "libsignet-verify.so.0: no SONAME"

# the units, pointed at the installed binaries (verify checks they run)
mkdir "$WORK/units"
for u in signet-signerd signet-api; do
	f="$R/usr/lib/systemd/system/$u.service"
	grep -q "^ExecStart=/usr/sbin/$u -c /etc/signet/signet.conf\$" "$f" ||
	    fail "$u.service: ExecStart: $(grep ExecStart "$f")"
	sed "s|^ExecStart=/usr/sbin/|ExecStart=$R/usr/sbin/|" "$f" \
	    > "$WORK/units/$u.service"
done
out=$(MANPATH="$R/usr/share/man" systemd-analyze verify \
    "$WORK/units/signet-signerd.service" "$WORK/units/signet-api.service" 2>&1)
expect_eq "systemd-analyze verify: both units, not a word" "" "$out"
# the scores README.md gives: 0.6 and 1.4 (exposure x10)
for u in signet-signerd:6 signet-api:14; do
	systemd-analyze security --offline=true --threshold="${u#*:}" \
	    "$R/usr/lib/systemd/system/${u%:*}.service" > "$WORK/sec" 2>&1 &&
	    ok "${u%:*}: $(grep -o 'exposure level.*' "$WORK/sec")" ||
	    fail "${u%:*}: exposure above $(( ${u#*:} / 10 )).$(( ${u#*:} % 10 )): $(tail -1 "$WORK/sec")"
done

# the users and folders, made in a root of their own as a package would
S="$WORK/sys"
mkdir -p "$S/etc"
expect_ok "systemd-sysusers" systemd-sysusers --root="$S" \
    "$R/usr/lib/sysusers.d/signet.conf"
expect_ok "systemd-tmpfiles" systemd-tmpfiles --root="$S" --create \
    "$R/usr/lib/tmpfiles.d/signet.conf"
id_of() {	# id_of passwd|group NAME
	awk -F: -v n="$2" '$1 == n { print $3 }' "$S/etc/$1"
}
expect_eq "group signet: both users, no one else" "signet-api,signet-signer" \
    "$(awk -F: '$1 == "signet" { print $4 }' "$S/etc/group")"
for d in "etc/signet 750 root signet" \
    "var/lib/signet 700 signet-signer signet" \
    "var/log/signet 700 signet-signer signet" \
    "var/lib/signet-api 700 signet-api signet-api"; do
	set -- $d
	u=0
	[ "$3" = root ] || u=$(id_of passwd "$3")
	expect_eq "/$1: mode and owner" "$2 $u:$(id_of group "$4")" \
	    "$(stat -c '%a %u:%g' "$S/$1")"
done

# a service linking the installed library; the installed CLI
cat > "$WORK/use.c" <<'C'
#include <stdio.h>
#include <signet_verify.h>
int
main(void)
{
	return puts(signet_verify_strerror(SIGNET_VERIFY_STALE)) < 0;
}
C
expect_ok "built against the installed header and library" \
    cc -o "$WORK/use" "$WORK/use.c" -I"$R/usr/include" -L"$R/usr/lib" \
    -lsignet-verify
expect_ok "and it runs" env LD_LIBRARY_PATH="$R/usr/lib" "$WORK/use"
"$R/usr/bin/signet-verify" > /dev/null 2> "$WORK/err"
expect_eq "the installed signet-verify: usage, exit 2" 2 "$?"
grep -q '^usage: signet-verify' "$WORK/err" || fail "no usage: $(cat "$WORK/err")"

# PREFIX=/usr/local (the default): the units follow; uninstall empties it
R2="$WORK/root2"
expect_ok "make install (PREFIX /usr/local)" mk install DESTDIR="$R2"
grep -q '^ExecStart=/usr/local/sbin/signet-api ' \
    "$R2/usr/local/lib/systemd/system/signet-api.service" ||
    fail "PREFIX=/usr/local: ExecStart not moved"
expect_ok "make uninstall" mk uninstall DESTDIR="$R2"
left=$(find "$R2" ! -type d | tr '\n' ' ')
expect_eq "nothing left after uninstall" "" "$left"
finish
