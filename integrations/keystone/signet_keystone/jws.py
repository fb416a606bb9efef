"""`[signet] format = jws`: Keystone's JWS tokens, signed by the signer's
key in the HSM, validated here by Keystone's own JWSFormatter with the
public keys the signer publishes (PublicMaterial), so nothing but public
keys is ever on a Keystone node.

The keys are fetched when first needed, again after `refresh` seconds
(so a key a rotation purged stops validating), and at once when a token
verifies under none of them (a key rotated in or imported since), at
most once a second: a stream of forged tokens costs one call a second.
"""
import base64
import threading
import time

from cryptography.hazmat.primitives import serialization
import jwt
from keystone import exception
from keystone.token.providers.jws import core

from signet_keystone import client

# A stream of bad tokens must not become a stream of signer calls.
MISS_REFETCH_SECONDS = 1.0
NOT_FOUND = 'Could not recognize JWS token'
# Keystone's JWS header, {"alg":"ES256","typ":"JWT"}, as it spells it.
HEADER = 'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.'


def _pem(b64):
    der = base64.urlsafe_b64decode(b64)
    key = serialization.load_der_public_key(der)
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


class KeyRing(object):
    """The signer's JWS public keys as PEM, shared by a process's
    threads; call(op, args) is the provider's, which raises
    SignerUnavailable (503) for a signer that cannot answer."""

    def __init__(self, call, refresh):
        self._call = call
        self._refresh = refresh
        self._lock = threading.Lock()
        self._keys = ()
        self._at = 0.0

    def _fetch(self):
        rc, out = self._call('public_material', {})
        try:
            keys = tuple(_pem(k) for k in out['jws_public_keys'])
        except (KeyError, TypeError, ValueError):
            keys = None
        if rc != client.OK or keys is None:
            raise exception.UnexpectedError('signet: the signer gave no '
                                            'JWS public keys')
        with self._lock:
            self._keys = keys
            self._at = time.monotonic()
        return keys

    def keys(self):
        if time.monotonic() - self._at < self._refresh and self._keys:
            return self._keys
        return self._fetch()

    def after_miss(self):
        """Keys fetched anew, or None when they were fetched just now or
        cannot be (the token then is not found, as with no new key)."""
        if time.monotonic() - self._at < MISS_REFETCH_SECONDS:
            return None
        try:
            return self._fetch()
        except exception.Error:
            return None


class Formatter(core.JWSFormatter):
    """Keystone's JWSFormatter reading the keys it is handed instead of
    Keystone's key folders; it never signs (the signer does)."""

    def __init__(self, keys):
        self._given = keys

    @property
    def public_keys(self):
        return self._given

    @property
    def private_key(self):
        raise exception.UnexpectedError('JWS tokens are signed by the '
                                        'signer')


def _read(keys, token_id):
    """Keystone's formatter lets a token of the right signature but the
    wrong shape (another alg, a claim missing) escape as a 500, and names
    the token in its refusal, which Keystone logs and answers."""
    try:
        return Formatter(keys).validate_token(token_id)
    except (exception.TokenNotFound, jwt.PyJWTError, KeyError, TypeError,
            ValueError, OverflowError):
        raise exception.TokenNotFound(NOT_FOUND)


def validate(ring, token_id):
    """Keystone's 14-tuple for a JWS token the signer's keys verify;
    TokenNotFound otherwise; 503 when no keys are held and the signer
    cannot give them."""
    keys = ring.keys()
    try:
        return _read(keys, token_id)
    except exception.TokenNotFound:
        fresh = ring.after_miss()
        if fresh is None or fresh == keys:
            raise
    return _read(fresh, token_id)
