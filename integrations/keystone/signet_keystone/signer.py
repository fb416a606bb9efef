"""What the token, receipt and credential providers share: one client of
the signer per Keystone process (its connections serve all three), the
request id each call carries into the signer's audit log, and the rule
that a signer which cannot answer is a 503 with Retry-After, never a
500."""
import re
import threading
import time

import keystone.conf
from keystone import exception
from oslo_context import context as oslo_context
from oslo_log import log

from signet_keystone import client
from signet_keystone import errors
from signet_keystone import options

CONF = keystone.conf.CONF
LOG = log.getLogger(__name__)

# The signer takes a request id of at most 64 printable ASCII bytes.
_REQUEST_ID = re.compile(r'^[\x21-\x7e]{1,64}$')

_lock = threading.Lock()
_shared = None


def isotime(seconds):
    """Keystone's subsecond isotime: microseconds always zero."""
    return time.strftime('%Y-%m-%dT%H:%M:%S.000000Z', time.gmtime(seconds))


def request_id():
    ctx = oslo_context.get_current()
    rid = getattr(ctx, 'request_id', None)
    return rid if rid and _REQUEST_ID.match(rid) else None


class Signer(object):
    """The [signet] options' client and how a call's failure is told."""

    def __init__(self, conf):
        try:
            self.client = client.Client(
                conf.socket, conf.timeout, conf.connections,
                conf.client_library, conf.tls_cert, conf.tls_key,
                conf.tls_ca)
        except client.ClientError as e:
            raise SystemExit('[signet]: %s' % e)
        self.retry_after = conf.retry_after
        errors.retry_after_hooks()

    @property
    def endpoints(self):
        return self.client.endpoints

    def health(self):
        """(ready, the Health answer); never raises."""
        rc, h = self.client.call('health', {})
        return rc == client.OK and bool(h.get('ready')), h

    def call(self, op, args):
        """(status, answer) for what the signer decided; SignerUnavailable
        (503) when it cannot decide: unreachable, busy, unavailable (its
        HSM lost, or the key set the call needs absent) or failing."""
        rid = request_id()
        if rid:
            args['request_id'] = rid
        rc, out = self.client.call(op, args)
        if rc in (client.UNREACHABLE, client.UNAVAILABLE, client.BUSY,
                  client.INTERNAL):
            LOG.error('signet: %s: signer at %s: %s', op,
                      self.client.endpoints, out.get('error'))
            raise errors.SignerUnavailable(
                'The token signer is unavailable; retry later.',
                self.retry_after)
        if rc == client.BAD_CALL:
            LOG.error('signet: %s: %s', op, out.get('error'))
            raise exception.UnexpectedError(out.get('error'))
        return rc, out


def shared():
    """The process's Signer, made on first use from keystone.conf
    [signet]; a forked worker's client drops what it inherited itself."""
    global _shared
    with _lock:
        if _shared is None:
            options.register(CONF)
            _shared = Signer(CONF.signet)
        return _shared
