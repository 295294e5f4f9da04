// A whole ZMTP engine (src/zmq/engine/engine.ts, with its wire, handshake and outgoing batches)
// over a fake byte-stream carrier, NULL security, the fuzzer playing the peer: its bytes, in
// chunks the input chooses, go to the carrier's data handler. Some of the time they come after a
// valid greeting, or a greeting and a READY (of a socket type compatible with ours, or not), so
// that the handshake and the message paths are reached.
// Input: [options, our socket type, peer's type, extras, chunk seed, peer bytes...]
//   options: bit 0 bound (else connecting), bit 1 greeting first, bit 2 READY after it, bit 3 the
//   owner echoes messages, bit 4 the owner pauses reading after each message (its HWM), bits 5-6
//   maxMessageSize (-1, 64, 1024, 8), bit 7 our greeting prefix says ZMTP 3.0 rather than 3.1;
//   peer's type: bit 7 heartbeats on; below 112 a peer of ours, else any type;
//   extras: bit 0 the carrier reads large bodies in place (readTarget, targetFilled) and as much
//   as readSize says, bit 1 a large frame (17 to 33 KiB, the input repeated) after the prefix, in larger pieces,
//   bit 2 a message of 1100 empty frames after the prefix (past maxFrames for small limits),
//   bit 3 the carrier's writes block until it drains, bit 4 a handshake timeout is set, bit 5
//   the engine closes gracefully at the end (else close()).
// Invariants:
//   - nothing is thrown out of the carrier's data handler (nor from the owner's own calls);
//   - the engine ends with a ZmqError (and the carrier destroyed or ended), or stays open;
//     the owner hears engineClosed once, and nothing after it;
//   - engineReady comes once, before any message; each message handed to the owner, and all of
//     them together, hold no more octets than came in;
//   - what the engine writes is ZMTP: our greeting (NULL, our as-server bit), then frames that
//     decode, the first of them our READY with our Socket-Type.
// setImmediate (the outgoing batch's flush) is collected and run at the end of each input, so
// that the run stays synchronous and no callback outlives its input.
const timers = require("node:timers");
const { Buffer, chunks, invariant, load } = require("./_lib.cjs");

const { Engine } = load("zmq/engine/engine.js");
const { nullMechanism } = load("zmq/mechanism/null.js");
const { encodeGreeting, decodeGreeting } = load("zmq/codec/greeting.js");
const { encodeCommandBody, encodeMetadata, decodeCommandBody, decodeMetadata } = load("zmq/codec/command.js");
const { encodeFrame } = load("zmq/codec/frame.js");
const { FrameDecoder } = load("zmq/codec/decoder.js");
const { SOCKET_TYPES } = load("zmq/engine/socket-types.js");
const { ZmqError } = load("zmq/errors.js");

exports.settings = {
  includes: ["dist/cjs/zmq/engine", "dist/cjs/zmq/codec", "dist/cjs/zmq/mechanism/null"],
  rssLimitMb: 2048,
};

const MAX_MESSAGE_SIZES = [-1, 64, 1024, 8];
const FLAG_COMMAND = 4;

class FakeCarrier {
  remoteAddress = "tcp://127.0.0.1:5555";
  handlers = undefined;
  paused = false;
  ended = false;
  destroyed = false;
  written = [];
  constructor(blocking) {
    this.blocking = blocking;
  }
  start(handlers) {
    this.handlers = handlers;
  }
  write(pieces) {
    invariant(!this.destroyed, "nothing is written after destroy()");
    for (const p of pieces) this.written.push(Buffer.from(p));
    return !this.blocking;
  }
  /** Reads a chunk as node-stream.ts does: large bodies in place, reads as long as readSize says. */
  read(chunk) {
    let rest = chunk;
    while (rest.length > 0 && !this.destroyed) {
      const target = this.handlers.readTarget?.();
      if (target && target.length > 0) {
        const n = Math.min(target.length, rest.length);
        target.set(rest.subarray(0, n));
        rest = rest.subarray(n);
        this.handlers.targetFilled(n);
        continue;
      }
      const size = this.handlers.readSize?.() ?? rest.length;
      const n = Math.max(1, Math.min(size, rest.length));
      this.handlers.data(rest.subarray(0, n));
      rest = rest.subarray(n);
    }
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  end() {
    this.ended = true;
  }
  destroy() {
    this.destroyed = true;
  }
}

function peerTypeFor(ours, choice) {
  const row = SOCKET_TYPES.find((r) => r.type === ours);
  const v = choice & 0x7f;
  if (v < 112 && row.peers.length > 0) return row.peers[v % row.peers.length];
  return SOCKET_TYPES[v % SOCKET_TYPES.length].type;
}

exports.fuzz = (data) => {
  const options = data[0] ?? 0;
  const ours = SOCKET_TYPES[(data[1] ?? 0) % SOCKET_TYPES.length].type;
  const theirs = peerTypeFor(ours, data[2] ?? 0);
  const heartbeats = ((data[2] ?? 0) & 0x80) !== 0;
  const bound = (options & 1) !== 0;
  const echo = (options & 8) !== 0;
  const pauseEach = (options & 16) !== 0;
  const maxMessageSize = MAX_MESSAGE_SIZES[(options >> 5) & 3];

  // The peer's stream: perhaps a greeting, perhaps a READY, then the input.
  const prefix = [];
  if (options & 2) {
    const greeting = Buffer.from(encodeGreeting("NULL", !bound));
    if (options & 0x80) greeting[11] = 0;
    prefix.push(greeting);
    if (options & 4) {
      const props = [["Socket-Type", theirs]];
      if (theirs === "DEALER" || theirs === "ROUTER" || theirs === "REQ") props.push(["Identity", data.subarray(4, 8)]);
      prefix.push(Buffer.from(encodeFrame(FLAG_COMMAND, encodeCommandBody("READY", encodeMetadata(props)))));
    }
  }
  const extras = data[3] ?? 0;
  const input = data.subarray(5);
  if (extras & 4) prefix.push(Buffer.alloc(1100 * 2, Buffer.from([1, 0])), Buffer.from([0, 0]));
  const seed = Buffer.from([data[4] ?? 0]);
  const pieces = chunks(Buffer.concat([seed, ...prefix]));
  if (extras & 2) {
    // A large frame, cut apart from the rest (pieces of 1 to 64 octets would be slow to feed).
    const size = 17000 + (data[4] ?? 0) * 64;
    const body = Buffer.alloc(size, input.length > 0 ? Buffer.from(input) : Buffer.from([0x5a]));
    const frame = Buffer.from(encodeFrame((data[4] ?? 0) & 1, body));
    const step = 512 + (((data[4] ?? 0) * 997) % 7680);
    for (let at = 0; at < frame.length; at += step) pieces.push(frame.subarray(at, at + step));
  }
  pieces.push(...chunks(Buffer.concat([seed, input])));

  const immediates = [];
  const setImmediate = timers.setImmediate;
  timers.setImmediate = (fn, ...args) => {
    immediates.push(() => fn(...args));
    return { ref() {}, unref() {}, hasRef: () => false };
  };
  try {
    run();
  } finally {
    timers.setImmediate = setImmediate;
  }

  function run() {
    const carrier = new FakeCarrier((extras & 8) !== 0);
    const seen = { ready: 0, closed: 0, closedWith: undefined, octets: 0, messages: 0 };
    let fed = 0;
    let engine;
    const owner = {
      engineReady: (e) => {
        invariant(e === engine && seen.closed === 0 && seen.ready === 0, "ready once, before closing");
        seen.ready++;
      },
      engineMessage: (e, frames) => {
        invariant(e === engine && seen.ready === 1 && seen.closed === 0, "messages only while ready");
        invariant(Array.isArray(frames) && frames.length > 0, "a message has frames");
        let octets = 0;
        for (const f of frames) {
          invariant(Buffer.isBuffer(f), "frames are Buffers");
          octets += f.length;
        }
        invariant(octets <= fed, "a message holds no more octets than came in");
        seen.octets += octets;
        invariant(seen.octets <= fed, "messages hold no more octets than came in");
        seen.messages++;
        if (echo) engine.sendMessage(frames);
        if (pauseEach) engine.pauseReading();
      },
      engineSubscription: (e, _subscribe, topic) => {
        invariant(e === engine && seen.ready === 1 && seen.closed === 0, "subscriptions only while ready");
        invariant(Buffer.isBuffer(topic) && topic.length <= fed, "a topic no longer than what came in");
      },
      engineWritable: () => {},
      engineClosed: (e, error) => {
        invariant(e === engine && seen.closed === 0, "closed once");
        seen.closed++;
        seen.closedWith = error;
      },
    };
    engine = new Engine(
      carrier,
      {
        socketType: ours,
        routingId: ours === "DEALER" || ours === "ROUTER" ? data.subarray(0, 3) : undefined,
        mechanism: nullMechanism,
        bound,
        maxMessageSize,
        heartbeatInterval: heartbeats ? 1000 : 0,
        heartbeatTimeout: heartbeats ? 3000 : -1,
        heartbeatTimeToLive: heartbeats ? 5000 : 0,
        handshakeTimeout: extras & 16 ? 30000 : 0,
      },
      owner,
    );
    engine.start();
    for (const piece of pieces) {
      // A paused carrier reads nothing: the owner takes its messages (resumes) first.
      if (carrier.paused) engine.resumeReading();
      if (carrier.paused || carrier.destroyed) break;
      fed += piece.length;
      try {
        if (extras & 1) carrier.read(piece);
        else carrier.handlers.data(piece);
      } catch (e) {
        invariant(false, `the carrier's handlers threw: ${e?.stack ?? e}`);
      }
    }
    // The end of the event-loop turn: batches are flushed, and a blocked carrier drains.
    for (let i = 0; i < immediates.length; i++) immediates[i]();
    if (carrier.blocking && !carrier.destroyed) {
      carrier.blocking = false;
      carrier.handlers.drain();
      for (let i = 0; i < immediates.length; i++) immediates[i]();
    }
    if (seen.closed) {
      invariant(engine.state === "closed", "closed for the owner, closed for itself");
      invariant(seen.closedWith instanceof ZmqError, `the engine ends with a ZmqError, not ${seen.closedWith}`);
      invariant(carrier.destroyed || carrier.ended, "a closed engine lets its carrier go");
    } else {
      invariant(engine.state !== "closed", "an engine closed for itself tells its owner");
      invariant((seen.ready === 1) === (engine.state === "ready"), "ready for the owner, ready for itself");
    }
    checkWritten(carrier.written);
    const wasClosed = seen.closed;
    if (extras & 32) {
      // Gracefully: what is queued is written, then the carrier ends (and closes, for us).
      engine.closeGracefully();
      for (let i = 0; i < immediates.length; i++) immediates[i]();
      invariant(wasClosed || carrier.ended, "closeGracefully() ends the carrier");
      if (!wasClosed) carrier.handlers.close();
    } else {
      engine.close();
    }
    invariant(seen.closed === 1, "closing ends the engine once");
    invariant(wasClosed || seen.closedWith === undefined, "closing without an error reports none");
    for (let i = 0; i < immediates.length; i++) immediates[i]();
  }

  /** What the engine wrote: our greeting, then ZMTP frames, the first our READY. */
  function checkWritten(written) {
    const out = Buffer.concat(written);
    invariant(out.length >= 64, "our greeting is written at once");
    const greeting = decodeGreeting(out.subarray(0, 64));
    invariant(greeting.mechanism === "NULL" && greeting.asServer === false, "our greeting: NULL");
    invariant(greeting.major === 3 && greeting.minor === 1, "our greeting: ZMTP 3.1");
    const frames = [];
    const decoder = new FrameDecoder((flags, body) => frames.push([flags, Buffer.from(body)]));
    decoder.push(out.subarray(64));
    invariant(decoder.buffered === 0, "we write whole frames");
    if (frames.length > 0) {
      const [flags, body] = frames[0];
      invariant(flags & FLAG_COMMAND, "our first frame is a command");
      const first = decodeCommandBody(body);
      if (first.name === "READY") {
        const type = decodeMetadata(first.data).get("socket-type")?.toString("latin1");
        invariant(type === ours, "our READY says our socket type");
      } else {
        invariant(first.name === "ERROR", `our first command is READY or ERROR, not ${first.name}`);
      }
    }
  }
};
