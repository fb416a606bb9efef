# Sourced by softhsm.sh when SIGNET_STORE=pg: the test's store in a
# throwaway PostgreSQL cluster of its own, reached over a Unix socket in
# its own directory (no TCP port to collide), stopped by the test's exit
# trap. The server refuses to run as root: as root, it runs as postgres.
# Sets PG_URI (libpq's form) and PG_CONN ([database] connection's).
# With PG_NETNS (a pid whose network namespace it is) and PG_LISTEN set
# before pg_up, the server runs in that network namespace and takes TCP on
# that address too (trust from its /24).
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

as_pg() {
	if [ "$(id -u)" = 0 ]; then
		set -- runuser -u postgres -- "$@"
	fi
	${PG_NETNS:+nsenter -t "$PG_NETNS" -n} "$@"
}

# pg_up: the cluster, a database signet in it.
pg_up() {
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/signet-pg.XXXXXX")
	[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
	if ! as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U signet \
	    --no-locale -E UTF8 > "$PG_DIR/initdb.log" 2>&1 || ! pg_start ||
	    ! as_pg "$PG_BIN/createdb" -h "$PG_DIR" -U signet signet; then
		echo "PostgreSQL did not start: $(cat "$PG_DIR"/*.log)" >&2
		exit 1
	fi
	PG_URI="postgresql:///signet?host=$PG_DIR&user=signet"
	PG_CONN="postgresql+psycopg2:///signet?host=$PG_DIR&user=signet"
}

pg_start() {
	if [ -n "${PG_LISTEN:-}" ] &&
	    ! grep -q "${PG_LISTEN%.*}" "$PG_DIR/data/pg_hba.conf"; then
		printf 'host all all %s.0/24 trust\n' "${PG_LISTEN%.*}" >> \
		    "$PG_DIR/data/pg_hba.conf"
	fi
	as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
	    -o "-k $PG_DIR -c listen_addresses='${PG_LISTEN:-}'" start > /dev/null
}

# pg_stop [MODE]: fast by default; immediate is a crash.
pg_stop() {
	as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m "${1:-fast}" -w stop \
	    > /dev/null 2>&1
}

# pg_sql QUERY: rows, "|"-separated, as sql() in identity.sh reads
# SQLite (its table user quoted: a reserved word in PostgreSQL).
pg_sql() {
	psql "$PG_URI" -AtqX -F '|' -c "$(printf '%s' "$1" |
	    sed 's/\buser\b/"user"/g')"
}

pg_down() {	# once: cleanup() calls it again, as may a trap under set -e
	if [ -n "${PG_DIR:-}" ]; then
		pg_stop immediate || true
		rm -rf "$PG_DIR"
		PG_DIR=""
	fi
}
