"""verify-offline.sh: libsignet-verify on PKI and PKIZ tokens from a
running signet. Valid tokens give the issuer's identity; tampering inside
or outside the signed part is refused; revocation (also of re-scoped
children) shows within one poll period + 1 s, cached or not; expired
tokens are refused whatever the cache says; keystoneclient's cms module
agrees on every token whose signature it can judge."""
import base64
import os
import sys
import time
import zlib

from keystoneclient.common import cms

from verify_world import Appliance, Checks, Driver, Proxy, WORK

POLL = 1
c = Checks()
app = Appliance(int(sys.argv[1]))
app.start_api()
proxy = Proxy(app.url)
sdir = os.path.join(WORK, 'sd')
# the URL as a service's OS_AUTH_URL spells it
drv = Driver(proxy.url + '/v3', sdir, POLL, 6 * POLL)
certs = (os.path.join(sdir, 'signing_cert.pem'), os.path.join(sdir, 'ca.pem'))


def ks_accepts(tok):
    """keystoneclient's verdict on the signature alone."""
    try:
        if tok.startswith('PKIZ_'):
            cms.pkiz_verify(tok, *certs)
        else:
            cms.cms_verify(cms.token_to_cms(tok), *certs)
        return True
    except Exception:
        return False


def signature_ok(status):
    return status in ('OK', 'EXPIRED', 'REVOKED', 'STALE')


def agree(tok, desc):
    got = drv.verify(tok)[0]
    c.eq(ks_accepts(tok), signature_ok(got), 'keystoneclient agrees: ' + desc)
    return got


def der_of(tok):
    return base64.b64decode(tok.replace('-', '/'))


def pki_of(der):
    return base64.b64encode(der).decode().replace('/', '-')


def pkiz_of(raw):
    return 'PKIZ_' + base64.urlsafe_b64encode(raw).decode()


def tlv(b, i):
    """(tag, header length, content length) of the DER element at i."""
    n = b[i + 1]
    if n < 0x80:
        return b[i], 2, n
    k = n & 0x7f
    return b[i], 2 + k, int.from_bytes(b[i + 2:i + 2 + k], 'big')


def wrap(tag, content):
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    ln = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([tag, 0x80 | len(ln)]) + ln + content


def add_certificate(der, cert):
    """ContentInfo with [0] certificates put before the signerInfos."""
    _, h0, _ = tlv(der, 0)
    i = h0
    _, h, n = tlv(der, i)                       # contentType OID
    i += h + n
    _, h1, _ = tlv(der, i)                      # [0] EXPLICIT
    sd = i + h1
    _, h2, n2 = tlv(der, sd)                    # SignedData
    j, body = sd + h2, []
    while j < sd + h2 + n2:
        t, h, n = tlv(der, j)
        body.append(der[j:j + h + n])
        j += h + n
    body.insert(len(body) - 1, wrap(0xa0, cert))
    signed = wrap(0x30, b''.join(body))
    return wrap(0x30, der[h0:i] + wrap(0xa0, signed))


# -- valid tokens, both formats ----------------------------------------
admin, doc = app.token()
for provider in ('pki', 'pkiz'):
    app.restart_api(provider=provider)
    drv.wait_fresh()
    tok, doc = app.token()
    st, user, project, kind = drv.verify(tok)
    c.eq(['OK', doc['user']['id'], doc['project']['id'], provider],
         [st, user, project, kind], provider + ': the issuer\'s identity')
    agree(tok, provider + ' valid')
    before = int(drv.stats()['hits'])
    c.eq('OK', drv.verify(tok)[0], provider + ': again')
    c.eq(before + 1, int(drv.stats()['hits']), provider + ': from the cache')
    if provider == 'pki':
        pki_tok = tok
    else:
        pkiz_tok = tok

# -- 16 threads, several tokens (one cached, the rest cold) -----------
mix = [pki_tok, pkiz_tok] + [app.token()[0] for _ in range(4)]
got = dict(kv.split('=') for kv in drv.ask('burst ' + ' '.join(mix)))
c.eq({'checked': str(16 * 500), 'mismatches': '0', 'errors': '0'}, got,
     '16 threads x 500 verifications: every answer is its own token\'s')

# -- tampering -----------------------------------------------------------
mid = len(pki_tok) // 2
flip = pki_tok[:mid] + ('A' if pki_tok[mid] != 'A' else 'B') + \
    pki_tok[mid + 1:]
c.ok(drv.verify(flip)[0] in ('BAD_SIGNATURE', 'MALFORMED'),
     'a changed byte inside the signed part')
agree(flip, 'inside the signed part')
der = der_of(pki_tok)
assert der[:2] == b'\x30\x82' and der[15:17] == b'\xa0\x82'
# the [0] around SignedData in indefinite form; the outer length holds
ber = der[:15] + b'\xa0\x80' + der[19:] + b'\x00\x00'
c.eq('MALFORMED', drv.verify(pki_of(ber))[0],
     'BER re-encoding outside the signature (OSSA-2016-005)')
c.ok(ks_accepts(pki_of(ber)),
     'keystoneclient accepts the BER form: signet is stricter by design')
cert = open(certs[0]).read()
cert_der = base64.b64decode(''.join(cert.strip().splitlines()[1:-1]))
with_cert = add_certificate(der, cert_der)
c.eq('MALFORMED', drv.verify(pki_of(with_cert))[0],
     'a certificate added to the SignedData')
c.ok(ks_accepts(pki_of(with_cert)),
     'keystoneclient accepts it: signet is stricter by design')
c.eq('MALFORMED', drv.verify(pki_of(der + b'\x00'))[0], 'a trailing byte')
c.eq('MALFORMED', drv.verify(pki_tok[:-8])[0], 'cut short')
pem = zlib.decompress(base64.urlsafe_b64decode(pkiz_tok[5:]))
c.eq('OK', drv.verify(pkiz_of(zlib.compress(pem, 6)))[0],
     'PKIZ re-made the same way is the same token')
c.eq('MALFORMED', drv.verify(pkiz_of(zlib.compress(pem, 6) + b'x'))[0],
     'PKIZ: bytes after the zlib stream')
bomb = zlib.compress(b'-----BEGIN CMS-----\n' + b'A' * (64 << 20), 9)
c.eq('MALFORMED', drv.verify(pkiz_of(bomb))[0],
     'PKIZ: a %d-byte zlib bomb stops at the cap' % len(bomb))
c.eq('INVALID', drv.verify('garbage')[0], 'garbage: the service refuses it')
for bad in ('', 'MII' + '!' * 300, 'PKIZ_' + 'A' * 10, 'x' * 200000):
    c.eq('MALFORMED', drv.verify(bad)[0] if bad else
         drv.ask('verify ')[0], 'not a token: %.12r' % bad)

# -- revocation ----------------------------------------------------------
tok, _ = app.token()
child = app.rescope(tok)
other, _ = app.token()
for t in (tok, child, other):
    c.eq('OK', drv.verify(t)[0], 'valid (and cached) before revocation')
app.revoke(admin, tok)
c.until(lambda: drv.verify(tok)[0], 'REVOKED', POLL + 1,
        'a revoked, cached token is refused within poll + 1 s')
c.eq('REVOKED', drv.verify(child)[0], 'so is the token re-scoped from it')
c.eq('OK', drv.verify(other)[0], 'another token of the same user is not')
recoded = pkiz_of(zlib.compress(pem, 9))
c.eq('OK', drv.verify(recoded)[0], 'PKIZ at another zlib level verifies')
app.revoke(admin, pkiz_tok)
c.until(lambda: drv.verify(recoded)[0], 'REVOKED', POLL + 1,
        'a re-compressed PKIZ token is revoked with its original')

# -- expiry -----------------------------------------------------------------
app.restart_api(provider='pki', expiration='3')
drv.wait_fresh()
tok, doc = app.token()
c.eq('OK', drv.verify(tok)[0], 'a 3-second token, fresh')
time.sleep(3.2)
c.eq('EXPIRED', drv.verify(tok)[0], 'expired although cached')
agree(tok, 'expired')

st = drv.stats()
c.eq('0', st['stale'], 'the list is fresh while the service is up')
c.ok(int(st['lists_ok']) >= 5, 'lists accepted: ' + st['lists_ok'])
c.eq('0', st['lists_bad'], 'no list refused')
rc, log = drv.close()
c.eq(0, rc, 'the driver ends cleanly' + (': ' + log if rc else ''))
app.stop()
sys.exit(1 if c.fails else 0)
