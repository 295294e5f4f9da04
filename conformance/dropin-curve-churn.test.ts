/**
 * Drop-in, differential, in child processes: a program that makes CURVE clients in a tight loop,
 * 16 at a time, each with a key pair of its own, waiting for its handshake, sometimes asking one
 * question, then closing: every handshake, answer and server event must come, and the process
 * must end, as with the native package. The loop is the kind that found a process-wide deadlock
 * on Node 20 (its regression test, with the garbage-collection pressure that makes it likely, is
 * in test/curve-x25519.test.ts); it also closes sockets whose connect attempt has finished.
 * Scripts run with a time limit, so that a hang is reported ("still running"), not waited for.
 * They run against dist/ (npm test builds it first).
 */
import { describe, expect, it } from "vitest";
import { LIBRARIES, processesMissing, runScript } from "./dropin/processes.js";

const CLIENTS = 2000;
const AT_ONCE = 16;
/** Ample on a loaded two-core machine: both libraries make a few hundred handshakes a second. */
const LIMIT_MS = 45_000;

const SCRIPT = `
const N = ${CLIENTS};
const server = z.curveKeyPair();
const router = new z.Router({ linger: 0, curveServer: true, curveSecretKey: server.secretKey, curvePublicKey: server.publicKey });
const seen = { handshake: 0, accepted: 0, disconnect: 0 };
// The server's events follow the clients' closes: settled once every handshake and disconnect is in.
let allSeen;
const serverDone = new Promise((resolve) => (allSeen = resolve));
const count = (type) => () => {
  seen[type]++;
  if (seen.handshake === N && seen.disconnect === N) allSeen();
};
router.events.on("handshake", count("handshake"));
router.events.on("accept", count("accepted"));
router.events.on("disconnect", count("disconnect"));
await router.bind("tcp://127.0.0.1:*");
const echoed = (async () => {
  try { for await (const [id, m] of router) await router.send([id, m]); } catch {}
})();
let next = 0, handshakes = 0, answers = 0;
async function client() {
  while (next < N) {
    const i = next++;
    const keys = z.curveKeyPair();
    const d = new z.Dealer({ linger: 0, curveServerKey: server.publicKey, curvePublicKey: keys.publicKey, curveSecretKey: keys.secretKey });
    const shaken = new Promise((r) => d.events.on("handshake", r));
    d.connect(router.lastEndpoint);
    await shaken;
    handshakes++;
    if (i % 4 === 0) {
      await d.send(String(i));
      const [answer] = await d.receive();
      if (String(answer) === String(i)) answers++;
    }
    d.close();
  }
}
await Promise.all(Array.from({ length: ${AT_ONCE} }, client));
await serverDone;
router.close();
await echoed;
console.log(JSON.stringify({ handshakes, answers, server: seen }));
`;

describe.skipIf(processesMissing !== undefined)("CURVE clients made and closed in a tight loop (differential)", () => {
  it(
    `${CLIENTS} clients, ${AT_ONCE} at a time, each its own key pair: every handshake, answer and server event, and the process ends`,
    async () => {
      // One after the other: each has both cores, as a program would.
      const theirs = await runScript(LIBRARIES!.theirs, SCRIPT, LIMIT_MS);
      const mine = await runScript(LIBRARIES!.mine, SCRIPT, LIMIT_MS);
      const outcome = (o: typeof theirs) => ({ ended: o.ended, stdout: o.stdout, stderr: o.stderr });
      expect(outcome(theirs)).toEqual({
        ended: "exited 0",
        stdout: JSON.stringify({
          handshakes: CLIENTS,
          answers: CLIENTS / 4,
          server: { handshake: CLIENTS, accepted: CLIENTS, disconnect: CLIENTS },
        }),
        stderr: "",
      });
      expect(outcome(mine)).toEqual(outcome(theirs));
    },
    2 * LIMIT_MS + 10_000,
  );
});
