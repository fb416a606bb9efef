#!/usr/bin/python3
"""Writes a Keystone's identity, assignments, catalog, application
credentials and revocation events as one JSON document on standard output,
for signet-manage import-keystone.

    keystone-export.py --config-file /etc/keystone/keystone.conf > export.json

It runs where Keystone runs (Debian's python3-keystone) and reads the
database through Keystone's own configuration, session and SQLAlchemy
models, so ids, password hashes and options come out as Keystone keeps
them. The document holds password and secret hashes: standard output is
made owner-only (0600) when it is a file, and the file should stay so.
What signet cannot keep (federated and nonlocal users, inherited
assignments, hashes crypt(3) cannot check, access rules, trusts, ...) is
named on standard error and left out, never silently. Exit status: 0
written, 1 Keystone could not be read."""
import argparse
import calendar
import json
import os
import stat
import sys

import sqlalchemy

import keystone.conf
from keystone.common import sql
from keystone.resource.backends import sql as resource_sql
from keystone.resource.backends import sql_model as resource_model
from keystone.identity.backends import sql_model as identity_model
from keystone.assignment.backends import sql as assignment_sql
from keystone.assignment.role_backends import sql_model as role_model
from keystone.catalog.backends import sql as catalog_sql
from keystone.application_credential.backends import sql as appcred_sql
from keystone.revoke.backends import sql as revoke_sql

CONF = keystone.conf.CONF
FORMAT = 'signet-keystone-export'
VERSION = 1
# What libxcrypt's crypt(3) checks of the schemes Keystone may write
# (passlib's bcrypt idents and sha512_crypt); not passlib's own
# $pbkdf2-sha512$ or $scrypt$.
CRYPT_PREFIXES = ('$2a$', '$2b$', '$2y$', '$6$')
LEFT_OUT = []


def left_out(what):
    LEFT_OUT.append(what)
    print('keystone-export: left out: %s' % what, file=sys.stderr)


def epoch(dt):
    return None if dt is None else calendar.timegm(dt.utctimetuple())


def hidden(ref):
    """The root sentinel, as Keystone's resource driver hides it."""
    return resource_sql.Resource()._is_hidden_ref(ref)


def project_rows(session):
    domains, projects = [], []
    refs = session.query(resource_model.Project).all()
    for ref in refs:
        if hidden(ref):
            continue
        d = ref.to_dict()
        row = {'id': ref.id, 'name': ref.name,
               'description': ref.description, 'enabled': bool(ref.enabled),
               'options': d['options'], 'tags': d.get('tags', []),
               'extra': ref.extra or {}}
        if ref.is_domain:
            domains.append(row)
            continue
        row['domain_id'] = ref.domain_id
        # a top-level project's parent is its domain: signet keeps none
        row['parent_id'] = (None if ref.parent_id in (None, ref.domain_id)
                            else ref.parent_id)
        projects.append(row)
    return domains, parents_first(projects, 'parent_id')


def parents_first(rows, key):
    """Each row after the row its key names, as the importer reads them."""
    by_id = {r['id']: r for r in rows}
    out, seen = [], set()

    def visit(r, depth=0):
        if r['id'] in seen or depth > len(rows):
            return
        parent = by_id.get(r[key])
        if parent is not None:
            visit(parent, depth + 1)
        seen.add(r['id'])
        out.append(r)
    for r in rows:
        visit(r)
    return out


def password_of(user):
    """The current hash (the newest row), or None with the reason told."""
    ref = user.password_ref
    if ref is None or ref.password_hash is None:
        return None
    if user.password_is_expired:
        left_out('password of user %s (%s): expired; set a new one with '
                 'signet-manage user-password-reset' % (user.id, user.name))
        return None
    if not ref.password_hash.startswith(CRYPT_PREFIXES):
        scheme = ref.password_hash.split('$')[1] if \
            ref.password_hash.startswith('$') else 'unknown'
        left_out('password of user %s (%s): scheme %s cannot be checked '
                 'by crypt(3); set a new one with signet-manage '
                 'user-password-reset' % (user.id, user.name, scheme))
        return None
    return ref.password_hash


def user_rows(session):
    users, skipped = [], set()
    for u in session.query(identity_model.User).all():
        if u.local_user is None:
            kind = 'federated' if u.federated_users else 'nonlocal'
            left_out('user %s (%s): a %s user' % (u.id, u.name, kind))
            skipped.add(u.id)
            continue
        if u.federated_users or u.nonlocal_user:
            left_out('user %s (%s): its federated or nonlocal links'
                     % (u.id, u.name))
        d = u.to_dict()
        if d['options'].get('multi_factor_auth_enabled'):
            left_out('user %s (%s): multi-factor rules signet cannot '
                     'enforce' % (u.id, u.name))
            skipped.add(u.id)
            continue
        users.append({'id': u.id, 'name': u.name, 'domain_id': u.domain_id,
                      'enabled': bool(d['enabled']),
                      'default_project_id': u.default_project_id,
                      'password_hash': password_of(u),
                      'options': d['options'], 'extra': u.extra or {}})
    return users, skipped


def group_rows(session, skipped):
    groups = [{'id': g.id, 'name': g.name, 'domain_id': g.domain_id,
               'description': g.description, 'extra': g.extra or {}}
              for g in session.query(identity_model.Group).all()]
    members = []
    for m in session.query(identity_model.UserGroupMembership).all():
        if m.user_id in skipped:
            left_out('membership of user %s in group %s' % (m.user_id,
                                                            m.group_id))
            continue
        members.append({'group_id': m.group_id, 'user_id': m.user_id})
    n = session.query(identity_model.ExpiringUserGroupMembership).count()
    if n:
        left_out('%d expiring (federated) group memberships' % n)
    return groups, members


def role_rows(session):
    roles = []
    for r in session.query(role_model.RoleTable).all():
        d = r.to_dict()
        roles.append({'id': r.id, 'name': r.name, 'domain_id': d['domain_id'],
                      'description': r.description, 'options': d['options'],
                      'extra': r.extra or {}})
    implied = [{'prior_role_id': i.prior_role_id,
                'implied_role_id': i.implied_role_id}
               for i in session.query(role_model.ImpliedRoleTable).all()]
    return roles, implied


def assignment_rows(session, skipped):
    out = []
    refs = session.query(assignment_sql.RoleAssignment).all() + \
        session.query(assignment_sql.SystemRoleAssignment).all()
    for a in refs:
        what = '%s assignment of role %s to %s on %s' % (
            a.type, a.role_id, a.actor_id, a.target_id)
        if a.inherited:
            left_out('inherited ' + what)
            continue
        if a.actor_id in skipped:
            left_out(what)
            continue
        actor = 'user_id' if a.type.startswith('User') else 'group_id'
        target = 'project_id' if a.type.endswith('Project') else \
            'domain_id' if a.type.endswith('Domain') else 'system'
        out.append({'role_id': a.role_id, actor: a.actor_id,
                    target: 'all' if target == 'system' else a.target_id})
    return out


def catalog_rows(session):
    regions = parents_first(
        [{'id': r.id, 'description': r.description,
          'parent_region_id': r.parent_region_id, 'extra': r.extra or {}}
         for r in session.query(catalog_sql.Region).all()],
        'parent_region_id')
    services = []
    for s in session.query(catalog_sql.Service).all():
        extra = dict(s.extra or {})
        services.append({'id': s.id, 'type': s.type,
                         'name': extra.pop('name', None),
                         'enabled': bool(s.enabled), 'extra': extra})
    endpoints = [{'id': e.id, 'interface': e.interface,
                  'service_id': e.service_id, 'region_id': e.region_id,
                  'url': e.url, 'enabled': bool(e.enabled),
                  'extra': e.extra or {}}
                 for e in session.query(catalog_sql.Endpoint).all()]
    return regions, services, endpoints


def appcred_rows(session, skipped):
    out = []
    for a in session.query(appcred_sql.ApplicationCredentialModel).all():
        what = 'application credential %s (%s)' % (a.id, a.name)
        if a.user_id in skipped:
            left_out(what + ': its user is left out')
        elif a.access_rules:
            left_out(what + ': access rules signet cannot enforce')
        elif a.system:
            left_out(what + ': system scope')
        elif not a.secret_hash.startswith(CRYPT_PREFIXES):
            left_out(what + ': a secret hash crypt(3) cannot check')
        else:
            exp = a.expires_at
            out.append({
                'id': a.id, 'name': a.name, 'user_id': a.user_id,
                'project_id': a.project_id, 'description': a.description,
                'secret_hash': a.secret_hash,
                'expires_at': None if exp is None else
                epoch(exp) * 1000000 + exp.microsecond,
                'unrestricted': bool(a.unrestricted),
                'roles': [r.role_id for r in a.roles]})
    return out


def revocation_rows(session):
    """Events by audit id, chain or user: what signet matches. Others
    (a project's, a role's, a trust's) are covered by the state imported
    or name what signet does not import."""
    out = []
    for e in session.query(revoke_sql.RevocationEvent).all():
        row = {'issued_before': epoch(e.issued_before),
               'revoked_at': epoch(e.revoked_at),
               'expires_at': epoch(e.expires_at)}
        if e.audit_id or e.audit_chain_id:
            row['audit_id'] = e.audit_id or e.audit_chain_id
        elif e.user_id:
            # narrowed by project or role in Keystone: signet ends every
            # token of the user issued before, which ends those too
            row['user_id'] = e.user_id
        else:
            left_out('revocation event %d (no user or audit id)' % e.id)
            continue
        out.append(row)
    return out


def not_exported(session):
    """Tables signet has no place for: named with their row counts."""
    tables = ('trust', 'credential', 'identity_provider', 'mapping',
              'endpoint_group', 'project_endpoint', 'registered_limit',
              'limit', 'policy', 'policy_association', 'consumer',
              'access_token', 'service_provider', 'id_mapping')
    present = sqlalchemy.inspect(session.get_bind()).get_table_names()
    for t in tables:
        if t not in present:
            continue
        n = session.execute(sqlalchemy.text('SELECT count(*) FROM "%s"'
                                            % t)).scalar()
        if n:
            left_out('%d rows of table %s' % (n, t))


def export():
    with sql.session_for_read() as session:
        domains, projects = project_rows(session)
        users, skipped = user_rows(session)
        groups, members = group_rows(session, skipped)
        roles, implied = role_rows(session)
        regions, services, endpoints = catalog_rows(session)
        doc = {
            'format': FORMAT, 'version': VERSION,
            'domains': domains, 'projects': projects, 'roles': roles,
            'implied_roles': implied, 'users': users, 'groups': groups,
            'memberships': members,
            'assignments': assignment_rows(session, skipped),
            'regions': regions, 'services': services,
            'endpoints': endpoints,
            'application_credentials': appcred_rows(session, skipped),
            'revocation_events': revocation_rows(session),
        }
        not_exported(session)
    return doc


def private_stdout():
    st = os.fstat(sys.stdout.fileno())
    if stat.S_ISREG(st.st_mode):
        os.fchmod(sys.stdout.fileno(), 0o600)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--config-file', required=True)
    a = p.parse_args()
    private_stdout()
    keystone.conf.configure()
    sql.initialize()
    CONF([], project='keystone', default_config_files=[a.config_file])
    try:
        doc = export()
    except Exception as e:
        sys.exit('keystone-export: cannot read Keystone: %s' % e)
    json.dump(doc, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')
    n = sum(len(v) for v in doc.values() if isinstance(v, list))
    print('keystone-export: %d rows written, %d things left out'
          % (n, len(LEFT_OUT)), file=sys.stderr)


if __name__ == '__main__':
    main()
