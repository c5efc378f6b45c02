"""qPython checks against a qport echo server; serves both qPython 2.0.0 and qpython3 1.0.1.

Both packages install the module `qpython` with the same connection API, so one script runs in
either virtual environment. Neither speaks Unix domain sockets, so there is no --unix option.

Usage: python qpython_client.py --port P --user U --password W
"""

import argparse
import sys
import time
import uuid

import numpy
import qpython
from qpython import qconnection
from qpython.qcollection import QDictionary, qlist, qtable
from qpython.qconnection import MessageType, QAuthenticationException
from qpython.qtype import (
    QException,
    QDOUBLE_LIST,  # q's float (type 9); qPython's QFLOAT is q's real
    QLONG_LIST,
    QSYMBOL_LIST,
    QTIMESTAMP_LIST,
)
from qpython.qwriter import QWriter

# The writer with no stream returns the message bytes: two values are equal for this client when
# its own encoder writes them identically (type, attributes, every element).
WRITER = QWriter(None, protocol_version=3)


class CheckFailed(Exception):
    pass


def encoded(value):
    return WRITER.write(value, MessageType.SYNC)


def short_hex(data, limit=48):
    text = data[:limit].hex(" ")
    return text + (" ..." if len(data) > limit else "")


def expect_same(sent, received):
    a, b = encoded(sent), encoded(received)
    if a != b:
        raise CheckFailed(
            f"reply differs from what was sent: sent {short_hex(a)} ({len(a)} bytes), "
            f"got back {short_hex(b)} ({len(b)} bytes), decoded as {type(received).__name__} "
            f"{received!r:.200}"
        )


def compression_mode(message):
    # qPython 2.0.0 exposes a boolean, qpython3 1.0.1 the header's compression byte.
    if hasattr(message, "compression_mode"):
        return message.compression_mode
    return 1 if message.is_compressed else 0


def connect(args, password=None):
    q = qconnection.QConnection(
        host="127.0.0.1",
        port=args.port,
        username=args.user,
        password=args.password if password is None else password,
        timeout=60,
        numpy_temporals=True,
    )
    q.open()
    return q


def symbols(*names):
    return qlist(numpy.array([n.encode() for n in names]), qtype=QSYMBOL_LIST)


def atoms():
    return [
        ("long", numpy.int64(-42)),
        ("float", numpy.float64(3.25)),
        ("boolean", numpy.bool_(True)),
        ("symbol", numpy.bytes_(b"abc")),
        ("timestamp", numpy.datetime64("2024-02-29T13:14:15.123456789", "ns")),
        ("guid", uuid.UUID("8c680a01-5a49-5aab-5a65-d4bfddb6a661")),
        # A one-character Python string is written as a char atom.
        ("char", "x"),
        ("date", numpy.datetime64("1999-12-31", "D")),
    ]


def vectors():
    return [
        ("long vector", qlist(numpy.array([1, -2, 3, 2**40], dtype=numpy.int64), qtype=QLONG_LIST)),
        ("float vector", qlist(numpy.array([0.5, -1.25, 1e300]), qtype=QDOUBLE_LIST)),
        ("symbol vector", symbols("a", "bc", "def", "")),
        (
            "timestamp vector",
            qlist(
                numpy.array(
                    ["2024-01-02T03:04:05.000000001", "1970-01-01T00:00:00"], dtype="datetime64[ns]"
                ),
                qtype=QTIMESTAMP_LIST,
            ),
        ),
        ("string", "hello, world"),
    ]


def table():
    return qtable(
        symbols("sym", "px", "size"),
        [
            symbols("ibm", "msft", "aapl"),
            qlist(numpy.array([101.5, 33.25, 180.0]), qtype=QDOUBLE_LIST),
            qlist(numpy.array([100, 200, 300], dtype=numpy.int64), qtype=QLONG_LIST),
        ],
    )


def dictionary():
    return QDictionary(
        symbols("a", "b", "c"),
        qlist(numpy.array([1.5, 2.5, 3.5]), qtype=QDOUBLE_LIST),
    )


def check_sync(q):
    for name, value in atoms() + vectors() + [("table", table()), ("dictionary", dictionary())]:
        expect_same(value, q.sendSync(value))
    return "8 atoms, 5 vectors, a table, a dictionary"


def check_async(q):
    sent = [dictionary(), symbols("upd", "trade")]
    for value in sent:
        q.sendAsync(value)
    for value in sent:
        message = q.receive(data_only=False)
        if message.type != MessageType.ASYNC:
            raise CheckFailed(f"expected an async message back, got message type {message.type}")
        expect_same(value, message.data)
    # The connection still answers sync requests after the async traffic.
    expect_same(numpy.int64(7), q.sendSync(numpy.int64(7)))
    return "two async messages echoed as async, then a sync round trip"


def check_error(q):
    try:
        reply = q.sendSync(numpy.bytes_(b"fail"))
    except QException as error:
        text = error.args[0] if error.args else None
        if isinstance(text, bytes):
            text = text.decode()
        if text != "type":
            raise CheckFailed(f"expected error 'type, got {error!r}")
        # The connection stays usable after an error reply.
        expect_same(numpy.int64(1), q.sendSync(numpy.int64(1)))
        return "QException('type')"
    raise CheckFailed(f"expected QException('type'), got a value: {reply!r:.200}")


def check_large(q):
    values = numpy.random.default_rng(7).random(12_500_000)
    sent = qlist(values, qtype=QDOUBLE_LIST)
    received = q.sendSync(sent)
    if not (isinstance(received, numpy.ndarray) and received.dtype == numpy.float64):
        raise CheckFailed(f"expected a float vector, got {type(received).__name__}")
    if not numpy.array_equal(values, received):
        raise CheckFailed("100 MB float vector came back with different items")
    return f"{len(encoded(sent)):,} byte message"


def check_compressed(q):
    sent = qlist(numpy.arange(100_000, dtype=numpy.int64), qtype=QLONG_LIST)
    q.query(MessageType.SYNC, sent)
    message = q.receive(data_only=False)
    mode = compression_mode(message)
    if message.type != MessageType.RESPONSE:
        raise CheckFailed(f"expected a response, got message type {message.type}")
    if mode == 0:
        raise CheckFailed("the reply to a 100,000-long til vector was not compressed")
    expect_same(sent, message.data)
    return f"compression flag {mode}, {message.size:,} bytes on the wire"


def check_auth(args):
    try:
        q = connect(args, password=args.password + "-wrong")
    except QAuthenticationException:
        pass
    else:
        q.close()
        raise CheckFailed("a wrong password was accepted")
    q = connect(args)
    expect_same(numpy.bytes_(b"ok"), q.sendSync(numpy.bytes_(b"ok")))
    q.close()
    return "wrong password: QAuthenticationException; right password accepted"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()

    label = f"qpython {qpython.__version__} (numpy {numpy.__version__})"
    state = {}

    def run(name, action):
        start = time.monotonic()
        try:
            detail = action()
        except Exception as error:  # any failure ends the run with the check's name
            print(f"FAIL {label} tcp {name}: {type(error).__name__}: {error}", flush=True)
            sys.exit(1)
        took = f" ({time.monotonic() - start:.1f} s)"
        print(f"ok   {label} tcp {name}" + (f": {detail}" if detail else "") + took, flush=True)

    def do_connect():
        state["q"] = connect(args)
        return f"protocol version {state['q'].protocol_version}"

    run("connect", do_connect)
    q = state["q"]
    run("sync round trip", lambda: check_sync(q))
    run("async echo", lambda: check_async(q))
    run("error reply", lambda: check_error(q))
    run("100 MB message", lambda: check_large(q))
    run("compressed reply", lambda: check_compressed(q))
    q.close()
    run("authentication", lambda: check_auth(args))


if __name__ == "__main__":
    main()
