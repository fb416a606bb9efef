"""The signer's RPC through libsignet-client (ctypes): Python never frames
a message itself, so the C client's framing, request ids, deadlines and
failover are the only ones there are.

A handle is one connection and serves one call at a time; the pool hands
each thread its own. A process that forks (a WSGI server's workers) drops
the handles it inherited: two processes must never read answers from one
socket.
"""
import ctypes
import ctypes.util
import json
import os
import threading

# The signer's statuses (proto/signer.proto), and the library's own.
OK = 0
BAD_REQUEST = 1
DENIED = 2
NOT_FOUND = 3
UNAVAILABLE = 4
BUSY = 5
INTERNAL = 6
UNREACHABLE = -1
BAD_CALL = -2

LIBNAME = 'libsignet-client.so.0'


class ClientError(Exception):
    """The library cannot be loaded or the options are unusable."""


def find_library(configured=None):
    if configured:
        return configured
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), LIBNAME)
    if os.path.exists(here):
        return here
    return ctypes.util.find_library('signet-client') or LIBNAME


def _load(path):
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise ClientError('cannot load %s: %s' % (path, e))
    lib.signet_client_new.argtypes = [ctypes.c_char_p, ctypes.c_char_p,
                                      ctypes.c_uint]
    lib.signet_client_new.restype = ctypes.c_void_p
    lib.signet_client_call.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                       ctypes.c_char_p,
                                       ctypes.POINTER(ctypes.c_void_p)]
    lib.signet_client_call.restype = ctypes.c_int
    lib.signet_client_free.argtypes = [ctypes.c_void_p]
    lib.signet_client_free.restype = None
    lib.signet_client_close.argtypes = [ctypes.c_void_p]
    lib.signet_client_close.restype = None
    return lib


class Client(object):
    """call(op, dict) -> (status, dict); never raises for the signer's
    answers, only for a library or options that cannot work at all."""

    def __init__(self, endpoints, timeout, connections=8, library=None,
                 tls_cert=None, tls_key=None, tls_ca=None):
        self.endpoints = endpoints
        self._lib = _load(find_library(library))
        opts = {'endpoints': endpoints, 'timeout_ms': int(timeout * 1000)}
        for k, v in (('tls_cert', tls_cert), ('tls_key', tls_key),
                     ('tls_ca', tls_ca)):
            if v:
                opts[k] = v
        self._opts = json.dumps(opts).encode()
        self._max = connections
        self._lock = threading.Lock()
        self._idle = []
        self._pid = os.getpid()
        self._close(self._new())    # a bad option shows now, not per call

    def _new(self):
        err = ctypes.create_string_buffer(256)
        h = self._lib.signet_client_new(self._opts, err, len(err))
        if not h:
            raise ClientError(err.value.decode(errors='replace'))
        return h

    def _close(self, h):
        self._lib.signet_client_close(h)

    def _take(self):
        with self._lock:
            if self._pid != os.getpid():
                # inherited across fork: the parent still uses them
                self._idle = []
                self._pid = os.getpid()
            if self._idle:
                return self._idle.pop()
        return self._new()

    def _give(self, h):
        with self._lock:
            if self._pid == os.getpid() and len(self._idle) < self._max:
                self._idle.append(h)
                return
        self._close(h)

    def call(self, op, args):
        out = ctypes.c_void_p()
        h = self._take()
        try:
            rc = self._lib.signet_client_call(
                h, op.encode(), json.dumps(args).encode(),
                ctypes.byref(out))
        finally:
            self._give(h)
        if not out.value:
            return UNREACHABLE, {'error': 'no answer'}
        try:
            body = json.loads(ctypes.string_at(out.value).decode())
        finally:
            self._lib.signet_client_free(out)
        return rc, body
