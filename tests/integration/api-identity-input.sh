# signet-api's identity API driven by curl: Keystone's shapes (links,
# filters, extra attributes), bad input on every write (missing fields,
# wrong types, long names, bad UTF-8, unknown ids: 400/404/409/403 in
# Keystone's error shape, nothing written), a catalog change in the next
# token, and a disabled project's or domain's token refused at once.
. tests/integration/lib/softhsm.sh

appliance_up
start_api
printf 'secret-demo\n' > "$WORK/demo.pw"
expect_ok "a demo project" mgr project-create demo
expect_ok "a demo user" mgr user-create demo --password-file "$WORK/demo.pw"
expect_ok "demo is a member of demo" mgr role-grant member --user demo \
    --project demo
ADMIN=$(admin_token)
. tests/integration/lib/identity.sh
counts() {
	sql "SELECT (SELECT count(*) FROM region) || ' ' || (SELECT count(*) FROM service) || ' ' || (SELECT count(*) FROM endpoint) || ' ' || (SELECT count(*) FROM domain) || ' ' || (SELECT count(*) FROM project) || ' ' || (SELECT count(*) FROM assignment) || ' ' || (SELECT count(*) FROM user)"
}

# Keystone's shapes
answered "create a domain" 201 POST /v3/domains '{"domain": {"name": "  d1 ", "description": "first"}}'
D1=$(jq_ 'j["domain"]["id"]')
expect_eq "the name stripped, tags and options" "d1 [] {}" \
    "$(jq_ 'j["domain"]["name"], j["domain"]["tags"], j["domain"]["options"]' | tr -d "(),'")"
expect_eq "a member's self link" "$API/v3/domains/$D1" "$(jq_ 'j["domain"]["links"]["self"]')"
answered "create a project with an attribute of its own" 201 POST /v3/projects \
    "{\"project\": {\"name\": \"p1\", \"domain_id\": \"$D1\", \"color\": \"red\"}}"
P1=$(jq_ 'j["project"]["id"]')
expect_eq "parent_id is the domain, is_domain false" "$D1 False" \
    "$(jq_ 'j["project"]["parent_id"], j["project"]["is_domain"]' | tr -d "(),'")"
answered "a project below p1" 201 POST /v3/projects \
    "{\"project\": {\"name\": \"p2\", \"parent_id\": \"$P1\", \"domain_id\": \"$D1\"}}"
P2=$(jq_ 'j["project"]["id"]')
answered "show p1" 200 GET "/v3/projects/$P1"
expect_eq "the extra attribute kept" red "$(jq_ 'j["project"]["color"]')"
answered "list by name" 200 GET "/v3/projects?name=p1"
expect_eq "one project, the list's own link with its query" "1 $API/v3/projects?name=p1 None None" \
    "$(jq_ 'len(j["projects"]), j["links"]["self"], j["links"]["previous"], j["links"]["next"]' | tr -d "(),'")"
answered "list by domain_id" 200 GET "/v3/projects?domain_id=$D1"
expect_eq "p1 and p2" "p1,p2" "$(jq_ '",".join(sorted(p["name"] for p in j["projects"]))')"
answered "list by parent_id" 200 GET "/v3/projects?parent_id=$P1"
expect_eq "p2 only" "p2" "$(jq_ '",".join(p["name"] for p in j["projects"])')"
answered "disable p2" 200 PATCH "/v3/projects/$P2" '{"project": {"enabled": false}}'
answered "list enabled=false" 200 GET "/v3/projects?enabled=false"
expect_eq "p2 only" "p2" "$(jq_ '",".join(p["name"] for p in j["projects"])')"
answered "enabled=0 is false too" 200 GET "/v3/projects?enabled=0&domain_id=$D1"
expect_eq "p2 only" "p2" "$(jq_ '",".join(p["name"] for p in j["projects"])')"
answered "HEAD a project" 200 HEAD "/v3/projects/$P1"
# domains read as projects acting as domains, as Keystone keeps them
answered "projects acting as domains" 200 GET "/v3/projects?is_domain=true&name=d1"
expect_eq "d1, as Keystone shows it" "$D1 True None None first" \
    "$(jq_ '[(p["id"], p["is_domain"], p["domain_id"], p["parent_id"], p["description"]) for p in j["projects"]][0]' | tr -d "(),'")"
answered "projects, as before" 200 GET /v3/projects
expect_eq "no domain among them" 0 "$(jq_ 'len([p for p in j["projects"] if p["is_domain"] or p["id"] == "default"])')"
answered "is_domain=false" 200 GET "/v3/projects?is_domain=false&domain_id=$D1"
expect_eq "p1 and p2 only" "p1,p2" "$(jq_ '",".join(sorted(p["name"] for p in j["projects"]))')"

# bad input on every write, nothing written
before=$(counts)
refused "a project without a name" 400 POST /v3/projects '{"project": {}}'
expect_eq "Keystone's message" "'name' is a required property" "$(jq_ 'j["error"]["message"]')"
refused "a project name that is a number" 400 POST /v3/projects '{"project": {"name": 5}}'
refused "enabled as a string" 400 POST /v3/projects '{"project": {"name": "x", "enabled": "yes"}}'
long=$(head -c 256 /dev/zero | tr '\0' n)
refused "a 256-byte project name" 400 POST /v3/projects "{\"project\": {\"name\": \"$long\"}}"
refused "a 65-character project name" 400 POST /v3/projects "{\"project\": {\"name\": \"$(head -c 65 /dev/zero | tr '\0' n)\"}}"
refused "a blank project name" 400 POST /v3/projects '{"project": {"name": "   "}}'
refused "a 256-byte domain name" 400 POST /v3/domains "{\"domain\": {\"name\": \"$long\"}}"
refused "a 256-byte service name" 400 POST /v3/services "{\"service\": {\"type\": \"x\", \"name\": \"$long\"}}"
refused "a 256-byte service type" 400 POST /v3/services "{\"service\": {\"type\": \"$long\"}}"
CODE=$(printf '{"project": {"name": "\377\376"}}' | curl -s -o "$BODY" -w '%{http_code}' -X POST \
    -H "X-Auth-Token: $ADMIN" -H 'Content-Type: application/json' --data-binary @- "$API/v3/projects")
expect_eq "a name that is not UTF-8" 400 "$CODE"
refused "not JSON" 400 POST /v3/regions '{"region": '
refused "the member not an object" 400 POST /v3/domains '{"domain": "d"}'
refused "a project in no such domain" 400 POST /v3/projects '{"project": {"name": "x", "domain_id": "nowhere"}}'
refused "a project under no such parent" 400 POST /v3/projects '{"project": {"name": "x", "parent_id": "nothing"}}'
refused "a parent in another domain" 400 POST /v3/projects "{\"project\": {\"name\": \"x\", \"parent_id\": \"$P1\"}}"
refused "a parent id with a slash" 400 POST /v3/projects '{"project": {"name": "x", "parent_id": "a/b"}}'
refused "under a disabled project" 400 POST /v3/projects \
    "{\"project\": {\"name\": \"x\", \"parent_id\": \"$P2\", \"domain_id\": \"$D1\"}}"
refused "the same project name twice" 409 POST /v3/projects \
    "{\"project\": {\"name\": \"p1\", \"domain_id\": \"$D1\"}}"
refused "the same domain name twice" 409 POST /v3/domains '{"domain": {"name": "d1"}}'
refused "a service without a type" 400 POST /v3/services '{"service": {"name": "x"}}'
refused "an endpoint of no such service" 400 POST /v3/endpoints \
    '{"endpoint": {"service_id": "none", "interface": "public", "url": "http://x"}}'
refused "an endpoint without a URL" 400 POST /v3/endpoints \
    '{"endpoint": {"service_id": "none", "interface": "public"}}'
refused "an endpoint with a bad interface" 400 POST /v3/endpoints \
    '{"endpoint": {"service_id": "none", "interface": "sideways", "url": "http://x"}}'
refused "an endpoint URL that is not one" 400 POST /v3/endpoints \
    '{"endpoint": {"service_id": "none", "interface": "public", "url": "nourl"}}'
refused "a region under no such region" 404 POST /v3/regions '{"region": {"parent_region_id": "nowhere"}}'
refused "an unknown option" 400 POST /v3/domains '{"domain": {"name": "x", "options": {"color": 1}}}'
refused "tags with a comma" 400 POST /v3/projects '{"project": {"name": "x", "tags": ["a,b"]}}'
refused "show no such project" 404 GET /v3/projects/nothing
expect_eq "Keystone's 404" "Could not find project: nothing." "$(jq_ 'j["error"]["message"]')"
refused "update no such domain" 404 PATCH /v3/domains/nothing '{"domain": {"name": "y"}}'
refused "delete no such service" 404 DELETE /v3/services/nothing
refused "delete no such endpoint" 404 DELETE /v3/endpoints/nothing
refused "delete no such region" 404 DELETE /v3/regions/nothing
refused "an empty update" 400 PATCH "/v3/projects/$P1" '{"project": {}}'
refused "a changed id" 400 PATCH "/v3/projects/$P1" '{"project": {"id": "other"}}'
refused "a changed domain" 400 PATCH "/v3/projects/$P1" '{"project": {"domain_id": "default"}}'
refused "a changed parent" 403 PATCH "/v3/projects/$P2" '{"project": {"parent_id": "default"}}'
answered "enable p2 again" 200 PATCH "/v3/projects/$P2" '{"project": {"enabled": true}}'
refused "disable a project with an enabled one below" 403 PATCH "/v3/projects/$P1" '{"project": {"enabled": false}}'
refused "delete a project that is not a leaf" 403 DELETE "/v3/projects/$P1"
refused "delete an enabled domain" 403 DELETE "/v3/domains/$D1"
refused "PUT on a collection" 405 PUT /v3/projects '{"project": {"name": "x"}}'
refused "POST on a member" 405 POST "/v3/projects/$P1" '{"project": {"name": "x"}}'
refused "a percent-encoded id" 404 GET /v3/projects/%64emo
expect_eq "no token: 401" 401 "$(http_status "$API/v3/projects")"
expect_eq "nothing half-written" "$before" "$(counts)"

# the catalog: a change shows in the next token and in /v3/auth/catalog
answered "a region" 201 POST /v3/regions '{"region": {"id": "RegionTwo"}}'
answered "a service" 201 POST /v3/services '{"service": {"type": "image", "name": "glance"}}'
SVC=$(jq_ 'j["service"]["id"]')
answered "an endpoint, region given the old way" 201 POST /v3/endpoints \
    "{\"endpoint\": {\"service_id\": \"$SVC\", \"interface\": \"public\", \"url\": \"http://img:9292\", \"region\": \"RegionThree\"}}"
EP=$(jq_ 'j["endpoint"]["id"]')
expect_eq "region_id and region" "RegionThree RegionThree" \
    "$(jq_ 'j["endpoint"]["region_id"], j["endpoint"]["region"]' | tr -d "(),'")"
answered "the legacy region was made" 200 GET /v3/regions/RegionThree
refused "a region with endpoints is not deleted" 403 DELETE /v3/regions/RegionThree
answered "a child region" 201 POST /v3/regions '{"region": {"id": "Child", "parent_region_id": "RegionTwo"}}'
refused "a circle of regions" 400 PATCH /v3/regions/RegionTwo '{"region": {"parent_region_id": "Child"}}'
T=$(admin_token)
expect_eq "the next token carries the endpoint" "http://img:9292" \
    "$(jq_ '[e["url"] for s in j["token"]["catalog"] if s["type"] == "image" for e in s["endpoints"]][0]')"
TOK=$T call GET /v3/auth/catalog
expect_eq "so does /v3/auth/catalog" "http://img:9292" \
    "$(jq_ '[e["url"] for s in j["catalog"] if s["type"] == "image" for e in s["endpoints"]][0]')"
answered "move the endpoint" 200 PATCH "/v3/endpoints/$EP" '{"endpoint": {"url": "http://img2:9292"}}'
TOK=$T call GET /v3/auth/catalog
expect_eq "the new URL at once" "http://img2:9292" \
    "$(jq_ '[e["url"] for s in j["catalog"] if s["type"] == "image" for e in s["endpoints"]][0]')"
# URLs with Keystone's substitutions: formatted for each token's scope; an
# endpoint that needs a project is left out of a system token's catalog,
# one that names Keystone's own server settings out of every catalog
answered "a volume service" 201 POST /v3/services '{"service": {"type": "volumev3", "name": "cinder"}}'
VOL=$(jq_ 'j["service"]["id"]')
for u in 'http://vol:8776/v3/$(project_id)s' 'http://vol:8776/u/%(user_id)s/%(tenant_id)s' \
    'http://vol:8776/p/$(public_port)s' 'http://vol:8776/plain%%20'; do
	answered "an endpoint at $u" 201 POST /v3/endpoints \
	    "{\"endpoint\": {\"service_id\": \"$VOL\", \"interface\": \"public\", \"url\": \"$u\"}}"
done
refused "a substitution Keystone does not know" 400 POST /v3/endpoints \
    "{\"endpoint\": {\"service_id\": \"$VOL\", \"interface\": \"public\", \"url\": \"http://vol/\$(nope)s\"}}"
ADMIN_PID=$(sql "SELECT id FROM project WHERE name = 'admin'")
ADMIN_UID=$(sql "SELECT id FROM user WHERE name = 'admin'")
vol_urls='" ".join(sorted(e["url"] for s in j["token"]["catalog"] if s["type"] == "volumev3" for e in s["endpoints"]))'
T=$(admin_token)
expect_eq "a project token's catalog, formatted" \
    "http://vol:8776/plain%20 http://vol:8776/u/$ADMIN_UID/$ADMIN_PID http://vol:8776/v3/$ADMIN_PID" \
    "$(jq_ "$vol_urls")"
TOK=$T call GET /v3/auth/catalog
expect_eq "/v3/auth/catalog, formatted" "http://vol:8776/v3/$ADMIN_PID" \
    "$(jq_ '[e["url"] for s in j["catalog"] if s["type"] == "volumev3" for e in s["endpoints"] if "/v3/" in e["url"]][0]')"
S=$(admin_token '{"system": {"all": true}}')
expect_eq "a system token's catalog: no project endpoint" "http://vol:8776/plain%20" "$(jq_ "$vol_urls")"
TOK=$S call GET /v3/auth/catalog
expect_eq "/v3/auth/catalog for it too" "http://vol:8776/plain%20" \
    "$(jq_ '" ".join(e["url"] for s in j["catalog"] if s["type"] == "volumev3" for e in s["endpoints"])')"
answered "delete the volume service" 204 DELETE "/v3/services/$VOL"
answered "delete the service" 204 DELETE "/v3/services/$SVC"
expect_eq "its endpoints went with it" 0 "$(sql "SELECT count(*) FROM endpoint WHERE service_id = '$SVC'")"
TOK=$T call GET /v3/auth/catalog
expect_eq "and left the catalog" 0 "$(jq_ 'len([s for s in j["catalog"] if s["type"] == "image"])')"
answered "delete a region and its children" 204 DELETE /v3/regions/RegionTwo
expect_eq "the child went too" 0 "$(sql "SELECT count(*) FROM region WHERE id IN ('RegionTwo', 'Child')")"

# a disabled project's (and domain's) tokens stop validating at once
DEMO=$(user_token demo secret-demo '{"project": {"name": "demo", "domain": {"id": "default"}}}')
DEMO_ID=$(sql "SELECT id FROM project WHERE name = 'demo'")
expect_eq "demo's token validates" 200 "$(token_status "$ADMIN" "$DEMO")"
expect_eq "and again, from the cache" 200 "$(token_status "$ADMIN" "$DEMO")"
answered "disable demo" 200 PATCH "/v3/projects/$DEMO_ID" '{"project": {"enabled": false}}'
expect_eq "demo's token: 404 at once" 404 "$(token_status "$ADMIN" "$DEMO")"
answered "enable demo" 200 PATCH "/v3/projects/$DEMO_ID" '{"project": {"enabled": true}}'
DEMO_USER=$(sql "SELECT id FROM user WHERE name = 'demo'")
TOK=$DEMO answered "demo lists its own projects" 200 GET "/v3/users/$DEMO_USER/projects"
expect_eq "demo" demo "$(jq_ '",".join(p["name"] for p in j["projects"])')"
refused "no such user's projects" 404 GET /v3/users/nobody/projects
answered "disable d1" 200 PATCH "/v3/domains/$D1" '{"domain": {"enabled": false}}'
answered "delete p2 (a leaf)" 204 DELETE "/v3/projects/$P2"
answered "delete d1, disabled" 204 DELETE "/v3/domains/$D1"
expect_eq "its projects went with it" 0 "$(sql "SELECT count(*) FROM project WHERE domain_id = '$D1'")"
answered "a project deleted leaves an event" 200 GET /v3/OS-REVOKE/events
expect_eq "the project's event is recorded" 1 "$(sql "SELECT count(*) FROM revocation_event WHERE project_id = '$P2'")"

stop_api || fail "signet-api exited badly: $(tail -5 "$WORK/api.log")"
finish
