"""A Keystone 22 with something of everything, for
manage-import-keystone: SQLite in WORK/keystone.db, its own Fernet keys in
WORK/fernet-keys (provider = fernet), made through Keystone's managers.
  keystone_world.py WORK
prints one JSON object: the ids made, Fernet tokens Keystone issued
(alice's on her project, one of bob's it then revoked) and the
application credential's secret. Passwords: alice-secret, and for bob one
of 100 bytes (past bcrypt's 72)."""
import datetime
import json
import os
import subprocess
import sys
import uuid

import keystone.conf
from keystone.common import fernet_utils
from keystone.common import provider_api
from keystone.common import sql

CONF = keystone.conf.CONF
PROVIDERS = provider_api.ProviderAPIs
BOB_PASSWORD = 'b' * 60 + '-long-password-past-bcrypt-72-bytes' + 'z' * 5


def write_conf(work):
    conf = os.path.join(work, 'keystone.conf')
    with open(conf, 'w') as f:
        f.write('[DEFAULT]\nlog_file = %s/keystone.log\n\n'
                '[database]\nconnection = sqlite:///%s/keystone.db\n\n'
                '[token]\nprovider = fernet\n\n'
                '[fernet_tokens]\nkey_repository = %s/fernet-keys\n'
                'max_active_keys = 3\n\n'
                '[fernet_receipts]\nkey_repository = %s/fernet-keys\n'
                % (work, work, work, work))
    return conf


def keys(work):
    repo = os.path.join(work, 'fernet-keys')
    os.makedirs(repo, mode=0o700)
    fu = fernet_utils.FernetUtils(repo, 3, 'fernet_tokens')
    fu.initialize_key_repository()
    fu.rotate_keys()


def bootstrap():
    from keystone.cmd import bootstrap as bs
    b = bs.Bootstrapper()
    b.admin_password = 'secret-admin'
    b.admin_username = 'admin'
    b.project_name = 'admin'
    b.admin_role_name = 'admin'
    b.service_name = 'keystone'
    b.region_id = 'RegionOne'
    b.public_url = b.internal_url = 'http://keystone.example:5000/v3'
    b.immutable_roles = True
    b.bootstrap()
    return b


def hex_id():
    return uuid.uuid4().hex


def resources():
    r = PROVIDERS.resource_api
    dom_id = hex_id()
    dom = r.create_domain(dom_id, {'id': dom_id, 'name': 'Engineering',
                                     'description': 'eng', 'enabled': True})
    pid, cid = hex_id(), hex_id()
    parent = r.create_project(pid, {
        'id': pid, 'name': 'platform', 'domain_id': dom['id'], 'parent_id': dom['id'],
        'description': 'the parent', 'enabled': True, 'is_domain': False})
    child = r.create_project(cid, {
        'id': cid, 'name': 'web', 'domain_id': dom['id'], 'parent_id': parent['id'],
        'enabled': True, 'is_domain': False, 'tags': ['blue']})
    return dom, parent, child


def users(dom, child, admin_project):
    i = PROVIDERS.identity_api
    alice = i.create_user({'name': 'alice', 'domain_id': dom['id'],
                           'password': 'alice-secret', 'enabled': True,
                           'default_project_id': child['id'],
                           'email': 'alice@example.org',
                           'options': {'ignore_lockout_failure_attempts':
                                       True}})
    bob = i.create_user({'name': 'bob', 'domain_id': 'default',
                         'password': BOB_PASSWORD, 'enabled': True})
    # a hash crypt(3) cannot check: the export names it and leaves it out
    CONF.set_override('password_hash_algorithm', 'pbkdf2_sha512', 'identity')
    carol = i.create_user({'name': 'carol', 'domain_id': 'default',
                           'password': 'carol-secret', 'enabled': True})
    CONF.clear_override('password_hash_algorithm', 'identity')
    nonlocal_user = PROVIDERS.shadow_users_api.create_nonlocal_user(
        {'id': hex_id(), 'name': 'ldap-dave', 'domain_id': 'default',
         'enabled': True})
    group = i.create_group({'name': 'devs', 'domain_id': dom['id'],
                            'description': 'developers'})
    i.add_user_to_group(alice['id'], group['id'])
    return alice, bob, carol, nonlocal_user, group


def roles(b, alice, bob, group, dom, child):
    rm = PROVIDERS.role_api
    rid = hex_id()
    deployer = rm.create_role(rid, {'id': rid, 'name': 'deployer',
                                         'description': 'ships things'})
    rm.create_implied_role(deployer['id'], b.member_role_id)
    a = PROVIDERS.assignment_api
    a.add_role_to_user_and_project(alice['id'], child['id'], deployer['id'])
    a.create_grant(b.reader_role_id, group_id=group['id'],
                   domain_id=dom['id'])
    a.add_role_to_user_and_project(bob['id'], b.project_id, b.member_role_id)
    return deployer


def catalog():
    c = PROVIDERS.catalog_api
    c.create_region({'id': 'RegionTwo', 'parent_region_id': 'RegionOne',
                     'description': 'the second'})
    sid = hex_id()
    svc = c.create_service(sid, {'id': sid, 'type': 'compute',
                                      'name': 'nova', 'enabled': True,
                                      'description': 'compute service'})
    eps = []
    for iface, region in (('public', 'RegionOne'), ('internal', 'RegionTwo')):
        eid = hex_id()
        eps.append(c.create_endpoint(eid, {
            'id': eid, 'interface': iface, 'region_id': region,
            'service_id': svc['id'], 'enabled': True,
            'url': 'http://nova.example:8774/v2.1/%s' % iface})['id'])
    return svc, eps


def appcred(alice, child, deployer):
    exp = (datetime.datetime.utcnow() + datetime.timedelta(days=1)).replace(
        microsecond=123456)
    ac = PROVIDERS.application_credential_api.create_application_credential(
        {'id': hex_id(), 'name': 'ci', 'user_id': alice['id'],
         'project_id': child['id'], 'secret': 'app-cred-secret-' + 'x' * 70,
         'roles': [{'id': deployer['id']}], 'unrestricted': False,
         'expires_at': exp, 'description': 'for the pipeline'})
    return ac, 'app-cred-secret-' + 'x' * 70


def trust(alice, bob, child, deployer):
    """Trusts stay behind: the export names them."""
    tid = hex_id()
    PROVIDERS.trust_api.create_trust(tid, {
        'id': tid, 'trustor_user_id': alice['id'],
        'trustee_user_id': bob['id'], 'project_id': child['id'],
        'impersonation': False, 'expires_at': None,
        'remaining_uses': None}, [{'id': deployer['id']}])


def tokens(alice, bob, child, b):
    t = PROVIDERS.token_provider_api
    alice_tok = t.issue_token(alice['id'], ['password'],
                              project_id=child['id'])
    bob_tok = t.issue_token(bob['id'], ['password'], project_id=b.project_id)
    PROVIDERS.revoke_api.revoke_by_audit_id(bob_tok.audit_id)
    return alice_tok.id, bob_tok.id


def main():
    work = sys.argv[1]
    conf = write_conf(work)
    subprocess.run(['/usr/bin/keystone-manage', '--config-file', conf,
                    'db_sync'], check=True, stdout=subprocess.DEVNULL)
    keystone.conf.configure()
    sql.initialize()
    CONF([], project='keystone', default_config_files=[conf])
    keys(work)
    b = bootstrap()
    dom, parent, child = resources()
    alice, bob, carol, nl, group = users(dom, child, b.project_id)
    deployer = roles(b, alice, bob, group, dom, child)
    svc, eps = catalog()
    ac, secret = appcred(alice, child, deployer)
    trust(alice, bob, child, deployer)
    alice_tok, bob_tok = tokens(alice, bob, child, b)
    print(json.dumps({
        'conf': conf, 'domain': dom['id'], 'parent': parent['id'],
        'project': child['id'], 'admin_project': b.project_id,
        'alice': alice['id'], 'bob': bob['id'], 'carol': carol['id'],
        'nonlocal': nl['id'], 'group': group['id'],
        'deployer': deployer['id'], 'member': b.member_role_id,
        'reader': b.reader_role_id, 'service': svc['id'],
        'endpoints': eps, 'appcred': ac['id'], 'appcred_secret': secret,
        'alice_token': alice_tok, 'bob_token': bob_tok,
        'bob_password': BOB_PASSWORD}))


if __name__ == '__main__':
    main()
