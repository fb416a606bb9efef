"""The cluster test's load: a password login on one node, the token
validated on the next (and a token issued earlier validated again), round
the nodes, until told to stop. A node that does not answer is skipped, as
a load balancer would. Every answer is counted under the phase the test
is in (the first line of PHASE, which the test replaces whole): the phase
the request began in, or for a failure that ended in the database's
phases, that one (the outage began while it ran). The summary goes to OUT
as JSON.

  cluster_load.py NODES USERS PHASE STOP OUT
    NODES  a file: one API base URL a line (read again each round)
    USERS  a file: name password project, one user a line
"""
import collections
import http.client
import json
import os
import random
import sys
import time
import urllib.parse

NODES, USERS, PHASE, STOP, OUT = sys.argv[1:6]
counts = collections.defaultdict(collections.Counter)
issued = []             # [node, audit id]
live = []               # (token, user, project) issued so far
wrong = []


def phase():
    while True:
        with open(PHASE) as f:
            p = f.readline().strip()
        if p:
            return p
        time.sleep(0.001)


def call(base, method, path, body=None, headers=None):
    u = urllib.parse.urlsplit(base)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, r.getheader('X-Subject-Token'), r.read()
    finally:
        c.close()


def login(base, user, pw, project):
    body = json.dumps({'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': user, 'domain': {'id': 'default'}, 'password': pw}}},
        'scope': {'project': {'name': project,
                              'domain': {'id': 'default'}}}}})
    return call(base, 'POST', '/v3/auth/tokens', body,
                {'Content-Type': 'application/json'})


def count(ph, what, status):
    if status >= 300:
        now = phase()
        if now != ph and now in ('db-down', 'db-back'):
            ph = now
    counts[ph]['%s %d' % (what, status)] += 1


def validate(ph, base, tok, user, project, what):
    status, _, body = call(base, 'GET', '/v3/auth/tokens', None,
                           {'X-Auth-Token': tok, 'X-Subject-Token': tok})
    count(ph, what, status)
    if status == 200:
        t = json.loads(body)['token']
        if t['user']['name'] != user or t['project']['name'] != project:
            wrong.append([base, user, t['user']['name'], project,
                          t['project']['name']])


def round_once(nodes, users, k):
    ph = phase()
    user, pw, project = users[k % len(users)]
    i = k % len(nodes)
    for step in range(len(nodes)):      # the first node that answers
        base = nodes[(i + step) % len(nodes)]
        try:
            status, tok, body = login(base, user, pw, project)
            break
        except OSError:
            counts[ph]['unreachable'] += 1
    else:
        return
    count(ph, 'issue', status)
    if status != 201:
        return
    issued.append([base, json.loads(body)['token']['audit_ids'][0]])
    live.append((tok, user, project))
    for step in range(1, len(nodes) + 1):    # another node validates
        other = nodes[(i + step) % len(nodes)]
        if other == base and len(nodes) > 1:
            continue
        try:
            validate(ph, other, tok, user, project, 'new')
            old = random.choice(live)
            validate(ph, other, old[0], old[1], old[2], 'old')
            return
        except OSError:
            counts[ph]['unreachable'] += 1


def main():
    with open(USERS) as f:
        users = [line.split() for line in f if line.strip()]
    k = 0
    while not os.path.exists(STOP):
        with open(NODES) as f:
            nodes = [line.strip() for line in f if line.strip()]
        round_once(nodes, users, k)
        k += 1
        time.sleep(0.01)
    with open(OUT, 'w') as f:
        json.dump({'counts': counts, 'issued': issued, 'wrong': wrong}, f)


main()
