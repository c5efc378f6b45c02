// A Node ws echo server for the qport-ws client to run against: every message is sent back
// as it came (text as text, binary as binary).
//
// Usage: NODE_PATH=<dir with ws installed> node ws_server.js --deflate on|off
//
// Listens on a free loopback port and prints "port N"; stops when its standard input
// closes, so it never outlives the test that started it.
"use strict";

const { WebSocketServer } = require("ws");

const flag = process.argv.indexOf("--deflate");
const deflate = flag >= 0 ? process.argv[flag + 1] : undefined;
if (!["on", "off"].includes(deflate)) {
	console.error("usage: ws_server.js --deflate on|off");
	process.exit(2);
}

const server = new WebSocketServer({
	host: "127.0.0.1",
	port: 0,
	perMessageDeflate: deflate === "on",
	maxPayload: 64 << 20,
});
server.on("connection", (ws) => {
	ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
});
server.on("listening", () => console.log("port " + server.address().port));
process.stdin.resume();
process.stdin.on("end", () => {
	for (const ws of server.clients) {
		ws.terminate();
	}
	server.close(() => process.exit(0));
});
