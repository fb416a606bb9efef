"""make bench: one client against a Keystone for SECONDS each, over one
keep-alive connection: a token re-scoped with the token method (no
password hashing, so the token provider's share shows) and a token
validated. Prints "issue RATE" and "validate RATE" (requests/s).
usage: keystone_load.py URL SECONDS"""
import sys
import time

import requests

URL, SECS = sys.argv[1], float(sys.argv[2])
S = requests.Session()


def password_token():
    r = S.post(URL + '/auth/tokens', json={'auth': {'identity': {
        'methods': ['password'], 'password': {'user': {
            'name': 'admin', 'domain': {'id': 'default'},
            'password': 'secret-admin'}}},
        'scope': {'project': {'name': 'admin',
                              'domain': {'id': 'default'}}}}})
    r.raise_for_status()
    return r.headers['X-Subject-Token']


def rate(fn):
    n, end = 0, time.monotonic() + SECS
    start = time.monotonic()
    while time.monotonic() < end:
        fn()
        n += 1
    return n / (time.monotonic() - start)


def main():
    parent = password_token()
    made = []

    def issue():
        r = S.post(URL + '/auth/tokens', json={'auth': {'identity': {
            'methods': ['token'], 'token': {'id': parent}},
            'scope': {'project': {'name': 'admin',
                                  'domain': {'id': 'default'}}}}})
        r.raise_for_status()
        if len(made) < 100:
            made.append(r.headers['X-Subject-Token'])

    def validate():
        tok = made[validate.i % len(made)]
        validate.i += 1
        r = S.get(URL + '/auth/tokens', headers={
            'X-Auth-Token': parent, 'X-Subject-Token': tok})
        r.raise_for_status()
    validate.i = 0
    print('issue %.1f' % rate(issue))
    print('validate %.1f' % rate(validate))


if __name__ == '__main__':
    main()
