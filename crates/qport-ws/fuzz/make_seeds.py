"""Writes the fuzz seeds: seeds/frame/ (streams of frames) and seeds/utf8/ (a byte that
picks the cuts, then the text).

Run from this directory: python3 make_seeds.py. It rewrites the files it names and leaves
others alone.
"""

import os
import struct

RFC_KEY = [0x37, 0xFA, 0x21, 0x3D]  # the masking key of RFC 6455 section 5.7
KOSME = "κόσμε".encode()


def mask(data, key):
    return bytes(b ^ key[i % 4] for i, b in enumerate(data))


def frame(opcode, payload=b"", fin=True, rsv1=False, key=None, length_bits=None):
    """One frame; `length_bits` (7, 16 or 64) forces a length encoding, shortest by default."""
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    n = len(payload)
    if length_bits is None:
        length_bits = 7 if n <= 125 else 16 if n <= 0xFFFF else 64
    mask_bit = 0x80 if key else 0
    if length_bits == 7:
        header = bytes([first, mask_bit | n])
    elif length_bits == 16:
        header = bytes([first, mask_bit | 126]) + struct.pack(">H", n)
    else:
        header = bytes([first, mask_bit | 127]) + struct.pack(">Q", n)
    if key:
        header += bytes(key)
        payload = mask(payload, key)
    return header + payload


FRAME_SEEDS = {
    "rfc_text_hello": frame(1, b"Hello"),
    "rfc_masked_text_hello": frame(1, b"Hello", key=RFC_KEY),
    "rfc_fragments": frame(1, b"Hel", fin=False) + frame(0, b"lo"),
    "rfc_ping_masked_pong": frame(9, b"Hello") + frame(10, b"Hello", key=RFC_KEY),
    "binary_256": frame(2, bytes(range(256))),
    "binary_300_masked": frame(2, bytes(range(256)) + bytes(44), key=[1, 2, 3, 4]),
    "fragments_with_ping_between": frame(1, b"frag", fin=False, key=RFC_KEY)
    + frame(9, b"p", key=RFC_KEY)
    + frame(0, b"ment", key=RFC_KEY),
    # RFC 7692's "Hello", compressed, with the per-message-compressed bit.
    "compressed_text": frame(
        1, bytes([0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]), rsv1=True, key=RFC_KEY
    ),
    "close_with_reason_masked": frame(8, struct.pack(">H", 1000) + b"bye " + KOSME, key=RFC_KEY),
    "close_empty": frame(8),
    "close_123_byte_reason": frame(8, struct.pack(">H", 4000) + b"r" * 123),
    "non_minimal_16": frame(2, b"short", length_bits=16),
    "non_minimal_64_ping": frame(9, b"ping", length_bits=64, key=RFC_KEY),
    "length_64_not_all_here": bytes([0x82, 127, 0, 0, 0, 1, 0, 0, 0, 0]) + b"start",
    "reserved_opcode": bytes([0x83, 0x00]),
    "fragmented_ping": bytes([0x09, 0x00]),
    "ping_126": bytes([0x89, 126, 0, 126]) + bytes(126),
    "length_msb_set": bytes([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0]),
    "header_cut_short": bytes([0x81, 0xFE, 0x01]),
}

UTF8_SEEDS = {
    "kosme_whole": b"\x00" + KOSME,
    "kosme_bytewise": b"\x01" + KOSME,
    "autobahn_6_4_1": b"\x1b" + KOSME + b"\xf4\x90\x80\x80edited",
    "surrogate_mid_piece": b"\xff" + KOSME + b"\xed\xa0\x80edited",
    "every_width": b"\x39" + "a\u00a2\u20ac\U00024b62\U0010ffff".encode(),
    "truncated_end": b"\x02hello \xe2\x82",
    "overlongs": b"\x05\xc0\xaf\xe0\x80\xaf\xf0\x80\x80\xaf",
}


def write(directory, seeds):
    os.makedirs(directory, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(directory, name + ".bin"), "wb") as f:
            f.write(data)


write("seeds/frame", FRAME_SEEDS)
write("seeds/utf8", UTF8_SEEDS)
