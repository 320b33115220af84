// Serves www/ on 127.0.0.1 (no network beyond loopback) with the MIME types a
// module worker and a .wasm need. `npm start` runs it; the browser tests start
// it on a free port with `startServer(0)`.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("../www/", import.meta.url)));
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ts": "text/plain; charset=utf-8",
};

async function handle(req, res) {
  const path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
  let file = normalize(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403).end("forbidden");
    return;
  }
  try {
    if ((await stat(file)).isDirectory()) file = join(file, "index.html");
    const body = await readFile(file);
    res.writeHead(200, {
      "content-type": types[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-cache",
    });
    res.end(body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  }
}

/** Starts the server; port 0 picks a free one. Resolves to { server, url }. */
export function startServer(port = 8080, host = "127.0.0.1") {
  return new Promise((resolvePromise, reject) => {
    const server = createServer((req, res) => {
      handle(req, res).catch(() => res.writeHead(500).end());
    });
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolvePromise({ server, url: `http://${host}:${actual}/` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  startServer(port).then(
    ({ url }) => console.log(`rapport dashboard: ${url}  (Ctrl+C to stop)`),
    (err) => {
      console.error(`cannot listen on 127.0.0.1:${port}: ${err.message} (set PORT to another port)`);
      process.exit(1);
    },
  );
}
