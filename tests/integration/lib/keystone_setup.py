"""Sets up a Keystone for the keystone-* tests in WORK: the signet
provider installed offline by pip into WORK/site (as make
install-keystone-plugin does, with the built libsignet-client.so.0),
WORK/ks/keystone.conf, an SQLite database (db_sync), receipt keys in
WORK/receipt-keys (outside the configuration) and an admin (bootstrap,
password secret-admin).
  keystone_setup.py WORK PORT SOCKET LIBRARY [fernet KEY_REPOSITORY]
With "fernet", Keystone starts on its own file keys (a migration's
starting point); keystone_setup.py switch WORK SOCKET turns an existing
configuration to signet. SIGNET_FORMAT in the environment is [signet]
format (fernet by default).
  keystone_setup.py keysets WORK PORT SOCKET LIBRARY
  keystone_setup.py keysets-switch WORK SOCKET
"keysets": tokens from signet, MFA receipts and credentials on Keystone's
own file keys (WORK/receipt-keys, WORK/credential-keys), totp among the
[auth] methods; "keysets-switch" turns receipts and credentials to
signet too (the file repositories stay, out of the configuration)."""
import base64
import os
import shutil
import sqlite3
import subprocess
import sys

PY = '/usr/bin/python3'
HERE = os.path.dirname(os.path.abspath(__file__))
PLUGIN = os.path.join(HERE, '..', '..', '..', 'integrations', 'keystone')
METHODS = 'external,password,token,oauth1,mapped,application_credential'
METHODS_TOTP = METHODS + ',totp'


def run(*cmd, env=None):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, env=env)


def install(work, lib):
    src = os.path.join(work, 'plugin-src')
    shutil.copytree(PLUGIN, src)
    shutil.copy(lib, os.path.join(src, 'signet_keystone',
                                  'libsignet-client.so.0'))
    run(PY, '-m', 'pip', 'install', '--quiet', '--no-index',
        '--no-build-isolation', '--no-deps', '--target',
        os.path.join(work, 'site'), src)


def token_section(provider, sock, repo):
    if provider == 'fernet':
        return ('[token]\nprovider = fernet\n\n[fernet_tokens]\n'
                'key_repository = %s\nmax_active_keys = 3\n' % repo)
    return ('[token]\nprovider = signet\n\n[signet]\nsocket = %s\n'
            'timeout = 2\nretry_after = 7\nformat = %s\n'
            % (sock, os.environ.get('SIGNET_FORMAT', 'fernet')))


def keysets_section(work, keysets):
    """Receipts and credentials: Keystone's files, or signet."""
    if keysets == 'signet':
        return ('[receipt]\nprovider = signet\n\n'
                '[credential]\nprovider = signet\n\n')
    return ('[credential]\nprovider = fernet\n'
            'key_repository = %s/credential-keys\n\n' % work)


def write_conf(work, provider, sock, repo=None, keysets=None):
    ks = os.path.join(work, 'ks')
    with open(os.path.join(ks, 'keystone.conf'), 'w') as f:
        f.write('[DEFAULT]\nlog_file = %s/keystone.log\n\n'
                '[database]\nconnection = sqlite:///%s/keystone.db\n\n'
                '[auth]\nmethods = %s\n\n'
                '[fernet_receipts]\nkey_repository = %s/receipt-keys\n\n'
                % (work, work, METHODS_TOTP if keysets else METHODS, work))
        if keysets:
            f.write(keysets_section(work, keysets))
        f.write(token_section(provider, sock, repo))


def manage(work, *args):
    # keystone-manage loads the token provider too: it needs the plugin
    env = dict(os.environ, PYTHONPATH=os.path.join(work, 'site'))
    run('/usr/bin/keystone-manage', '--config-file',
        os.path.join(work, 'ks', 'keystone.conf'), *args, env=env)


def receipt_keys(work, name='receipt-keys'):
    """What keystone-manage receipt_setup (or credential_setup) makes
    (keys 0 and 1), without starting Keystone's code twice more: the
    tests have a time budget."""
    repo = os.path.join(work, name)
    os.makedirs(repo, mode=0o700)
    for i in (0, 1):
        fd = os.open(os.path.join(repo, str(i)),
                     os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, base64.urlsafe_b64encode(os.urandom(32)))
        os.close(fd)


def wal(work):
    """Write-ahead logging: a reader does not hold up a writer's commit.
    Keystone 22 on SQLite under this threaded server leaves a read open
    (after listing credentials, around a group's grant; with its own
    providers too), and the next commit waits on it until "database is
    locked"."""
    db = sqlite3.connect(os.path.join(work, 'keystone.db'))
    db.execute('PRAGMA journal_mode=WAL')
    db.close()


def setup(work, port, sock, lib, provider='signet', repo=None,
          keysets=None):
    install(work, lib)
    os.makedirs(os.path.join(work, 'ks'), mode=0o700)
    write_conf(work, provider, sock, repo, keysets)
    receipt_keys(work)
    if keysets:
        receipt_keys(work, 'credential-keys')
    manage(work, 'db_sync')
    wal(work)
    url = 'http://127.0.0.1:%s/v3' % port
    manage(work, 'bootstrap', '--bootstrap-password', 'secret-admin',
           '--bootstrap-admin-url', url, '--bootstrap-public-url', url,
           '--bootstrap-internal-url', url,
           '--bootstrap-region-id', 'RegionOne')


def main():
    a = sys.argv[1:]
    try:
        if a[0] == 'switch':
            write_conf(a[1], 'signet', a[2])
        elif a[0] == 'keysets':
            setup(*a[1:5], keysets='files')
        elif a[0] == 'keysets-switch':
            write_conf(a[1], 'signet', a[2], keysets='signet')
        else:
            setup(*a[:4], *(a[4:6]))
    except subprocess.CalledProcessError as e:
        sys.exit('%s: %s' % (' '.join(e.cmd), e.stderr.decode()))


if __name__ == '__main__':
    main()
