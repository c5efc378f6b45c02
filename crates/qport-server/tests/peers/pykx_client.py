"""PyKX checks against a qport echo server, over TCP and (with --unix) the abstract Unix socket.

PyKX runs unlicensed: its IPC client and its serializer are KX's own C code (khpunc, b9, d9),
so two values are compared by the bytes b9 writes for them. no_ctx=True stops the connection
from sending its q-context queries, which only a real q process can answer.

Usage: PYKX_UNLICENSED=true python pykx_client.py --port P --user U --password W [--unix]
"""

import argparse
import asyncio
import datetime
import os
import sys
import time
import uuid

os.environ.setdefault("PYKX_UNLICENSED", "true")

import numpy  # noqa: E402
import pandas  # noqa: E402
import pykx as kx  # noqa: E402


class CheckFailed(Exception):
    pass


def encoded(value):
    return kx.serialize(value, mode=6).copy()


def short_hex(data, limit=48):
    text = data[:limit].hex(" ")
    return text + (" ..." if len(data) > limit else "")


def expect_same(sent, received):
    a, b = encoded(sent), encoded(received)
    if a != b:
        raise CheckFailed(
            f"reply differs from what was sent: sent {short_hex(a)} ({len(a)} bytes), "
            f"got back {short_hex(b)} ({len(b)} bytes), decoded as {type(received).__name__}"
        )


class Peer:
    """Where and how to connect: TCP to 127.0.0.1, or the abstract Unix socket for the port."""

    def __init__(self, args, unix):
        self.args = args
        self.unix = unix
        self.transport = "uds" if unix else "tcp"

    def options(self, password=None):
        return dict(
            username=self.args.user,
            password=self.args.password if password is None else password,
            unix=self.unix,
            no_ctx=True,
        )

    def connect(self, password=None):
        # The timeout bounds each wait for a reply, so a server that never answers fails the check.
        return kx.SyncQConnection(
            "127.0.0.1", self.args.port, timeout=60.0, **self.options(password)
        )


def atoms():
    return [
        kx.LongAtom(-42),
        kx.FloatAtom(3.25),
        kx.BooleanAtom(True),
        kx.SymbolAtom("abc"),
        kx.TimestampAtom(numpy.datetime64("2024-02-29T13:14:15.123456789", "ns")),
        kx.GUIDAtom(uuid.UUID("8c680a01-5a49-5aab-5a65-d4bfddb6a661")),
        kx.CharAtom(b"x"),
        kx.DateAtom(datetime.date(1999, 12, 31)),
    ]


def vectors():
    return [
        kx.LongVector(numpy.array([1, -2, 3, 2**40], dtype=numpy.int64)),
        kx.FloatVector(numpy.array([0.5, -1.25, 1e300])),
        kx.SymbolVector(["a", "bc", "def", ""]),
        kx.TimestampVector(
            numpy.array(
                ["2024-01-02T03:04:05.000000001", "1970-01-01T00:00:00"], dtype="datetime64[ns]"
            )
        ),
        kx.CharVector("hello, world"),
    ]


def table():
    # Unlicensed PyKX builds tables from pandas (kx.Table(data=...) needs q); string columns
    # become symbol columns.
    frame = pandas.DataFrame(
        {"sym": ["ibm", "msft", "aapl"], "px": [101.5, 33.25, 180.0], "size": [100, 200, 300]}
    )
    value = kx.toq(frame)
    if not isinstance(value, kx.Table):
        raise CheckFailed(f"pandas frame did not convert to a table: {type(value).__name__}")
    return value


def dictionary():
    return kx.toq({"a": 1.5, "b": kx.SymbolAtom("x"), "c": kx.LongVector(numpy.arange(3))})


def check_sync(conn):
    for value in atoms() + vectors() + [table(), dictionary()]:
        expect_same(value, conn(value))
    return "8 atoms, 5 vectors, a table, a dictionary"


def check_async(peer, conn):
    # A SyncQConnection cannot hand an incoming async message to the caller: it drops it (with a
    # warning on stderr) while waiting for the next response. So the echo is read through the
    # deferred-response API, which sends async and then waits for an async message back.
    sent = kx.LongVector(numpy.array([7, 8, 9]))

    async def deferred():
        aconn = await kx.AsyncQConnection("127.0.0.1", peer.args.port, **peer.options())
        try:
            future = await aconn(sent, wait=False, reuse=False, async_response=True)
            return await asyncio.wait_for(future, 60)
        finally:
            await aconn.close()

    expect_same(sent, asyncio.run(deferred()))
    # On the sync connection: an async send, then a sync round trip still answers with its own
    # reply (the async echo arrives first and is dropped).
    conn(kx.SymbolAtom("async"), wait=False)
    expect_same(kx.LongAtom(7), conn(kx.LongAtom(7)))
    return "async echo read back through the deferred-response API; sync after async works"


def check_error(conn):
    try:
        reply = conn(kx.SymbolAtom("fail"))
    except kx.QError as error:
        if str(error) != "type":
            raise CheckFailed(f"expected QError('type'), got {error!r}")
        expect_same(kx.LongAtom(1), conn(kx.LongAtom(1)))
        return "QError('type')"
    raise CheckFailed(f"expected QError('type'), got a value of type {type(reply).__name__}")


def check_large(conn):
    values = numpy.random.default_rng(7).random(12_500_000)
    sent = kx.FloatVector(values)
    received = conn(sent)
    if not isinstance(received, kx.FloatVector):
        raise CheckFailed(f"expected a FloatVector, got {type(received).__name__}")
    if not numpy.array_equal(values, received.np()):
        raise CheckFailed("100 MB float vector came back with different items")
    return f"{len(encoded(sent)):,} byte message"


def check_compressed(conn):
    # PyKX gives no access to a reply's header; its per-message hook sees the whole message, so
    # wrap it to learn whether the reply came compressed.
    flags = []
    create_result = conn._create_result

    def recording(buff):
        flags.append((buff[2], len(buff)))
        return create_result(buff)

    object.__setattr__(conn, "_create_result", recording)
    try:
        sent = kx.LongVector(numpy.arange(100_000, dtype=numpy.int64))
        received = conn(sent)
    finally:
        object.__delattr__(conn, "_create_result")
    expect_same(sent, received)
    flag, size = flags[-1]
    if flag == 0:
        raise CheckFailed("the reply to a 100,000-long til vector was not compressed")
    return f"compression flag {flag}, {size:,} bytes on the wire"


def check_auth(peer):
    try:
        conn = peer.connect(password=peer.args.password + "-wrong")
    except (kx.PyKXException, kx.QError) as error:
        rejected = f"{type(error).__name__}({error})"
    else:
        conn.close()
        raise CheckFailed("a wrong password was accepted")
    with peer.connect() as conn:
        expect_same(kx.SymbolAtom("ok"), conn(kx.SymbolAtom("ok")))
    return f"wrong password: {rejected}; right password accepted"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--unix", action="store_true", help="also run over the Unix socket")
    args = parser.parse_args()

    if kx.licensed:
        print("FAIL pykx: expected unlicensed mode (PYKX_UNLICENSED=true)", flush=True)
        sys.exit(1)
    label = f"pykx {kx.__version__} (numpy {numpy.__version__}, pandas {pandas.__version__})"

    peers = [Peer(args, unix=False)] + ([Peer(args, unix=True)] if args.unix else [])
    for peer in peers:

        def run(name, action):
            start = time.monotonic()
            try:
                detail = action()
            except Exception as error:  # any failure ends the run with the check's name
                print(
                    f"FAIL {label} {peer.transport} {name}: {type(error).__name__}: {error}",
                    flush=True,
                )
                sys.exit(1)
            took = f" ({time.monotonic() - start:.1f} s)"
            print(f"ok   {label} {peer.transport} {name}" + (f": {detail}" if detail else "") + took)
            sys.stdout.flush()

        state = {}

        def do_connect():
            state["conn"] = peer.connect()

        run("connect", do_connect)
        conn = state["conn"]
        run("sync round trip", lambda: check_sync(conn))
        run("async echo", lambda: check_async(peer, conn))
        run("error reply", lambda: check_error(conn))
        run("100 MB message", lambda: check_large(conn))
        run("compressed reply", lambda: check_compressed(conn))
        conn.close()
        run("authentication", lambda: check_auth(peer))


if __name__ == "__main__":
    main()
