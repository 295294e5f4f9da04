import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createVirtualCamera } from "../src/demo/camera.js";
import { DeviceRegistry, registerToRegistry, type RPCServer, RPCServer as RPCServerClass } from "../src/index.js";
import { Reply, Router } from "../src/zmq/index.js";
import { z85Encode } from "../src/zmq/mechanism/z85.js";
import { execSync } from "node:child_process";

const CLI = join(__dirname, "..", "dist", "cli", "main.js");
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

beforeAll(() => {
  // The command runs from the build, as users run it.
  execSync("npx tsc -p tsconfig.build.json", { cwd: join(__dirname, ".."), stdio: "inherit" });
});

/** Runs `plantrpc ...args`; resolves with exit code and output. */
function plantrpc(args: string[], timeoutMs = 20000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return run(process.execPath, [CLI, ...args], timeoutMs);
}

/** Runs a program, killed after timeoutMs; resolves with exit code (null when killed) and output. */
function run(
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill(), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function camera(): Promise<{ server: RPCServer; url: string }> {
  const server = createVirtualCamera("tcp://127.0.0.1");
  await server.start();
  void server.serveForever();
  cleanups.push(() => server.close());
  return { server, url: `tcp://127.0.0.1:${server.port}` };
}

describe("plantrpc command", () => {
  it("--version (or -V) prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const r = await plantrpc([flag]);
      expect([r.code, r.stdout.trim()]).toEqual([0, version]);
    }
  });

  it("prints help for everything and for each command, and exits 2 on usage errors", async () => {
    const help = await plantrpc(["--help"]);
    expect(help.code).toBe(0);
    for (const c of ["registry", "devices", "inventory", "call", "get", "set", "watch", "stop", "demo", "serve-demo"]) {
      expect(help.stdout).toContain(`plantrpc ${c}`);
    }
    const callHelp = await plantrpc(["call", "--help"]);
    expect(callHelp.code).toBe(0);
    expect(callHelp.stdout).toMatch(/usage: plantrpc call <url> <method>/);
    expect((await plantrpc(["frobnicate"])).code).toBe(2);
    expect((await plantrpc(["call", "tcp://127.0.0.1:1"])).code).toBe(2);
    expect((await plantrpc([])).code).toBe(2);
  });

  it("inventory, get, set and call, in human and JSON form", async () => {
    const { url } = await camera();
    const inv = await plantrpc(["inventory", url]);
    expect(inv.code).toBe(0);
    expect(inv.stdout).toMatch(/get_image/);
    const invJson = JSON.parse((await plantrpc(["inventory", url, "--json"])).stdout);
    expect(invJson.properties).toContain("mode");
    expect(JSON.parse((await plantrpc(["get", url, "mode", "--json"])).stdout)).toEqual({ value: "STILL" });
    expect((await plantrpc(["set", url, "resolution", "[320, 240]"])).code).toBe(0);
    expect(JSON.parse((await plantrpc(["get", url, "resolution", "--json"])).stdout)).toEqual({ value: [320, 240] });
    const slow = await plantrpc(["call", url, "capture_slowly", "1", "--json"]);
    expect(JSON.parse(slow.stdout)).toEqual({ result: { exposed_ms: 1 } });
  });

  it("call prints progress on stderr as it comes, and a stream's items until --count", async () => {
    const { url } = await camera();
    const scan = await plantrpc(["call", url, "scan", "3", "0", "--json"]);
    expect(scan.code).toBe(0);
    expect(JSON.parse(scan.stdout)).toEqual({ result: { positions: 3, angles: [0, 120, 240] } });
    expect(
      scan.stderr
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { progress: { position: 1, of: 3, angle: 0 } },
      { progress: { position: 2, of: 3, angle: 120 } },
      { progress: { position: 3, of: 3, angle: 240 } },
    ]);
    const dir = mkdtempSync(join(tmpdir(), "plantrpc-cli-"));
    const preview = await plantrpc(["call", url, "preview", "30", "--count", "3", "--out", join(dir, "frame.png")]);
    expect(preview.code).toBe(0);
    expect(preview.stdout.trim().split("\n")).toHaveLength(3);
    for (const n of [0, 1, 2])
      expect([...readFileSync(join(dir, `frame-${n}.png`)).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const inv = await plantrpc(["inventory", url]);
    expect(inv.stdout).toMatch(/streams \(plantrpc call prints their items\):\n {2}preview/);
  });

  it("writes a buffer result to --out and refuses to dump it on the terminal", async () => {
    const { url } = await camera();
    const dir = mkdtempSync(join(tmpdir(), "plantrpc-cli-"));
    const file = join(dir, "shot.png");
    const r = await plantrpc(["call", url, "get_image", "--kwargs", '{"lores": true}', "--out", file, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ out: file, info: { format: "png", lores: true } });
    expect([...readFileSync(file).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const refused = await plantrpc(["call", url, "get_image"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--out/);
  });

  it("exit codes tell a remote error (1), a timeout (3) and a failure (4) apart", async () => {
    const { url } = await camera();
    const remote = await plantrpc(["set", url, "encoding", '"jpeg"', "--json"]);
    expect(remote.code).toBe(1);
    expect(JSON.parse(remote.stdout)).toMatchObject({
      error: "remote",
      remote_error: expect.stringMatching(/png only/),
    });
    const timeout = await plantrpc(["call", url, "capture_slowly", "2000"]);
    expect(timeout.code).toBe(3);
    expect(timeout.stderr).toMatch(/no reply within 500 ms/);
    const unknown = await plantrpc(["call", url, "no_such_method"]);
    expect(unknown.code).toBe(4);
    const nobody = await plantrpc(["inventory", "tcp://127.0.0.1:9", "--timeout", "300"]);
    expect(nobody.code).toBe(3);
  });

  it("lists devices of a registry and stops a device", async () => {
    const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0 });
    await registry.start();
    cleanups.push(() => registry.stop());
    const { server } = await camera();
    await registerToRegistry(server, "camera", "cli-cam", registry.url);
    const devices = JSON.parse((await plantrpc(["devices", registry.url, "--json"])).stdout);
    expect(devices["cli-cam"]).toEqual({ type: "camera", addr: `tcp://127.0.0.1:${server.port}` });
    const stop = await plantrpc(["stop", `tcp://127.0.0.1:${server.port}`, "--json"]);
    expect(JSON.parse(stop.stdout)).toEqual({ stopped: true });
    expect(server.isStopped).toBe(true);
  });

  it("stop exits 3 when the device does not acknowledge", async () => {
    // A device that answers GET_INVENTORY and nothing else.
    const router = new Router();
    await router.bind("tcp://127.0.0.1:0");
    cleanups.push(() => router.close());
    void (async () => {
      for await (const [id, ...rest] of router) {
        const body = JSON.parse(rest.at(-1)!.toString());
        if (body.event !== "GET_INVENTORY") continue;
        const inventory = { json_methods: {}, buffer_methods: {}, signals: [], properties: [], name: "" };
        await router.send([id!, ...rest.slice(0, -1), JSON.stringify(inventory)]);
      }
    })();
    const stop = await plantrpc(["stop", router.lastEndpoint!, "--json"]);
    expect(JSON.parse(stop.stdout)).toEqual({ stopped: false });
    expect(stop.code).toBe(3);
  });

  it("a short script using the library exits as soon as its work is done", async () => {
    const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0 });
    await registry.start();
    cleanups.push(() => registry.stop());
    const { url } = await camera();
    // No process.exit(): the script ends when nothing is left running. A 60 s timer left
    // behind would keep it alive until the 10 s limit kills it.
    const script = `
      import { listDevices, RPCClient } from ${JSON.stringify(join(__dirname, "..", "dist", "index.js"))};
      await listDevices(${JSON.stringify(registry.url)}, { timeout: 60000 });
      const client = await RPCClient.connect(${JSON.stringify(url)}, { timeout: 60000 });
      await client.getProperty("encoding");
      client.close();
      console.log("done");
    `;
    const r = await run(process.execPath, ["--input-type=module", "-e", script], 10000);
    expect(r.stdout).toBe("done\n");
    expect(r.code).toBe(0);
  });

  it("watch prints signals as they arrive", async () => {
    const { url } = await camera();
    const child = spawn(process.execPath, [CLI, "watch", url, "modeChanged", "--json"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    cleanups.push(() => child.kill());
    let out = "";
    const line = new Promise<string>((resolve) =>
      child.stdout.on("data", (d) => {
        out += d;
        if (out.includes("\n")) resolve(out.split("\n")[0]!);
      }),
    );
    const { RPCClient } = await import("../src/index.js");
    const c = await RPCClient.connect(url);
    cleanups.push(() => c.close());
    // PUB/SUB: flip the mode until the watcher, whose subscription travels first, prints it.
    let mode = "VIDEO";
    const flipping = setInterval(() => {
      mode = mode === "VIDEO" ? "STILL" : "VIDEO";
      // A set still in flight when the test's cleanup closes the client is rejected: not a failure.
      c.setProperty("mode", mode).catch(() => {});
    }, 50);
    const first = JSON.parse(await line);
    clearInterval(flipping);
    expect(first).toMatchObject({ signal: "modeChanged" });
  });

  it("registry runs a registry and prints devices as they come and go", async () => {
    const child = spawn(process.execPath, [CLI, "registry", "--addr", "127.0.0.1", "--port", "0", "--json"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    cleanups.push(() => child.kill("SIGKILL"));
    const lines: Array<Record<string, unknown>> = [];
    let buffered = "";
    const waiters: Array<() => void> = [];
    child.stdout.on("data", (d) => {
      buffered += d;
      for (let i = buffered.indexOf("\n"); i >= 0; i = buffered.indexOf("\n")) {
        lines.push(JSON.parse(buffered.slice(0, i)));
        buffered = buffered.slice(i + 1);
        for (const w of waiters.splice(0)) w();
      }
    });
    const line = async (n: number) => {
      while (lines.length <= n) await new Promise<void>((r) => waiters.push(r));
      return lines[n]!;
    };
    const listening = await line(0);
    expect(listening).toMatchObject({ event: "listening" });
    const { registerDevice, unregisterDevice } = await import("../src/index.js");
    const { uuid } = await registerDevice("motor", "tcp://127.0.0.1:1234", "arm", listening.url as string);
    expect(await line(1)).toEqual({ event: "added", type: "motor", addr: "tcp://127.0.0.1:1234", name: "arm" });
    await unregisterDevice(uuid, listening.url as string);
    expect(await line(2)).toMatchObject({ event: "removed", name: "arm" });
    const exited = new Promise((r) => child.on("exit", r));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });

  it("gateway relays a registry's devices over ws:// and says so; --listen must be a ws:// URL", async () => {
    expect((await plantrpc(["gateway", "tcp://127.0.0.1:1"])).code).toBe(2);
    expect((await plantrpc(["gateway", "tcp://127.0.0.1:1", "--listen", "tcp://127.0.0.1:0"])).code).toBe(2);
    const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0 });
    await registry.start();
    cleanups.push(() => registry.stop());
    const { server } = await camera();
    await registerToRegistry(server, "camera", "cam", `tcp://127.0.0.1:${registry.port}`);
    const child = spawn(
      process.execPath,
      [CLI, "gateway", `tcp://127.0.0.1:${registry.port}`, "--listen", "ws://127.0.0.1:0", "--json"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    cleanups.push(() => child.kill("SIGKILL"));
    const events: Array<Record<string, unknown>> = [];
    let buffered = "";
    const added = new Promise<Record<string, unknown>>((resolve) =>
      child.stdout.on("data", (d) => {
        buffered += d;
        for (let i = buffered.indexOf("\n"); i >= 0; i = buffered.indexOf("\n")) {
          const e = JSON.parse(buffered.slice(0, i));
          buffered = buffered.slice(i + 1);
          events.push(e);
          if (e.event === "added") resolve(e);
        }
      }),
    );
    const device = await added;
    expect(events[0]).toMatchObject({ event: "listening", token: expect.stringMatching(/^[\w-]{32}$/) });
    expect(device).toMatchObject({ name: "cam", address: `tcp://127.0.0.1:${server.port}` });
    const { RPCClient } = await import("../src/index.js");
    // A token was made up: without it the gateway answers 401, with it the device is there.
    const { RawWs } = await import("./helpers/raw-ws.js");
    expect((await RawWs.open(device.methods as string, "ZWS2.0")).status).toBe(401);
    const client = await RPCClient.connect(`${device.methods}?token=${events[0]!.token}`);
    cleanups.push(() => client.close());
    expect(await client.getProperty("mode")).toBeTypeOf("string");
    const exited = new Promise((r) => child.on("exit", r));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });

  it("check: a conformant device exits 0 with a table, a broken one exits 1; --json gives the report", async () => {
    const { url } = await camera();
    const good = await plantrpc(["check", url]);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^ok {4}inventory /m);
    expect(good.stdout).toMatch(/\d+ passed, 0 failed/);
    const json = JSON.parse((await plantrpc(["check", url, "--json", "--destructive"])).stdout);
    expect(json.ok).toBe(true);
    expect(json.results.find((r: { id: string }) => r.id === "stop-server").status).toBe("pass");

    const { startBrokenDevice } = await import("../conformance/helpers/broken-device.js");
    const broken = await startBrokenDevice();
    cleanups.push(() => broken.close());
    const bad = await plantrpc(["check", broken.url, "--timeout", "500"]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL +methods-answer +hang: no answer/m);
  });

  it("bench measures calls, latency and buffers of a device; --json gives the figures", async () => {
    const { url } = await camera();
    const text = await plantrpc([
      "bench",
      url,
      "--buffer-method",
      "get_image",
      "--args",
      "[true]",
      "--duration",
      "0.5",
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^calls +\d/m);
    expect(text.stdout).toMatch(/^latency +p50 [\d.]+ ms {2}p90/m);
    expect(text.stdout).toMatch(/^buffers +[\d,]+ bytes \([\d.]+ MB\/s\)/m);
    const json = JSON.parse(
      (
        await plantrpc([
          "bench",
          url,
          "--method",
          "capture_slowly",
          "--args",
          "[1]",
          "--in-flight",
          "4",
          "--duration",
          "0.5",
          "--json",
        ])
      ).stdout,
    );
    expect(json).toMatchObject({ inFlight: 4, failures: 0 });
    expect(json.calls).toBeGreaterThan(10);
    expect(json.latency.p99).toBeGreaterThanOrEqual(json.latency.p50);
    expect((await plantrpc(["bench", url])).code).toBe(2); // nothing to measure
  });

  it("serve-demo --web serves the dashboard too; --port needs --web, and --web no CURVE", async () => {
    expect((await plantrpc(["serve-demo", "--port", "0"])).code).toBe(2);
    expect((await plantrpc(["serve-demo", "--token", "abcdefgh"])).code).toBe(2);
    expect((await plantrpc(["serve-demo", "--web", "--secure"])).code).toBe(2);
    const child = spawn(
      process.execPath,
      [CLI, "serve-demo", "--registry-port", "0", "--camera-url", "tcp://127.0.0.1", "--web", "--port", "0"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    cleanups.push(() => child.kill("SIGKILL"));
    let out = "";
    const page = await new Promise<string>((resolve) =>
      child.stdout.on("data", (d) => {
        out += d;
        const m = /dashboard: (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      }),
    );
    const token = new URL(page).searchParams.get("token");
    expect(token).toMatch(/^[\w-]{32}$/);
    const html = await (await fetch(page)).text();
    expect(html).toContain("Plant Imager devices");
    expect((await fetch(new URL("/", page))).status).toBe(401);
    const script = await fetch(new URL(`/dashboard.js?token=${token}`, page));
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(10000);
    const exited = new Promise((r) => child.on("exit", r));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });

  it("serve-demo keeps a registry and the camera up until interrupted", async () => {
    const child = spawn(
      process.execPath,
      [CLI, "serve-demo", "--registry-port", "0", "--camera-url", "tcp://127.0.0.1"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    cleanups.push(() => child.kill("SIGKILL"));
    let out = "";
    const urls = await new Promise<{ registry: string; camera: string }>((resolve) =>
      child.stdout.on("data", (d) => {
        out += d;
        const r = /registry: (tcp:\/\/\S+)/.exec(out);
        const c = /camera "demo-camera": (tcp:\/\/\S+)/.exec(out);
        if (r && c) resolve({ registry: r[1]!, camera: c[1]! });
      }),
    );
    const devices = JSON.parse((await plantrpc(["devices", urls.registry, "--json"])).stdout);
    expect(devices["demo-camera"].addr).toBe(urls.camera);
    expect(JSON.parse((await plantrpc(["get", urls.camera, "encoding", "--json"])).stdout)).toEqual({ value: "png" });
    const exited = new Promise((r) => child.on("exit", r));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });

  it("demo runs end to end and writes a PNG", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plantrpc-demo-"));
    const r = await plantrpc(["demo", "--out", dir], 30000);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/found demo-camera/);
    expect(r.stdout).toMatch(/RemoteError: this virtual camera encodes png only/);
    expect(r.stdout).toMatch(/== done/);
    expect([...readFileSync(join(dir, "plant.png")).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });
});

describe("plantrpc and what the network sends it", () => {
  /** A registry of someone else's (ours refuses such names) answering LIST with `devices`. */
  async function hostileRegistry(devices: Record<string, { type: string; addr: string }>): Promise<string> {
    const router = new Router();
    await router.bind("tcp://127.0.0.1:0");
    cleanups.push(() => router.close());
    void (async () => {
      for await (const [id, ...rest] of router) {
        const reply = { event: "LIST_ACK", payload: { devices } };
        await router.send([id!, ...rest.slice(0, -1), JSON.stringify(reply)]);
      }
    })();
    return router.lastEndpoint!;
  }

  it("prints device names and signal values with their control characters escaped", async () => {
    const hostile = "\u001b]0;pwned\u0007cam\nfake line\u202e\u2028zero\u200bwidth";
    const registry = await hostileRegistry({ [hostile]: { type: "camera\u001b[2J", addr: "tcp://127.0.0.1:1" } });
    const { code, stdout } = await plantrpc(["devices", registry]);
    expect(code).toBe(0);
    expect(stdout).toContain("\\x1b]0;pwned\\x07cam\\x0afake line\\u202e\\u2028zero\\u200bwidth");
    expect(stdout).toContain("camera\\x1b[2J");
    expect([...stdout].filter((c) => c.charCodeAt(0) < 0x20 && c !== "\n")).toEqual([]);
    expect(stdout.split("\n").filter(Boolean)).toHaveLength(1);
    const json = await plantrpc(["devices", registry, "--json"]);
    expect(Object.keys(JSON.parse(json.stdout))).toEqual([hostile]); // --json gives the name as it is
  });

  it("quotes a remote error's lines: a device cannot fake lines of the command's output", async () => {
    const server = new RPCServerClass({ url: "tcp://127.0.0.1" });
    server.registerMethodJson("fail", () => {
      throw new Error("boom\nplantrpc: all devices stopped\u2028done");
    });
    await server.start();
    void server.serveForever();
    cleanups.push(() => server.close());
    const { code, stderr } = await plantrpc(["call", `tcp://127.0.0.1:${server.port}`, "fail"]);
    expect(code).toBe(1);
    const lines = stderr.split("\n").filter(Boolean);
    expect(lines.filter((l) => l.startsWith("plantrpc:"))).toHaveLength(1);
    expect(lines).toContain("  | plantrpc: all devices stopped\\u2028done");
    const own = lines.filter((l) => !l.startsWith("  | "));
    expect(own).toEqual(["remote traceback:", "plantrpc: fail() failed on the server: boom"]);
  });

  it("gateway takes its token from $PLANTRPC_TOKEN; web --no-token serves without one, and warns", async () => {
    const lines = (child: ReturnType<typeof spawn>, match: RegExp) =>
      new Promise<string>((resolve) => {
        let out = "";
        child.stdout!.on("data", (d) => {
          out += d;
          const m = match.exec(out);
          if (m) resolve(m[0]);
        });
      });
    const gateway = spawn(
      process.execPath,
      [CLI, "gateway", "tcp://127.0.0.1:1", "--listen", "ws://127.0.0.1:0", "--json"],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PLANTRPC_TOKEN: "from-the-environment" } },
    );
    cleanups.push(() => gateway.kill("SIGKILL"));
    const listening = JSON.parse(await lines(gateway, /\{"event":"listening".*\}/));
    expect(listening.token).toBe("from-the-environment");
    const web = spawn(process.execPath, [CLI, "web", "tcp://127.0.0.1:1", "--port", "0", "--no-token"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    cleanups.push(() => web.kill("SIGKILL"));
    let stderr = "";
    web.stderr.on("data", (d) => (stderr += d));
    const url = (await lines(web, /dashboard at (\S+)/)).split(" ")[2]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await fetch(url)).status).toBe(200);
    expect(stderr).toContain("WARNING: --no-token: any program or user on this machine can drive every device");
  });

  it("gateway and web: --token and --no-token exclude each other, a token has 8 characters at least", async () => {
    const registry = "tcp://127.0.0.1:1";
    expect(
      (await plantrpc(["gateway", registry, "--listen", "ws://127.0.0.1:0", "--token", "x", "--no-token"])).code,
    ).toBe(2);
    const short = await plantrpc(["web", registry, "--token", "short"]);
    expect([short.code, short.stderr]).toEqual([
      2,
      "plantrpc: a token has at least 8 printable characters and no spaces\n",
    ]);
  });
});

describe("plantrpc arguments and security", () => {
  it("refuses unknown flags and flags a command does not take; negative numbers stay arguments", async () => {
    const { parse } = await import("../src/cli/args.js");
    expect(parse(["call", "tcp://h:1", "move", "-5", "--json"]).positional).toEqual([
      "call",
      "tcp://h:1",
      "move",
      "-5",
    ]);
    // A Z85 key may start with "-" (one key in 85): still the flag's value, not a flag.
    const key = "-OLQP/kbXU*I&wy@CVS@5ylahYkJ6R%k#GcfrL/$";
    expect(parse(["get", "tcp://h:1", "p", "--server-key", key, "--json"]).flags.get("server-key")).toBe(key);
    expect(() => parse(["get", "tcp://h:1", "p", "--server-key", "--json"])).toThrow(/argument missing|ambiguous/);
    expect((await plantrpc(["devices", "tcp://127.0.0.1:1", "--frob"])).code).toBe(2);
    const misplaced = await plantrpc(["inventory", "tcp://127.0.0.1:1", "--port", "5"]);
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toMatch(/--port is not an option of plantrpc inventory/);
  });

  it("keygen writes a certificate pair, and --server-key reaches a CURVE device", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plantrpc-keys-"));
    const made = await plantrpc(["keygen", "--out", join(dir, "device"), "--json"]);
    expect(made.code).toBe(0);
    const { publicKey } = JSON.parse(made.stdout) as { publicKey: string };
    const secretFile = readFileSync(join(dir, "device.key_secret"), "utf8");
    const secretKey = /secret-key = "(.{40})"/.exec(secretFile)![1]!;
    expect(readFileSync(join(dir, "device.key"), "utf8")).toContain(`public-key = "${publicKey}"`);
    const server = new RPCServerClass({ url: "tcp://127.0.0.1:0", curve: { secretKey } });
    server.registerMethodJson("ping", () => "pong");
    await server.start();
    void server.serveForever();
    cleanups.push(() => server.close());
    const url = `tcp://127.0.0.1:${server.port}`;
    const call = await plantrpc(["call", url, "ping", "--server-key", publicKey, "--json"]);
    expect(JSON.parse(call.stdout)).toEqual({ result: "pong" });
    expect((await plantrpc(["call", url, "ping", "--timeout", "300"])).code).toBe(3);
  });
});

describe("--keys and certificate files", () => {
  it("a registry serves with --keys; clients give --server-key as a certificate and --keys as their own pair", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plantrpc-keys-"));
    expect((await plantrpc(["keygen", "--out", join(dir, "registry")])).code).toBe(0);
    expect((await plantrpc(["keygen", "--out", join(dir, "client")])).code).toBe(0);
    const registryPublic = /public-key = "(.{40})"/.exec(readFileSync(join(dir, "registry.key"), "utf8"))![1]!;
    const clientPublic = /public-key = "(.{40})"/.exec(readFileSync(join(dir, "client.key"), "utf8"))![1]!;
    const child = spawn(
      process.execPath,
      [CLI, "registry", "--port", "0", "--keys", join(dir, "registry.key_secret"), "--json"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    cleanups.push(() => child.kill("SIGKILL"));
    let out = "";
    const listening = await new Promise<{ url: string; publicKey: string }>((resolve) =>
      child.stdout.on("data", (d) => {
        out += d;
        const line = out.split("\n").find((l) => l.includes('"listening"'));
        if (line) resolve(JSON.parse(line));
      }),
    );
    expect(listening.publicKey).toBe(registryPublic);
    const url = listening.url.replace("0.0.0.0", "127.0.0.1");
    const listed = await plantrpc(["devices", url, "--server-key", join(dir, "registry.key"), "--json"]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({});
    expect((await plantrpc(["devices", url, "--timeout", "300"])).code).toBe(3);

    // A device that admits one client key (through a ZAP handler) serves the client with --keys.
    const zap = new Reply();
    await zap.bind("inproc://zeromq.zap.01");
    cleanups.push(() => zap.close());
    void (async () => {
      for await (const [version, id, , , , , key] of zap) {
        const ok = key !== undefined && z85Encode(key) === clientPublic;
        await zap.send([version!, id!, ok ? "200" : "400", ok ? "OK" : "unknown key", "", ""]);
      }
    })();
    const device = readFileSync(join(dir, "registry.key_secret"), "utf8");
    const server = new RPCServerClass({
      url: "tcp://127.0.0.1:0",
      curve: { secretKey: /secret-key = "(.{40})"/.exec(device)![1]! },
    });
    server.registerMethodJson("ping", () => "pong");
    await server.start();
    void server.serveForever();
    cleanups.push(() => server.close());
    const deviceUrl = `tcp://127.0.0.1:${server.port}`;
    const keyFlags = ["--server-key", join(dir, "registry.key")];
    const known = await plantrpc([
      "call",
      deviceUrl,
      "ping",
      ...keyFlags,
      "--keys",
      join(dir, "client.key_secret"),
      "--json",
    ]);
    expect(JSON.parse(known.stdout)).toEqual({ result: "pong" });
    // Without its own keys, the client is refused by the device's handler: said at once.
    const refused = await plantrpc(["call", deviceUrl, "ping", ...keyFlags, "--timeout", "5000"]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/refused this client \(ZAP status 400/);
  });

  it("registry --allow-keys admits only the clients whose certificates are in the directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plantrpc-keys-"));
    mkdirSync(join(dir, "clients"));
    expect((await plantrpc(["keygen", "--out", join(dir, "registry")])).code).toBe(0);
    expect((await plantrpc(["keygen", "--out", join(dir, "clients", "friend")])).code).toBe(0);
    expect((await plantrpc(["keygen", "--out", join(dir, "stranger")])).code).toBe(0);
    const keys = ["--keys", join(dir, "registry.key_secret")];
    const child = spawn(
      process.execPath,
      [CLI, "registry", "--port", "0", ...keys, "--allow-keys", join(dir, "clients"), "--json"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    cleanups.push(() => child.kill("SIGKILL"));
    let out = "";
    const listening = await new Promise<{ url: string }>((resolve) =>
      child.stdout.on("data", (d) => {
        out += d;
        const line = out.split("\n").find((l) => l.includes('"listening"'));
        if (line) resolve(JSON.parse(line));
      }),
    );
    const url = listening.url.replace("0.0.0.0", "127.0.0.1");
    const serverKey = ["--server-key", join(dir, "registry.key")];
    const friend = await plantrpc(["devices", url, ...serverKey, "--keys", join(dir, "clients", "friend.key_secret")]);
    expect(friend.code).toBe(0);
    const stranger = await plantrpc([
      "devices",
      url,
      ...serverKey,
      "--keys",
      join(dir, "stranger.key_secret"),
      "--timeout",
      "5000",
    ]);
    expect(stranger.code).toBe(4);
    expect(stranger.stderr).toMatch(/refused this client \(ZAP status 400/);
    // Usage: --allow-keys needs CURVE, and a directory.
    const without = await plantrpc(["registry", "--port", "0", "--allow-keys", join(dir, "clients")]);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/--allow-keys goes with CURVE/);
    const missing = await plantrpc(["registry", "--port", "0", ...keys, "--allow-keys", join(dir, "nothing")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/is not a directory/);
  });

  it("refuses what is not a key or a certificate, with a usage error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plantrpc-keys-"));
    await plantrpc(["keygen", "--out", join(dir, "device")]);
    const cases: [string[], RegExp][] = [
      [["--server-key", "short"], /neither/],
      [["--server-key", join(dir, "missing.key")], /neither/],
      [["--server-key", join(dir, "device.key"), "--keys", join(dir, "device.key")], /holds no secret key/],
      [["--keys", join(dir, "device.key_secret")], /--keys needs --server-key/],
      [["--server-key", join(dir, "device.key"), "--keys", join(dir, "nothing")], /cannot read the certificate/],
    ];
    for (const [flags, message] of cases) {
      const r = await plantrpc(["inventory", "tcp://127.0.0.1:1", ...flags]);
      expect(r.code, flags.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const notCert = join(dir, "device.txt");
    writeFileSync(notCert, "hello\n");
    const r = await plantrpc(["registry", "--port", "0", "--keys", notCert]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a CURVE certificate/);
  });
});

describe("serve-demo --secure", () => {
  it("serves the registry and the camera over CURVE, reachable with the keys it prints", async () => {
    const child = spawn(
      process.execPath,
      [CLI, "serve-demo", "--registry-port", "0", "--camera-url", "tcp://127.0.0.1", "--secure"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    cleanups.push(() => child.kill("SIGKILL"));
    let out = "";
    const info = await new Promise<{ registry: string; camera: string; registryKey: string; cameraKey: string }>(
      (resolve) =>
        child.stdout.on("data", (d) => {
          out += d;
          const r = /registry: (tcp:\/\/\S+)/.exec(out);
          const c = /camera "demo-camera": (tcp:\/\/\S+)/.exec(out);
          const rk = /registry public key: (\S{40})/.exec(out);
          const ck = /camera public key: (\S{40})/.exec(out);
          if (r && c && rk && ck) resolve({ registry: r[1]!, camera: c[1]!, registryKey: rk[1]!, cameraKey: ck[1]! });
        }),
    );
    const devices = JSON.parse(
      (await plantrpc(["devices", info.registry, "--server-key", info.registryKey, "--json"])).stdout,
    );
    expect(devices["demo-camera"].addr).toBe(info.camera);
    const got = await plantrpc(["get", info.camera, "encoding", "--server-key", info.cameraKey, "--json"]);
    expect(JSON.parse(got.stdout)).toEqual({ value: "png" });
    expect((await plantrpc(["get", info.camera, "encoding", "--timeout", "300"])).code).toBe(3);
    const exited = new Promise((r) => child.on("exit", r));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});
