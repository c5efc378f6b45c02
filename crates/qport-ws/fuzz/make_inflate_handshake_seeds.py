"""Writes seeds/inflate/ and seeds/handshake/ (hand-made inputs; rerun to regenerate)."""

import os
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    folder = os.path.join(HERE, "seeds", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name + ".bin"), "wb") as f:
        f.write(data)


def selector(bits=15, no_takeover=False, server=False, level=1):
    """The inflate target's first byte: window bits, takeover, role, compression level."""
    return bytes([(bits - 8) | (0x08 if no_takeover else 0) | (0x10 if server else 0) | (level << 5)])


def pieces(*messages, size=255):
    """Each message cut into pieces of at most `size` bytes, a zero byte after each message."""
    out = bytearray()
    for message in messages:
        for at in range(0, len(message), size):
            chunk = message[at:at + size]
            out.append(len(chunk))
            out += chunk
        out.append(0)
    return bytes(out)


def deflate(messages, bits=15, level=6):
    """Raw deflate, a sync flush per message with its 00 00 ff ff removed (RFC 7692)."""
    c = zlib.compressobj(level, zlib.DEFLATED, -bits)
    out = []
    for m in messages:
        data = c.compress(m) + c.flush(zlib.Z_SYNC_FLUSH)
        assert data.endswith(b"\x00\x00\xff\xff")
        out.append(data[:-4])
    return out


HELLO = bytes([0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00])
TEXT = b'{"sym":"AAPL","price":189.25,"size":100,"side":"buy"}\n' * 40

write("inflate", "rfc7692_hello", selector() + pieces(HELLO))
write("inflate", "rfc7692_hello_twice", selector() + pieces(HELLO, bytes([0xF2, 0x00, 0x11, 0x00, 0x00])))
write("inflate", "rfc7692_hello_fragmented", selector() + pieces(HELLO, size=3))
write("inflate", "rfc7692_stored", selector() + pieces(bytes([0x00, 0x05, 0x00, 0xFA, 0xFF]) + b"Hello" + b"\x00"))
write("inflate", "rfc7692_bfinal", selector() + pieces(bytes([0xF3, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]), HELLO))
write("inflate", "rfc7692_two_blocks", selector() + pieces(bytes.fromhex("f248050000 00ffff cac9c90700".replace(" ", ""))))
write("inflate", "json_takeover", selector(server=True) + pieces(*deflate([TEXT, TEXT, TEXT[:100]]), size=50))
write("inflate", "json_no_takeover_9_bits", selector(bits=9, no_takeover=True) + pieces(*deflate([TEXT, TEXT], bits=9)))
write("inflate", "json_8_bits", selector(bits=8, server=True, level=6) + pieces(*deflate([TEXT], bits=9, level=9)))
write("inflate", "zeros_past_cap", selector() + pieces(*deflate([bytes(2 << 20)], level=9)))
write("inflate", "empty_messages", selector() + pieces(b"\x00", b"") + b"\x00")

HEADS = {
    "chrome": "GET /ws?user=alice HTTP/1.1\r\nHost: localhost:5000\r\nConnection: Upgrade\r\n"
    "Upgrade: websocket\r\nOrigin: http://localhost:5000\r\nSec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
    "Sec-WebSocket-Protocol: kxnodeflate\r\n\r\n",
    "firefox": "GET / HTTP/1.1\r\nHost: localhost:5000\r\nSec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Extensions: permessage-deflate\r\nSec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n"
    "Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n",
    "python_websockets": "GET / HTTP/1.1\r\nHost: 127.0.0.1:18766\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: qNHisoLvBvSPSNMaNypf9A==\r\nSec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
    "User-Agent: Python/3.11 websockets/17.4\r\n\r\n",
    "autobahn_13_7": "GET / HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUpgrade: WebSocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover; client_max_window_bits; "
    "server_no_context_takeover; server_max_window_bits=8, permessage-deflate; client_no_context_takeover; "
    "client_max_window_bits; server_no_context_takeover, permessage-deflate; client_no_context_takeover; "
    "client_max_window_bits\r\n\r\n",
    "response_101": "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: kxnodeflate\r\n"
    "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10\r\n\r\n",
    "response_426": "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n"
    "Content-Length: 0\r\nConnection: close\r\n\r\n",
    "offers_only": "permessage-deflate; client_max_window_bits=\"10\"; server_max_window_bits=9, "
    "permessage-deflate",
}
for name, head in HEADS.items():
    write("handshake", name, head.encode())
