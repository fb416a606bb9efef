# signet-api's identity API driven by the openstack CLI: region, service,
# endpoint, domain and project create/list/show/set/delete as the admin;
# as a project member and a project reader, what Keystone 22's default
# policy lets them do and 403 for the rest; and a kolla-style bootstrap
# (a service project, a service with three endpoints) whose endpoint the
# next token's catalog carries.
. tests/integration/lib/softhsm.sh
. tests/integration/lib/osc.sh

osc_start
token_up
expect_ok "db-sync" mgr db-sync
start_api
bootstrap_admin --public-url "$API/v3/"
for u in demo rdr; do
	printf 'secret-%s\n' "$u" > "$WORK/$u.pw"
	expect_ok "user $u" mgr user-create "$u" --password-file "$WORK/$u.pw"
done
expect_ok "a demo project" mgr project-create demo
expect_ok "demo is a member of demo" mgr role-grant member --user demo --project demo
expect_ok "rdr is a reader of demo" mgr role-grant reader --user rdr --project demo

# os USER PROJECT ARGS...: the openstack CLI as USER on PROJECT
os() {
	osc_as "$@"
}
adm() {
	os admin admin "$@"
}
# denied DESC USER ARGS...: the CLI fails with Keystone's 403
denied() {
	desc=$1 u=$2; shift 2
	if os "$u" demo "$@" > "$WORK/out" 2> "$WORK/err"; then
		fail "$desc: allowed"
	elif grep -q "HTTP 403" "$WORK/err"; then
		ok "$desc"
	else
		fail "$desc: $(tail -2 "$WORK/err")"
	fi
}

# the admin: each command works
expect_ok "region create" adm region create RegionTwo --description two
expect_ok "region list" adm region list -f value -c Region
grep -qx RegionTwo "$WORK/out" || fail "region list lacks RegionTwo"
expect_ok "region set" adm region set RegionTwo --description deux
expect_eq "region show" deux "$(adm region show RegionTwo -f value -c description)"
expect_ok "service create" adm service create --name nova --description \
    Compute compute -f value -c id
NOVA=$(cat "$WORK/out")
expect_eq "service show" "nova compute" "$(adm service show nova -f value -c type -c name | paste -sd' ')"
expect_ok "service set" adm service set nova --disable
expect_eq "service list" "nova False" "$(adm service list --long -f value -c Name -c Enabled | grep nova)"
expect_ok "service set --enable" adm service set nova --enable
expect_ok "endpoint create" adm endpoint create --region RegionTwo nova public http://nova:8774/v2.1 -f value -c id
EP=$(cat "$WORK/out")
expect_eq "endpoint show" "public RegionTwo http://nova:8774/v2.1" \
    "$(adm endpoint show "$EP" -f value -c interface -c region -c url | paste -sd' ')"
expect_ok "endpoint set" adm endpoint set --url http://nova2:8774/v2.1 "$EP"
expect_eq "endpoint list" "http://nova2:8774/v2.1" "$(adm endpoint list --service nova -f value -c URL)"
expect_ok "domain create" adm domain create --description first d1
expect_eq "domain show" "first True d1" "$(adm domain show d1 -f value -c name -c enabled -c description | paste -sd' ')"
expect_ok "domain list" adm domain list -f value -c Name
grep -qx d1 "$WORK/out" || fail "domain list lacks d1"
expect_ok "project create in d1" adm project create --domain d1 --description p p1
expect_eq "project show" "True p1" "$(adm project show --domain d1 p1 -f value -c name -c enabled | paste -sd' ')"
expect_ok "project set --disable" adm project set --domain d1 --disable p1
expect_eq "project list --domain" "p1 False" "$(adm project list --long --domain d1 -f value -c Name -c Enabled)"
expect_ok "project delete" adm project delete --domain d1 p1
expect_ok "domain set --disable" adm domain set --disable d1
expect_ok "domain delete" adm domain delete d1
expect_ok "endpoint delete" adm endpoint delete "$EP"
expect_ok "service delete" adm service delete nova
expect_ok "region delete" adm region delete RegionTwo

# a project member and a project reader: Keystone 22's default rules
for u in demo rdr; do
	expect_ok "$u: region list (anyone)" os "$u" demo region list
	expect_ok "$u: project show demo (its own)" os "$u" demo project show demo
	expect_ok "$u: domain show Default (its project's)" os "$u" demo domain show default
	denied "$u: project show admin" "$u" project show admin
	# a 403 on GET /v3/projects: the CLI lists the user's own instead
	expect_eq "$u: project list shows only its own" demo \
	    "$(os "$u" demo project list -f value -c Name)"
	denied "$u: domain list" "$u" domain list
	denied "$u: service list" "$u" service list
	denied "$u: endpoint list" "$u" endpoint list
	denied "$u: region create" "$u" region create R9
	denied "$u: project create" "$u" project create x
	denied "$u: domain create" "$u" domain create x
	denied "$u: service create" "$u" service create --name x x
done
DEMO=$(/usr/bin/python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT id FROM project WHERE name = ?", ("demo",)).fetchone()[0])' "$WORK/signet.db")
denied "a member: project set" demo project set --description x "$DEMO"
denied "a member: region delete" demo region delete RegionOne

# kolla-style bootstrap: a service project, a service, three endpoints
expect_ok "project create service" adm project create --domain default service
expect_ok "service create glance" adm service create --name glance image
for i in public internal admin; do
	expect_ok "endpoint create image $i" adm endpoint create --region RegionOne \
	    image "$i" "http://glance-$i:9292"
done
expect_ok "catalog show image" adm catalog show image -f json
expect_eq "the CLI's token carries the three" \
    "admin http://glance-admin:9292|internal http://glance-internal:9292|public http://glance-public:9292" \
    "$(/usr/bin/python3 -c 'import json, sys
eps = json.load(open(sys.argv[1]))["endpoints"]
print("|".join(sorted("%s %s" % (e["interface"], e["url"]) for e in eps)))' "$WORK/out")"
expect_ok "catalog list" adm catalog list -f value -c Name -c Type
expect_eq "lists glance" "glance image" "$(grep glance "$WORK/out")"
admin_token > /dev/null
expect_eq "so does a new token's catalog, with both region keys" \
    "RegionOne RegionOne http://glance-internal:9292" \
    "$(/usr/bin/python3 -c 'import json, sys
cat = json.load(open(sys.argv[1]))["token"]["catalog"]
print(*[(e["region_id"], e["region"], e["url"]) for s in cat if s["type"] == "image"
        for e in s["endpoints"] if e["interface"] == "internal"][0])' "$WORK/body")"
stop_api || fail "signet-api exited badly: $(tail -5 "$WORK/api.log")"
finish
