# A Python websockets echo server for the qport-ws client to run against: every message is
# sent back as it came (text as text, binary as binary).
#
# Usage: python websockets_server.py --compression deflate|none
#
# Listens on a free loopback port and prints "port N"; stops when its standard input
# closes, so it never outlives the test that started it.
import argparse
import asyncio
import sys

from websockets.asyncio.server import serve


async def echo(ws):
    async for message in ws:
        await ws.send(message)


async def main(args):
    compression = None if args.compression == "none" else "deflate"
    async with serve(
        echo, "127.0.0.1", 0, compression=compression, max_size=None, ping_interval=None
    ) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"port {port}", flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--compression", choices=["deflate", "none"], required=True)
    asyncio.run(main(parser.parse_args()))
