"""Keystone's own key repository code, the reference for signet's Fernet
rotation. keystone_repo.py DIR MAX_ACTIVE ROTATIONS prints one line per
state: after fernet_setup, then after each fernet_rotate, as
"INDEX ROLE" pairs joined by commas (the shape of fernet-list)."""
import os
import sys

from keystone.common import fernet_utils


def state(repo):
    keys = sorted(int(n) for n in os.listdir(repo) if n.isdigit())
    top = max(keys)
    return ','.join('%d %s' % (k, 'primary' if k == top else
                               'staged' if k == 0 else 'secondary')
                    for k in keys)


def main():
    repo, max_active, rotations = sys.argv[1], int(sys.argv[2]), \
        int(sys.argv[3])
    fu = fernet_utils.FernetUtils(repo, max_active, 'fernet_tokens')
    fu.initialize_key_repository()
    print(state(repo))
    for _ in range(rotations):
        fu.rotate_keys()
        print(state(repo))


if __name__ == '__main__':
    main()
