# Python websockets as a client of a qport-ws echo server: echo, ping, close, and the
# negotiated extension and subprotocol checked against what was asked.
#
# Usage: python websockets_client.py --url ws://127.0.0.1:P/ --compression deflate|none
#            [--protocol kxnodeflate]
#
# With --protocol kxnodeflate the client still offers permessage-deflate: the server must
# choose the subprotocol and leave compression off.
import argparse
import asyncio
import sys

import websockets
from websockets.asyncio.client import connect

CLOSE_CODE = 4001
CLOSE_REASON = "done: fertig, 終わり"


def messages():
    """Text and binary of several sizes; the big ones not all alike, so deflate has work."""
    yield "hello"
    yield b"\x00\x01\x02\xff"
    yield "Grüße, Κόσμε, こんにちは, 🦀🚀"
    yield ("0123456789abcdef" * 4096)[: 64 << 10]
    yield bytes((i * 2654435761 >> 13) & 0xFF for i in range(64 << 10))
    yield "ü€𝄞 kdb+ " * ((1 << 20) // 15)  # 15 bytes each: about 1 MiB
    yield bytes((i * 40503 >> 7) & 0xFF for i in range(1 << 20))


def check(ok, what):
    if not ok:
        raise SystemExit(f"check failed: {what}")


async def main(args):
    compression = None if args.compression == "none" else "deflate"
    subprotocols = [args.protocol] if args.protocol else None
    async with connect(
        args.url,
        compression=compression,
        subprotocols=subprotocols,
        max_size=None,
        proxy=None,
        ping_interval=None,
    ) as ws:
        offered = ws.request.headers.get("Sec-WebSocket-Extensions")
        extensions = ws.response.headers.get("Sec-WebSocket-Extensions")
        print(f"offered: {offered}")
        print(f"extensions: {extensions}")
        print(f"subprotocol: {ws.subprotocol}")
        if args.protocol:
            check(ws.subprotocol == args.protocol, f"subprotocol {args.protocol} echoed")
            check(extensions is None, "no compression with kxnodeflate")
        elif compression:
            check(
                extensions is not None and extensions.startswith("permessage-deflate"),
                "permessage-deflate agreed",
            )
            # websockets refuses an answer that does not fit its offer; this says it took it.
            check(len(ws.protocol.extensions) == 1, "websockets compresses")
        else:
            check(extensions is None, "no extension when none was offered")

        for message in messages():
            await ws.send(message)
            echoed = await ws.recv()
            kind = "text" if isinstance(message, str) else "binary"
            size = len(message.encode() if isinstance(message, str) else message)
            check(type(echoed) is type(message), f"{kind} echoed as {kind}")
            check(echoed == message, f"{kind} of {size} bytes echoed unchanged")
            print(f"echo {kind} {size}: ok")

        pong = await ws.ping(b"are you there")
        await asyncio.wait_for(pong, 10)
        print("ping: pong")

        await ws.close(CLOSE_CODE, CLOSE_REASON)
        received = ws.protocol.close_rcvd
        check(received is not None, "the server answered the close")
        check(received.code == CLOSE_CODE, f"close code {received.code} == {CLOSE_CODE}")
        check(received.reason == CLOSE_REASON, f"close reason {received.reason!r} echoed")
        print(f"close: {received.code} {received.reason!r}")
    print(f"websockets {websockets.__version__}: all checks passed")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--compression", choices=["deflate", "none"], required=True)
    parser.add_argument("--protocol")
    asyncio.run(main(parser.parse_args()))
    sys.exit(0)
