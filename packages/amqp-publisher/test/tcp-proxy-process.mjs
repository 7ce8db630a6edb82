// A TCP proxy for tests: node tcp-proxy-process.mjs <listen port, 0 for any> <target host> <target port>.
// Prints the port it listens on. Killing the process drops the port and every connection through it at once.
// The line "mute" on stdin stops forwarding the server's replies (the client's bytes still go through); it
// answers "muted".
import net from "node:net";
import { createInterface } from "node:readline";

const [listenPort, host, port] = process.argv.slice(2);
let muted = false;
const server = net.createServer((client) => {
  const upstream = net.connect(Number(port), host);
  client.pipe(upstream);
  upstream.on("data", (chunk) => {
    if (!muted) client.write(chunk);
  });
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on("error", close).on("close", close);
  upstream.on("error", close).on("close", close);
});
server.listen(Number(listenPort), "127.0.0.1", () => console.log(server.address().port));
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line === "mute") {
    muted = true;
    console.log("muted");
  }
});
