# [security_compliance] lockout under attack (3 attempts, 3 s): a burst
# of wrong guesses cannot all be checked, so the right password sent
# while they are still being hashed is refused; once a lock expires the
# count starts again (one failure does not lock again, as in Keystone);
# and an unknown, a disabled or a locked-out user takes as long to refuse
# as a wrong password, so timing tells neither existence nor lock state.
. tests/integration/lib/softhsm.sh

appliance_up
printf 'secret-demo\n' > "$WORK/demo.pw"
expect_ok "a demo user" mgr user-create demo --password-file "$WORK/demo.pw"
expect_ok "a disabled user" mgr user-create gone --password-file "$WORK/demo.pw"
expect_ok "disabled" mgr user-disable gone
printf '[security_compliance]\nlockout_failure_attempts = 3\nlockout_duration = 3\n' >> "$CONF"
start_api

export API
/usr/bin/python3 - > "$WORK/py.out" 2>&1 <<'PY' || fail "$(cat "$WORK/py.out")"
import json, os, statistics, sys, threading, time, urllib.error, urllib.request

API = os.environ['API']


def login(user, pw):
    body = json.dumps({'auth': {'identity': {'methods': ['password'],
        'password': {'user': {'name': user, 'domain': {'id': 'default'},
                              'password': pw}}}}}).encode()
    req = urllib.request.Request(API + '/v3/auth/tokens', data=body,
                                 headers={'Content-Type': 'application/json'})
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            code = r.status
    except urllib.error.HTTPError as e:
        code = e.code
    return code, time.monotonic() - t0


fails = []


def check(what, got, want):
    print(('ok: ' if got == want else 'FAIL: ') + '%s: %s' % (what, got))
    if got != want:
        fails.append(what)


# The count starts again after an expired lock.
for _ in range(3):
    login('demo', 'wrong')
check('locked after three failures', login('demo', 'secret-demo')[0], 401)
time.sleep(3.5)
login('demo', 'wrong')
check('one failure after the lock expired does not lock again',
      login('demo', 'secret-demo')[0], 201)

# A burst: 12 wrong guesses at once, then the right password while they
# are still being hashed. Only three may be checked; the right one is
# refused although no failure has been recorded yet.
time.sleep(3.5)
check('a clean start for the burst', login('demo', 'secret-demo')[0], 201)
codes = []
threads = [threading.Thread(target=lambda: codes.append(
    login('demo', 'wrong')[0])) for _ in range(12)]
for t in threads:
    t.start()
time.sleep(0.1)
check('the right password inside a burst of 12 wrong ones',
      login('demo', 'secret-demo')[0], 401)
for t in threads:
    t.join()
check('every guess of the burst refused', sorted(set(codes)), [401])
time.sleep(3.5)
check('the lock expires', login('demo', 'secret-demo')[0], 201)

# Timing: medians of 5 against a wrong password for a real user.
def median(user, pw):
    return statistics.median(login(user, pw)[1] for _ in range(5))


wrongs = []
for _ in range(3):                  # two at a time: never locked
    wrongs += [login('demo', 'wrong')[1] for _ in range(2)]
    login('demo', 'secret-demo')
wrong = statistics.median(wrongs)
for what, user in (('an unknown user', 'nobody-here'),
                   ('a disabled user', 'gone')):
    t = median(user, 'wrong')
    check('%s takes as long as a wrong password (%.0f ms vs %.0f ms)' %
          (what, t * 1000, wrong * 1000), t > 0.3 * wrong, True)
for _ in range(4):
    login('demo', 'wrong')
t = median('demo', 'secret-demo')
check('a locked-out user takes as long (%.0f ms vs %.0f ms)' %
      (t * 1000, wrong * 1000), t > 0.3 * wrong, True)
sys.exit(1 if fails else 0)
PY
cat "$WORK/py.out"
finish
