// Node ws as a client of a qport-ws echo server: echo, ping, close, and the negotiated
// extension and subprotocol checked against what was asked.
//
// Usage: NODE_PATH=<dir with ws installed> node ws_client.js --url ws://127.0.0.1:P/
//            --deflate on|off [--protocol kxnodeflate]
//
// With --protocol kxnodeflate the client still offers permessage-deflate: the server must
// choose the subprotocol and leave compression off.
"use strict";

const assert = require("assert");
const WebSocket = require("ws");

const CLOSE_CODE = 4001;
const CLOSE_REASON = "done: fertig, 終わり";

function parseArgs(argv) {
	const args = {};
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		if (flag === "--url" || flag === "--deflate" || flag === "--protocol") {
			args[flag.slice(2)] = argv[++i];
		} else {
			throw new Error("unknown argument " + flag);
		}
	}
	if (!args.url || !["on", "off"].includes(args.deflate)) {
		throw new Error("usage: ws_client.js --url URL --deflate on|off [--protocol P]");
	}
	return args;
}

// Text and binary of several sizes; the big ones not all alike, so deflate has work.
function messages() {
	const binary = (n, mul, shift) => {
		const b = Buffer.alloc(n);
		for (let i = 0; i < n; i++) {
			b[i] = (Math.imul(i, mul) >>> shift) & 0xff;
		}
		return b;
	};
	return [
		"hello",
		Buffer.from([0, 1, 2, 255]),
		"Grüße, Κόσμε, こんにちは, 🦀🚀",
		"0123456789abcdef".repeat(4096).slice(0, 64 << 10),
		binary(64 << 10, 2654435761, 13),
		"ü€𝄞 kdb+ ".repeat(Math.floor((1 << 20) / 15)), // 15 bytes each: about 1 MiB
		binary(1 << 20, 40503, 7),
	];
}

// Resolves with the next event of that name; a close or error first rejects.
function next(ws, event) {
	return new Promise((resolve, reject) => {
		const done = (f) => (...xs) => {
			ws.off(event, onEvent);
			ws.off("error", onError);
			ws.off("close", onClose);
			f(...xs);
		};
		const onEvent = done((...xs) => resolve(xs));
		const onError = done((err) => reject(err));
		const onClose = done((code) => reject(new Error("closed early with " + code)));
		ws.on(event, onEvent);
		ws.on("error", onError);
		if (event !== "close") {
			ws.on("close", onClose);
		}
	});
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const protocols = args.protocol ? [args.protocol] : [];
	const ws = new WebSocket(args.url, protocols, {
		perMessageDeflate: args.deflate === "on",
		maxPayload: 64 << 20,
	});
	let extensions;
	ws.on("upgrade", (res) => {
		extensions = res.headers["sec-websocket-extensions"];
	});
	await next(ws, "open");
	console.log("extensions: " + extensions);
	console.log("in use: " + (ws.extensions || "none"));
	console.log("subprotocol: " + ws.protocol);
	if (args.protocol) {
		assert.strictEqual(ws.protocol, args.protocol, "subprotocol echoed");
		assert.strictEqual(extensions, undefined, "no compression with kxnodeflate");
	} else if (args.deflate === "on") {
		assert.ok(extensions && extensions.startsWith("permessage-deflate"), "permessage-deflate agreed");
		// ws fails the handshake on an answer that does not fit its offer; this says it took it.
		assert.strictEqual(ws.extensions, "permessage-deflate", "ws compresses");
	} else {
		assert.strictEqual(extensions, undefined, "no extension when none was offered");
	}

	for (const message of messages()) {
		const text = typeof message === "string";
		const kind = text ? "text" : "binary";
		const reply = next(ws, "message");
		ws.send(message, { binary: !text });
		const [data, isBinary] = await reply;
		assert.strictEqual(isBinary, !text, `${kind} echoed as ${kind}`);
		const size = text ? Buffer.byteLength(message) : message.length;
		if (text) {
			assert.ok(data.toString("utf8") === message, `${kind} of ${size} echoed unchanged`);
		} else {
			assert.ok(Buffer.compare(data, message) === 0, `${kind} of ${size} echoed unchanged`);
		}
		console.log(`echo ${kind} ${size}: ok`);
	}

	const pong = next(ws, "pong");
	ws.ping(Buffer.from("are you there"));
	const [payload] = await pong;
	assert.strictEqual(payload.toString(), "are you there", "pong carries the ping's payload");
	console.log("ping: pong");

	const closed = next(ws, "close");
	ws.close(CLOSE_CODE, CLOSE_REASON);
	const [code, reason] = await closed;
	assert.strictEqual(code, CLOSE_CODE, "close code echoed");
	assert.strictEqual(reason.toString(), CLOSE_REASON, "close reason echoed");
	console.log(`close: ${code} ${JSON.stringify(reason.toString())}`);
	console.log(`ws ${require("ws/package.json").version}: all checks passed`);
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
