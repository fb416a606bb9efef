"""fernet_badpad.py KEYFILE: a Fernet token under a Keystone key file whose
HMAC is right but whose plaintext padding is not PKCS#7 (the last byte of
the one block is 0x00), as only someone holding the key, or a bug, could
make. Printed without '=' as Keystone writes tokens."""
import base64
import hashlib
import hmac
import os
import struct
import sys
import time

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def main():
    with open(sys.argv[1], 'rb') as f:
        key = base64.urlsafe_b64decode(f.read().strip())
    sign, enc = key[:16], key[16:]
    iv = os.urandom(16)
    block = os.urandom(15) + b'\x00'
    e = Cipher(algorithms.AES(enc), modes.CBC(iv)).encryptor()
    body = b'\x80' + struct.pack('>Q', int(time.time())) + iv + \
        e.update(block) + e.finalize()
    tok = body + hmac.new(sign, body, hashlib.sha256).digest()
    print(base64.urlsafe_b64encode(tok).decode().rstrip('='))


if __name__ == '__main__':
    main()
