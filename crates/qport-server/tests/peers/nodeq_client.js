// node-q checks against a qport echo server, over TCP and (with --unix) the Unix socket file.
//
// Usage: NODE_PATH=<dir with node-q installed> node nodeq_client.js --port P --user U --password W [--unix]
//
// node-q reaches a Unix socket only by a file path (not the abstract name), so --unix connects to
// $QUDSPATH/kx.P, or /tmp/kx.P when QUDSPATH is unset.
"use strict";

const assert = require("assert");
const path = require("path");
const nodeq = require("node-q");
const Long = require("long"); // node-q's own dependency, for its long atoms and vectors

function parseArgs(argv) {
	const args = { unix: false };
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		if (flag === "--unix") {
			args.unix = true;
		} else if (flag === "--port" || flag === "--user" || flag === "--password") {
			args[flag.slice(2)] = argv[++i];
		} else {
			throw new Error("unknown argument " + flag);
		}
	}
	if (!args.port || args.user === undefined || args.password === undefined) {
		throw new Error("usage: nodeq_client.js --port P --user U --password W [--unix]");
	}
	args.port = Number(args.port);
	return args;
}

class CheckFailed extends Error {}

function connect(target, password) {
	return new Promise((resolve, reject) => {
		nodeq.connect(Object.assign({ user: target.user, password }, target.address), (err, con) => {
			if (err) {
				reject(err);
			} else {
				resolve(con);
			}
		});
	});
}

// A sync request. node-q sends a string, or a general list whose first item is a string.
function sync(con, ...payload) {
	return new Promise((resolve, reject) => {
		con.k(...payload, (err, value) => (err ? reject(err) : resolve(value)));
	});
}

function async(con, ...payload) {
	return new Promise((resolve) => con.ks(...payload, () => resolve()));
}

// The next incoming message that node-q files as a response: an async message that is not an
// `upd` call is delivered this way.
function nextMessage(con) {
	return new Promise((resolve, reject) => {
		con.k((err, value) => (err ? reject(err) : resolve(value)));
	});
}

function withTimeout(promise, what) {
	let timer;
	const timeout = new Promise((_, reject) => {
		timer = setTimeout(() => reject(new CheckFailed("no answer within 60 s: " + what)), 60000);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function expectSame(sent, received, what) {
	try {
		assert.deepStrictEqual(received, sent);
	} catch (e) {
		const show = (x) => JSON.stringify(x, (_, v) => (typeof v === "bigint" ? String(v) : v)).slice(0, 300);
		throw new CheckFailed(what + ": sent " + show(sent) + ", got back " + show(received));
	}
}

// A q message (little-endian header) around a body; used for the one value node-q cannot encode.
function message(type, body) {
	const header = Buffer.from([1, type, 0, 0, 0, 0, 0, 0]);
	header.writeUInt32LE(8 + body.length, 4);
	return Buffer.concat([header, body]);
}

function symbolVector(names) {
	const head = Buffer.from([11, 0, 0, 0, 0, 0]);
	head.writeInt32LE(names.length, 2);
	return Buffer.concat([head, ...names.map((n) => Buffer.from(n + "\0", "utf8"))]);
}

function floatVector(values) {
	const b = Buffer.alloc(6 + 8 * values.length);
	b.writeInt8(9, 0);
	b.writeInt32LE(values.length, 2);
	values.forEach((v, i) => b.writeDoubleLE(v, 6 + 8 * i));
	return b;
}

// ([] sym:`ibm`msft`aapl; px:101.5 33.25 180.0)
function tableBody() {
	const columns = Buffer.from([0, 0, 2, 0, 0, 0]);
	return Buffer.concat([
		Buffer.from([98, 0, 99]),
		symbolVector(["sym", "px"]),
		columns,
		symbolVector(["ibm", "msft", "aapl"]),
		floatVector([101.5, 33.25, 180.0]),
	]);
}

const atoms = [
	["long", nodeq.long(Long.fromString("-42")), -42],
	["float", nodeq.float(3.25), 3.25],
	["boolean", nodeq.boolean(true), true],
	["symbol", nodeq.symbol("abc"), "abc"],
	// node-q's timestamps are JavaScript Dates: millisecond precision.
	["timestamp", nodeq.timestamp(new Date("2024-02-29T13:14:15.125Z")), new Date("2024-02-29T13:14:15.125Z")],
	["guid", nodeq.guid("8c680a01-5a49-5aab-5a65-d4bfddb6a661"), "8c680a01-5a49-5aab-5a65-d4bfddb6a661"],
	["char", nodeq.char("x"), "x"],
	["date", nodeq.date(new Date("1999-12-31T00:00:00Z")), new Date("1999-12-31T00:00:00Z")],
];

const vectors = [
	["long vector", nodeq.longs([1, -2, 3, 2 ** 40].map((n) => Long.fromNumber(n))), [1, -2, 3, 2 ** 40]],
	["float vector", nodeq.floats([0.5, -1.25, 1e300]), [0.5, -1.25, 1e300]],
	// The empty symbol reads back as null in node-q.
	["symbol vector", nodeq.symbols(["a", "bc", "def", ""]), ["a", "bc", "def", null]],
	[
		"timestamp vector",
		nodeq.timestamps([new Date("2024-01-02T03:04:05.250Z"), new Date("1970-01-01T00:00:00Z")]),
		[new Date("2024-01-02T03:04:05.250Z"), new Date("1970-01-01T00:00:00Z")],
	],
	["string", "hello, world", "hello, world"],
];

async function checkSync(con) {
	// One request per value: ("echo"; value) comes back as ["echo", value].
	for (const [name, sent, expected] of atoms.concat(vectors)) {
		expectSame(["echo", expected], await sync(con, "echo", sent), name);
	}
	// Dictionary with symbol keys and a float vector of values.
	expectSame({ a: 1.5, b: 2.5, c: 3.5 }, await sync(con, "`echo", { a: 1.5, b: 2.5, c: 3.5 }).then((r) => r[1]), "dictionary");
	// node-q cannot encode a table (its serializer has no table case), so the request is written as
	// q bytes on the client's own socket; node-q decodes the reply as usual.
	const reply = nextMessage(con);
	con.socket.write(message(1, tableBody()));
	const rows = [
		{ sym: "ibm", px: 101.5 },
		{ sym: "msft", px: 33.25 },
		{ sym: "aapl", px: 180.0 },
	];
	expectSame(rows, await reply, "table");
	return "8 atoms, 5 vectors, a dictionary, a table (request hand-encoded)";
}

async function checkAsync(con) {
	// node-q passes an incoming async message that is a list starting with "upd" to its 'upd'
	// event; any other async message is handed to the next pending con.k(callback).
	const upd = new Promise((resolve) => con.once("upd", (...args) => resolve(args)));
	await async(con, "upd", "`trade", nodeq.floats([1.5, 2.5]));
	expectSame(["trade", [1.5, 2.5]], await withTimeout(upd, "the upd echo"), "async upd echo");

	const echoed = nextMessage(con);
	await async(con, "async hello");
	expectSame("async hello", await withTimeout(echoed, "the async echo"), "async echo");

	expectSame(["echo", 7], await sync(con, "echo", 7), "sync after async");
	return "upd event and plain async message echoed; sync after async works";
}

async function checkError(con) {
	try {
		const value = await sync(con, "`fail");
		throw new CheckFailed("expected error 'type, got a value: " + JSON.stringify(value));
	} catch (err) {
		if (err instanceof CheckFailed) {
			throw err;
		}
		if (!(err instanceof Error) || err.message !== "type") {
			throw new CheckFailed("expected Error('type'), got " + String(err));
		}
	}
	expectSame(["echo", 1], await sync(con, "echo", 1), "sync after the error");
	return "Error('type')";
}

function firstHeader(con) {
	return new Promise((resolve) => con.socket.once("data", (chunk) => resolve(chunk.subarray(0, 8))));
}

// node-q's reader joins its whole pending buffer with each new socket chunk (64 KB), which is
// quadratic: a 100 MB reply takes minutes. For this check the chunks of one message are gathered
// here and handed to node-q's reader as a single chunk; node-q still decodes every byte.
function gatherNextMessage(con) {
	const socket = con.socket;
	const readers = socket.listeners("data");
	socket.removeAllListeners("data");
	let chunks = [];
	let have = 0;
	let need = null;
	const gather = (chunk) => {
		chunks.push(chunk);
		have += chunk.length;
		if (need === null && have >= 8) {
			chunks = [Buffer.concat(chunks)];
			need = chunks[0].readUInt32LE(4);
		}
		if (need !== null && have >= need) {
			socket.removeListener("data", gather);
			readers.forEach((reader) => socket.on("data", reader));
			const whole = Buffer.concat(chunks);
			readers.forEach((reader) => reader(whole));
		}
	};
	socket.on("data", gather);
}

async function checkLarge(con) {
	const values = new Float64Array(12500000);
	let seed = 7;
	for (let i = 0; i < values.length; i++) {
		seed = (seed * 1103515245 + 12345) % 2147483648;
		values[i] = seed / 2147483648;
	}
	const sent = nodeq.floats(Array.from(values));
	gatherNextMessage(con);
	const reply = await withTimeout(sync(con, "echo", sent), "the 100 MB echo");
	if (!Array.isArray(reply) || reply[0] !== "echo" || !Array.isArray(reply[1]) || reply[1].length !== values.length) {
		throw new CheckFailed("expected [\"echo\", 12500000 floats] back");
	}
	for (let i = 0; i < values.length; i++) {
		if (reply[1][i] !== values[i]) {
			throw new CheckFailed("item " + i + " differs: sent " + values[i] + ", got " + reply[1][i]);
		}
	}
	return (8 + 6 + 10 + 6 + 8 * values.length).toLocaleString("en") + " byte message";
}

async function checkCompressed(con) {
	const items = Array.from({ length: 100000 }, (_, i) => i);
	const header = firstHeader(con);
	const reply = await sync(con, "echo", nodeq.longs(items.map((n) => Long.fromNumber(n))));
	const h = await header;
	expectSame(["echo", items], reply, "compressible long vector");
	if (h[2] === 0) {
		throw new CheckFailed("the reply to a 100,000-long til vector was not compressed");
	}
	return "compression flag " + h[2] + ", " + h.readUInt32LE(4).toLocaleString("en") + " bytes on the wire";
}

async function checkAuth(target) {
	let con;
	try {
		con = await connect(target, target.password + "-wrong");
	} catch (err) {
		con = await connect(target, target.password);
		expectSame(["echo", "ok"], await sync(con, "echo", "`ok"), "echo after authenticating");
		await new Promise((resolve) => con.close(resolve));
		return "wrong password: " + err.message + "; right password accepted";
	}
	con.close();
	throw new CheckFailed("a wrong password was accepted");
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const version = require("node-q/package.json").version;
	const label = "node-q " + version + " (node " + process.versions.node + ")";
	const targets = [{ transport: "tcp", address: { host: "127.0.0.1", port: args.port } }];
	if (args.unix) {
		const dir = process.env.QUDSPATH || "/tmp";
		targets.push({ transport: "uds", address: { unixSocket: path.join(dir, "kx." + args.port) } });
	}
	for (const t of targets) {
		const target = Object.assign({ user: args.user, password: args.password }, t);
		const run = async (name, action) => {
			let detail;
			const start = process.hrtime.bigint();
			try {
				detail = await action();
			} catch (err) {
				console.log("FAIL " + label + " " + t.transport + " " + name + ": " + (err && err.stack ? err.stack : err));
				process.exit(1);
			}
			const took = " (" + (Number(process.hrtime.bigint() - start) / 1e9).toFixed(1) + " s)";
			console.log("ok   " + label + " " + t.transport + " " + name + (detail ? ": " + detail : "") + took);
		};
		let con;
		await run("connect", async () => {
			con = await connect(target, target.password);
		});
		await run("sync round trip", () => checkSync(con));
		await run("async echo", () => checkAsync(con));
		await run("error reply", () => checkError(con));
		await run("100 MB message", () => checkLarge(con));
		await run("compressed reply", () => checkCompressed(con));
		await new Promise((resolve) => con.close(resolve));
		await run("authentication", () => checkAuth(target));
	}
}

main().catch((err) => {
	console.log("FAIL node-q: " + (err && err.stack ? err.stack : err));
	process.exit(1);
});
