"""Keystone errors for what the signer says.

A Keystone error subclass is rendered with its code by Keystone's Flask
error handler (inside a view) and by its auth middleware's
middleware_exceptions (while it validates the caller's X-Auth-Token,
outside Flask): a 503, never a 500 with a traceback. Neither adds
headers, so Retry-After is added on each path (retry_after_hooks).
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
