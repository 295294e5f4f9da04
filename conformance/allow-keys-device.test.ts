/**
 * A device locked to a directory of client certificates (`plantrpc serve-demo --keys ...
 * --allow-keys <dir>`), driven by pyzmq clients whose certificates pyzmq made
 * (zmq.auth.create_certificates): the one whose certificate is in the directory is served, the
 * other is refused; then a certificate copied in admits its client from the next connection.
 */
import { type ChildProcess, execSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPyzmq, PYTHON } from "./helpers/python.js";

const ROOT = join(__dirname, "..");
const CLI = join(ROOT, "dist", "cli", "main.js");

/** pyzmq: makes certificates (`make DIR NAME`), or calls the camera (`call URL SERVER_KEY SECRET_CERT`). */
const CLIENT = `
import json, sys, zmq, zmq.auth
from zmq.utils.monitor import recv_monitor_message
if sys.argv[1] == "make":
    zmq.auth.create_certificates(sys.argv[2], sys.argv[3], metadata={"name": sys.argv[3]})
    sys.exit(0)
url, server_key, cert = sys.argv[2:5]
public, secret = zmq.auth.load_certificate(cert)
sock = zmq.Context.instance().socket(zmq.REQ)
sock.linger = 0
sock.curve_publickey, sock.curve_secretkey, sock.curve_serverkey = public, secret, server_key.encode()
# A refusal is an event on the client (libzmq's monitor), not the absence of a reply.
monitor = sock.get_monitor_socket(zmq.EVENT_HANDSHAKE_FAILED_AUTH)
sock.connect(url)
sock.send_json({"event": "PROPERTY_GET", "property": "encoding"})
poller = zmq.Poller()
poller.register(sock, zmq.POLLIN)
poller.register(monitor, zmq.POLLIN)
ready = dict(poller.poll(10000))
if sock in ready:
    print(json.dumps({"served": True, "reply": sock.recv_json()}))
elif monitor in ready:
    print(json.dumps({"served": False, "refused": recv_monitor_message(monitor)["value"]}))
else:
    print(json.dumps({"served": False, "timeout": True}))
`;

function python(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ["-c", CLIENT, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`python exited ${code}: ${err}`))));
  });
}

const call = async (url: string, key: string, cert: string) =>
  JSON.parse(await python(["call", url, key, cert])) as { served: boolean; reply?: unknown };

describe.runIf(hasPyzmq())("a device locked to a directory of client certificates (--allow-keys)", () => {
  let dir: string;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    execSync("npx tsc -p tsconfig.build.json", { cwd: ROOT, stdio: "inherit" });
    dir = mkdtempSync(join(tmpdir(), "plantrpc-allow-keys-"));
  }, 120_000);
  afterAll(() => {
    child?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the pyzmq client whose certificate is in the directory, refuses the other, admits it once its certificate is added", async () => {
    const clients = join(dir, "clients");
    const others = join(dir, "others");
    mkdirSync(clients);
    mkdirSync(others);
    await python(["make", clients, "friend"]);
    await python(["make", others, "stranger"]);
    await python(["make", dir, "device"]);
    child = spawn(
      process.execPath,
      [
        CLI,
        "serve-demo",
        "--registry-port",
        "0",
        "--camera-url",
        "tcp://127.0.0.1",
        "--keys",
        join(dir, "device.key_secret"),
        "--allow-keys",
        clients,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    const info = await new Promise<{ camera: string; key: string }>((resolve, reject) => {
      child!.stdout!.on("data", (d) => {
        out += d;
        const camera = /camera "demo-camera": (tcp:\/\/\S+)/.exec(out);
        const key = /camera public key: (\S{40})/.exec(out);
        if (camera && key && /clients admitted: /.test(out)) resolve({ camera: camera[1]!, key: key[1]! });
      });
      child!.on("exit", (code) => reject(new Error(`serve-demo exited ${code}: ${out}`)));
    });
    const friend = await call(info.camera, info.key, join(clients, "friend.key_secret"));
    expect(friend).toEqual({ served: true, reply: expect.objectContaining({ value: "png" }) });
    const stranger = join(others, "stranger.key_secret");
    expect(await call(info.camera, info.key, stranger)).toEqual({ served: false, refused: 400 });
    copyFileSync(join(others, "stranger.key"), join(clients, "stranger.key"));
    expect(await call(info.camera, info.key, stranger)).toEqual({
      served: true,
      reply: expect.objectContaining({ value: "png" }),
    });
    const exited = new Promise((r) => child!.on("exit", r));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  }, 30_000);
});
