"""Keystone errors for what the signer says.

A Keystone error subclass is rendered with its code by Keystone's Flask
error handler (inside a view) and by its auth middleware's
middleware_exceptions (while it validates the caller's X-Auth-Token,
outside Flask): a 503, never a 500 with a traceback. Neither adds
headers, so Retry-After is added on each path (retry_after_hooks).
Keystone issues an MFA receipt inside that error handler, where an
error escapes Flask as a bare 500: receipt_hooks renders it there.
"""
import flask
from keystone import exception
from keystone.server.flask.request_processing.middleware import (
    auth_context)


class SignerUnavailable(exception.Error):
    code = 503
    title = 'Service Unavailable'

    def __init__(self, message, retry_after):
        super(SignerUnavailable, self).__init__(message)
        self.retry_after = retry_after
        if flask.has_request_context():
            def add_retry_after(response):
                response.headers['Retry-After'] = str(retry_after)
                return response
            flask.after_this_request(add_retry_after)


def retry_after_hooks():
    """The auth middleware renders errors with auth_context's module-level
    render_exception, looked up at each call: wrapping it is the one place
    its responses can get a header. Idempotent; tests catch a Keystone
    that changes this (keystone-provider checks Retry-After there)."""
    render = auth_context.render_exception
    if getattr(render, 'signet_retry_after', False):
        return

    def render_exception(error, *args, **kwargs):
        resp = render(error, *args, **kwargs)
        if isinstance(error, SignerUnavailable):
            resp.headers['Retry-After'] = str(error.retry_after)
        return resp
    render_exception.signet_retry_after = True
    auth_context.render_exception = render_exception


def receipt_hooks():
    """Keystone's error handler builds the 401 that carries a receipt
    (keystone.receipt.handlers.build_receipt, looked up at each call);
    an error raised while the receipt is made (the signer unreachable,
    or refusing) would escape Flask itself as a bare 500. It is rendered
    as Keystone renders every error instead: a 503 with Retry-After.
    Idempotent; keystone-receipts checks the 503."""
    from keystone.receipt import handlers
    from keystone.server.flask import application
    build = handlers.build_receipt
    if getattr(build, 'signet_rendered', False):
        return

    def build_receipt(mfa_error):
        try:
            return build(mfa_error)
        except exception.Error as e:
            return application._handle_keystone_exception(e)
    build_receipt.signet_rendered = True
    handlers.build_receipt = build_receipt
