"""An external CA for the import-cert tests, built with python3-cryptography
so certificates can carry any dates and extensions.

  extca.py ca KEY CERT [noca]            a CA (noca: no basicConstraints)
  extca.py sign CSR KEY CERT OUT [MODE]  answer a CSR; MODE is one of
      expired, future, nodigsig (keyEncipherment only), serverauth,
      tlsserver[:IP] (serverAuth, IP 127.0.0.1 or the one given),
      tlsclient (clientAuth)
  extca.py stray OUT                     a certificate for some other key
"""
import datetime
import ipaddress
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime.datetime.utcnow()
DAY = datetime.timedelta(days=1)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def usage(digsig, certsign):
    return x509.KeyUsage(digsig, False, not digsig and not certsign, False,
                         False, certsign, certsign, False, False)


def write(path, obj):
    with open(path, 'wb') as f:
        f.write(obj.public_bytes(serialization.Encoding.PEM))


def make_ca(keypath, certpath, noca):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    b = (x509.CertificateBuilder().subject_name(name('Ext CA'))
         .issuer_name(name('Ext CA')).public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(NOW - DAY).not_valid_after(NOW + 400 * DAY)
         .add_extension(usage(False, True), critical=True))
    if not noca:
        b = b.add_extension(x509.BasicConstraints(ca=True, path_length=None),
                            critical=True)
    write(certpath, b.sign(key, hashes.SHA256()))
    with open(keypath, 'wb') as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))


def sign(csrpath, keypath, certpath, out, mode):
    csr = x509.load_pem_x509_csr(open(csrpath, 'rb').read())
    key = serialization.load_pem_private_key(open(keypath, 'rb').read(), None)
    ca = x509.load_pem_x509_certificate(open(certpath, 'rb').read())
    start, end = NOW - DAY, NOW + 90 * DAY
    if mode == 'expired':
        start, end = NOW - 10 * DAY, NOW - DAY
    elif mode == 'future':
        start, end = NOW + DAY, NOW + 10 * DAY
    b = (x509.CertificateBuilder().subject_name(csr.subject)
         .issuer_name(ca.subject).public_key(csr.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(start).not_valid_after(end)
         .add_extension(usage(mode != 'nodigsig', False), critical=True))
    mode, _, ip = mode.partition(':')
    if mode in ('serverauth', 'tlsserver'):
        b = b.add_extension(x509.ExtendedKeyUsage(
            [ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    if mode == 'tlsserver':
        b = b.add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address(ip or '127.0.0.1'))]),
            critical=False)
    if mode == 'tlsclient':
        b = b.add_extension(x509.ExtendedKeyUsage(
            [ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    write(out, b.sign(key, hashes.SHA256()))


def stray(out):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (x509.CertificateBuilder().subject_name(name('stray'))
            .issuer_name(name('stray')).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - DAY).not_valid_after(NOW + DAY)
            .sign(key, hashes.SHA256()))
    write(out, cert)


if __name__ == '__main__':
    a = sys.argv[1:]
    if a[0] == 'ca':
        make_ca(a[1], a[2], len(a) > 3)
    elif a[0] == 'sign':
        sign(a[1], a[2], a[3], a[4], a[5] if len(a) > 5 else '')
    elif a[0] == 'stray':
        stray(a[1])
