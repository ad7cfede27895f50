#!/usr/bin/env python3
"""Encrypts an Excel workbook (.xlsx) the "standard" way of [MS-OFFCRYPTO] 2.3.4.5, as Excel 2007
did: AES in ECB mode, the key from SHA-1 hashed 50,000 times. msoffcrypto-tool can decrypt this
kind but only writes the newer "agile" one, so the fixture is made here; its compound file is
written by msoffcrypto-tool's own container writer, and msoffcrypto-tool decrypts the result back
to the plain file (checked below, each time).

    python3 scripts/lib/encrypt_xlsx_standard.py PLAIN.xlsx OUT.xlsx [--password P] [--key-bits 128|192|256]
"""
import argparse
import hashlib
import io
import os
import struct

import msoffcrypto
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from msoffcrypto.method.container.ecma376_encrypted import ECMA376Encrypted

ALGORITHMS = {128: 0x660E, 192: 0x660F, 256: 0x6610}
FLAGS = 0x04 | 0x20  # fCryptoAPI, fAES
PROVIDER = "Microsoft Enhanced RSA and AES Cryptographic Provider\0"


def derive_key(password, salt, key_bits):
    hashed = hashlib.sha1(salt + password.encode("utf-16-le")).digest()
    for number in range(50000):
        hashed = hashlib.sha1(struct.pack("<I", number) + hashed).digest()
    final = hashlib.sha1(hashed + struct.pack("<I", 0)).digest()
    x1 = hashlib.sha1(bytes(b ^ 0x36 for b in final.ljust(64, b"\0"))).digest()
    x2 = hashlib.sha1(bytes(b ^ 0x5C for b in final.ljust(64, b"\0"))).digest()
    return (x1 + x2)[:key_bits // 8]


def ecb(key, data):
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def encrypt(plain, password, key_bits):
    salt = os.urandom(16)
    key = derive_key(password, salt, key_bits)
    verifier = os.urandom(16)
    header = (struct.pack("<IIIIIIII", FLAGS, 0, ALGORITHMS[key_bits], 0x8004, key_bits, 0x18, 0, 0)
              + PROVIDER.encode("utf-16-le"))
    info = (struct.pack("<HHII", 4, 2, FLAGS, len(header)) + header + struct.pack("<I", 16) + salt
            + ecb(key, verifier) + struct.pack("<I", 20) + ecb(key, hashlib.sha1(verifier).digest().ljust(32, b"\0")))
    padded = plain + bytes(-len(plain) % 16)
    package = struct.pack("<Q", len(plain)) + ecb(key, padded)
    out = io.BytesIO()
    ECMA376Encrypted(package, info).write_to(out)
    return out.getvalue()


def encrypt_file(plain_path, out_path, password="VelvetSweatshop", key_bits=128):
    plain = open(plain_path, "rb").read()
    encrypted = encrypt(plain, password, key_bits)
    office = msoffcrypto.OfficeFile(io.BytesIO(encrypted))
    office.load_key(password=password)
    decrypted = io.BytesIO()
    office.decrypt(decrypted)
    assert decrypted.getvalue() == plain, "msoffcrypto-tool does not decrypt it back to the plain file"
    with open(out_path, "wb") as sink:
        sink.write(encrypted)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("plain")
    parser.add_argument("out")
    parser.add_argument("--password", default="VelvetSweatshop")
    parser.add_argument("--key-bits", type=int, choices=(128, 192, 256), default=128)
    arguments = parser.parse_args()
    encrypt_file(arguments.plain, arguments.out, arguments.password, arguments.key_bits)
