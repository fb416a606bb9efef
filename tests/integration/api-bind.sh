# [api] bind_host as keystone.conf takes it: an IPv6 literal (::1, or ::
# for both families) or a host name (localhost) as well as an IPv4
# address; a name that does not resolve is refused with the reason.
. tests/integration/lib/softhsm.sh

appliance_up
status() {	# status URL: the HTTP status of GET URL (000: no answer)
	http_status --max-time 5 "$1"
}
bind_host() {
	sed -i '/^bind_host = /d' "$CONF"
	printf '[api]\nbind_host = %s\n' "$1" >> "$CONF"
}

if /usr/bin/python3 -c 'import socket
socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
	bind_host ::1
	start_api
	expect_eq "bind_host = ::1: served on [::1]" 200 \
	    "$(status "http://[::1]:$API_PORT/v3")"
	expect_eq "bind_host = ::1: not on 127.0.0.1" 000 \
	    "$(status "http://127.0.0.1:$API_PORT/v3")"
	grep -qF "on http://[::1]:$API_PORT" "$WORK/api.log" ||
	    fail "the log's URL: $(cat "$WORK/api.log")"
	expect_ok "stop" stop_api
	bind_host ::
	start_api
	expect_eq "bind_host = ::: served on [::1]" 200 \
	    "$(status "http://[::1]:$API_PORT/v3")"
	expect_eq "bind_host = ::: and on 127.0.0.1" 200 \
	    "$(status "http://127.0.0.1:$API_PORT/v3")"
	expect_ok "stop" stop_api
else
	ok "skipped: this machine has no ::1 (the IPv6 cases)"
fi

bind_host localhost
start_api
expect_eq "bind_host = localhost: served" 200 \
    "$(status "http://localhost:$API_PORT/v3")"
expect_ok "stop" stop_api

bind_host no-such-host.invalid
expect_fail "a name that does not resolve" "bind_host: 'no-such-host.invalid'" \
    ours "$BIN/signet-api" -c "$CONF"
finish
