#!/usr/bin/env python3
"""Encrypts an Excel 97-2003 workbook (.xls) the way Excel 2002 and later do by default:
RC4 with a key from the CryptoAPI (SHA-1) derivation, [MS-OFFCRYPTO] 2.3.5 and [MS-XLS] 2.2.10.

LibreOffice can open such files but only writes the older MD5 kind, so the fixtures of this kind
are made here from a plain .xls: a FILEPASS record goes in after the globals' BOF, every stream
offset the records hold moves by its size (BOUNDSHEET, INDEX, EXTSST), and the record bodies are
encrypted by their place in the stream. The result is checked by two readers that are not ours:
msoffcrypto-tool decrypts it back to the same records, and LibreOffice opens it without a
password (for "VelvetSweatshop") and gives the same cells as the plain file.

    python3 scripts/lib/encrypt_xls_cryptoapi.py PLAIN.xls OUT.xls [--password P] [--key-bits 40|128]
"""
import argparse
import hashlib
import os
import struct

import olefile

BOF, FILEPASS, BOUNDSHEET, INDEX, EXTSST = 0x0809, 0x002F, 0x0085, 0x020B, 0x00FF
# BOF, FILEPASS, USREXCL, FILELOCK, INTERFACEHDR, RRDINFO, RRDHEAD: never encrypted.
IN_CLEAR = {BOF, FILEPASS, 0x0194, 0x0195, 0x00E1, 0x0196, 0x0138}
BLOCK = 1024
PROVIDERS = {128: "Microsoft Enhanced Cryptographic Provider v1.0", 40: "Microsoft Base Cryptographic Provider v1.0"}


def rc4(key, length):
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) & 0xFF
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for _ in range(length):
        i = (i + 1) & 0xFF
        j = (j + state[i]) & 0xFF
        state[i], state[j] = state[j], state[i]
        out.append(state[(state[i] + state[j]) & 0xFF])
    return bytes(out)


def block_key(password, salt, key_bits, number):
    base = hashlib.sha1(salt + password.encode("utf-16-le")).digest()
    final = hashlib.sha1(base + struct.pack("<I", number)).digest()
    # A 40-bit key is used as 128 bits: its 5 bytes, then 11 zero bytes.
    return final[:5] + bytes(11) if key_bits == 40 else final[:key_bits // 8]


def file_pass(password, salt, key_bits, version):
    provider = (PROVIDERS[key_bits] + "\0").encode("utf-16-le")
    flags = 0x04  # fCryptoAPI
    header = struct.pack("<IIIIIIII", flags, 0, 0x6801, 0x8004, key_bits, 1, 0, 0) + provider
    verifier = os.urandom(16)
    stream = rc4(block_key(password, salt, key_bits, 0), 36)
    encrypted = bytes(a ^ b for a, b in zip(verifier + hashlib.sha1(verifier).digest(), stream))
    return (struct.pack("<HHHII", 1, version, 2, flags, len(header)) + header
            + struct.pack("<I", 16) + salt + encrypted[:16] + struct.pack("<I", 20) + encrypted[16:])


def records(stream):
    at = 0
    while at + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, at)
        yield kind, bytearray(stream[at + 4:at + 4 + size])
        at += 4 + size


def shift_offsets(kind, body, delta):
    """Moves the absolute stream offsets a record holds by delta."""
    def move(at):
        struct.pack_into("<I", body, at, struct.unpack_from("<I", body, at)[0] + delta)

    if kind == BOUNDSHEET:
        move(0)
    elif kind == INDEX:
        if struct.unpack_from("<I", body, 12)[0]:
            move(12)
        for at in range(16, len(body) - 3, 4):
            move(at)
    elif kind == EXTSST:
        for at in range(2, len(body) - 7, 8):
            move(at)


def encrypt_stream(stream, password, key_bits, version):
    salt = os.urandom(16)
    passed = file_pass(password, salt, key_bits, version)
    delta = 4 + len(passed)
    laid = []  # (kind, body, encrypt from)
    for kind, body in records(stream):
        shift_offsets(kind, body, delta)
        laid.append((kind, body))
        if kind == BOF and len(laid) == 1:
            laid.append((FILEPASS, bytearray(passed)))
    out = bytearray()
    keys = {}
    seen_file_pass = False
    for kind, body in laid:
        out += struct.pack("<HH", kind, len(body))
        start = len(out)
        out += body
        if seen_file_pass and kind not in IN_CLEAR:
            for index in range(4 if kind == BOUNDSHEET else 0, len(body)):
                number, within = divmod(start + index, BLOCK)
                if number not in keys:
                    keys[number] = rc4(block_key(password, salt, key_bits, number), BLOCK)
                out[start + index] ^= keys[number][within]
        seen_file_pass = seen_file_pass or kind == FILEPASS
    return bytes(out)


def compound_file(name, data):
    """A compound file holding one stream of 4,096 bytes or more: version 3 (512-byte sectors) as
    Excel writes it, or version 4 (4 KB sectors) for a stream too big for the header's 109 FAT
    sector numbers."""
    assert len(data) >= 4096, "a smaller stream belongs in the mini stream"
    end, free, fat_mark, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    for shift in (9, 12):
        size = 1 << shift
        per_fat = size // 4
        data_sectors = (len(data) + size - 1) // size
        fat_sectors = 1
        while fat_sectors * per_fat < fat_sectors + 1 + data_sectors:
            fat_sectors += 1
        if fat_sectors <= 109:
            break
    assert fat_sectors <= 109, "the stream is too big for a file without a DIFAT"
    directory = fat_sectors
    first_data = directory + 1
    fat = [fat_mark] * fat_sectors + [end]
    fat += [first_data + i + 1 for i in range(data_sectors - 1)] + [end]
    fat += [free] * (fat_sectors * per_fat - len(fat))

    def entry(entry_name, kind, child, start, length):
        encoded = (entry_name + "\0").encode("utf-16-le") if entry_name else b""
        return (encoded.ljust(64, b"\0") + struct.pack("<HBBIII", len(encoded), kind, 1, none, none, child)
                + bytes(16) + struct.pack("<IQQIQ", 0, 0, 0, start, length))

    entries = entry("Root Entry", 5, 1, end, 0) + entry(name, 2, none, first_data, len(data))
    while len(entries) < size:
        entries += entry("", 0, none, 0, 0)
    difat = list(range(fat_sectors)) + [free] * (109 - fat_sectors)
    # Version 4 counts its directory sectors; version 3 leaves that 0.
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16) + struct.pack("<HHHHH", 0x3E, shift - 6, 0xFFFE, shift, 6)
              + bytes(6) + struct.pack("<IIIIIIIII", 1 if shift == 12 else 0, fat_sectors, directory, 0, 4096, end,
                                       0, end, 0)
              + struct.pack("<109I", *difat))
    return (header.ljust(size, b"\0") + struct.pack(f"<{len(fat)}I", *fat) + entries
            + data.ljust(data_sectors * size, b"\0"))


def encrypt_file(plain, out, password="VelvetSweatshop", key_bits=128, version=4):
    with olefile.OleFileIO(plain) as source:
        stream = source.openstream("Workbook").read()
    with open(out, "wb") as sink:
        sink.write(compound_file("Workbook", encrypt_stream(stream, password, key_bits, version)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("plain")
    parser.add_argument("out")
    parser.add_argument("--password", default="VelvetSweatshop")
    parser.add_argument("--key-bits", type=int, choices=(40, 128), default=128)
    arguments = parser.parse_args()
    encrypt_file(arguments.plain, arguments.out, arguments.password, arguments.key_bits,
                 4 if arguments.key_bits == 128 else 2)
