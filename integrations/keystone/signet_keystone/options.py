"""keystone.conf [signet]: where the signer is and how long to wait."""
from oslo_config import cfg

GROUP = 'signet'

OPTS = [
    cfg.StrOpt('socket', default='/run/signet/signer.sock',
               help='The signer: a Unix socket, tcp://HOST:PORT (mutual '
                    'TLS), or a comma-separated list tried in order.'),
    cfg.FloatOpt('timeout', default=5.0, min=0.1, max=600,
                 help='Seconds a call may take, connecting included '
                      '(failover to the next signer happens within it).'),
    cfg.StrOpt('format', default='fernet', choices=['fernet', 'jws'],
               help='Token format the signer makes (IssueFernet or '
                    'IssueJws); tokens of both formats validate.'),
    cfg.IntOpt('jws_key_refresh', default=60, min=1,
               help='Seconds the signer\'s JWS public keys are kept '
                    'before they are fetched again (a token under a key '
                    'not held yet fetches them at once).'),
    cfg.IntOpt('retry_after', default=5, min=1,
               help='Retry-After seconds sent with a 503 when the signer '
                    'cannot be reached or is busy.'),
    cfg.IntOpt('connections', default=8, min=1,
               help='Connections to the signer kept per Keystone process '
                    '(one per concurrent call).'),
    cfg.StrOpt('client_library',
               help='Path of libsignet-client.so.0; by default the copy '
                    'installed with this package, else the linker\'s.'),
    cfg.StrOpt('tls_cert', help='Client certificate for tcp:// signers.'),
    cfg.StrOpt('tls_key', help='Its private key.'),
    cfg.StrOpt('tls_ca', help='CA that signed the signers\' certificates.'),
]


def register(conf):
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return [(GROUP, OPTS)]
