// What RADIO/DISH and DGRAM read from a datagram (src/zmq/engine/udp-connection.ts): a
// UdpConnection over a fake datagram carrier (transport/carrier.ts DatagramCarrier) is fed
// datagrams through the carrier's data handler, and writes through sendMessage, as the socket
// layer uses it. RADIO/DISH datagrams are a group length, the group, the body: [group, body];
// DGRAM's are bare bodies: ["ip:port\0" of the sender, body].
// Input: [mode (bit 0: DGRAM, else RADIO/DISH), then datagrams: a kind octet and its fields]
//   kinds: well-formed datagrams the harness builds from the input (a group of up to 255
//   octets and a body; a sender's address and a body), raw datagrams (any octets, a group
//   length past the end, no sender), and messages for sendMessage (group or address frames from
//   the input, well-formed or not), whose datagrams are read back.
// Invariants:
//   - nothing is thrown out of the carrier's data handler, nor out of sendMessage;
//   - a malformed datagram (shorter than the group it announces; for DGRAM, no sender) is
//     dropped; every message handed on has two frames and no more octets than the datagram;
//   - a well-formed one is delivered intact: the group and body, or the sender and body;
//   - sendMessage writes one datagram for a message of two frames (a group of at most 255
//     octets; an "a.b.c.d:port" address that inet_addr would take, as libzmq's DGRAM), and
//     nothing for anything else; what it writes reads back as the message sent.
const { Buffer, Cursor, invariant, load } = require("./_lib.cjs");

const { UdpConnection } = load("zmq/engine/udp-connection.js");
const { ZmqError } = load("zmq/errors.js");

exports.settings = {
  includes: ["dist/cjs/zmq/engine/udp-connection", "dist/cjs/zmq/engine/bare-connection"],
  sync: false,
  maxLength: 2048,
};

class FakeDatagramCarrier {
  datagram = true;
  remoteAddress = "udp://127.0.0.1:5556";
  source = undefined;
  handlers = undefined;
  sent = [];
  start(handlers) {
    this.handlers = handlers;
  }
  write(pieces) {
    for (const p of pieces) this.send(p);
    return true;
  }
  send(datagram, to) {
    this.sent.push({ datagram: Buffer.from(datagram), to });
  }
  pause() {}
  resume() {}
  end() {}
  destroy() {}
}

/** What inet_addr takes in libzmq's resolve_raw_address, in the dotted-quad form we write. */
const isDottedQuad = (host) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) && host.split(".").every((o) => Number(o) <= 255);

exports.fuzz = async (data) => {
  const input = new Cursor(data);
  const raw = (input.byte() & 1) === 1; // DGRAM
  const carrier = new FakeDatagramCarrier();
  const received = [];
  const closed = [];
  let connection;
  const owner = {
    engineReady: (c) => invariant(c === connection, "ready: this connection"),
    engineMessage: (c, frames) => {
      invariant(c === connection, "messages: from this connection");
      received.push(frames);
    },
    engineSubscription: () => invariant(false, "no subscriptions over UDP"),
    engineWritable: () => {},
    engineClosed: (_c, error) => closed.push(error),
  };
  connection = new UdpConnection(carrier, owner, raw);
  connection.start();
  // Before the socket has recorded it, what comes is not handed on.
  deliver(Buffer.from([1, 0x61, 0x62]), { host: "10.0.0.1", port: 1 });
  invariant(received.length === 0, "nothing is handed on before the connection is ready");
  await null;
  invariant(connection.state === "ready", "ready once the socket has it");

  function deliver(datagram, source) {
    carrier.source = source;
    const before = received.length;
    try {
      carrier.handlers.data(datagram);
    } catch (e) {
      invariant(false, `the data handler threw: ${e?.stack ?? e}`);
    } finally {
      carrier.source = undefined;
    }
    invariant(received.length <= before + 1, "one datagram, at most one message");
    const message = received.length > before ? received.at(-1) : undefined;
    if (message) {
      invariant(message.length === 2 && message.every((f) => Buffer.isBuffer(f)), "two frames");
      if (!raw) invariant(message[0].length + message[1].length <= datagram.length, "no more octets than came");
    }
    return message;
  }

  function expectRead(datagram, source, frames) {
    const message = deliver(datagram, source);
    if (!frames) {
      invariant(!message, "a malformed datagram is dropped");
      return;
    }
    invariant(message, "a well-formed datagram is delivered");
    invariant(message[0].equals(frames[0]) && message[1].equals(frames[1]), "delivered intact");
  }

  function sourceFrom() {
    const kind = input.byte();
    if (kind === 0) return undefined;
    if (kind & 0x80) return { host: input.field().toString("latin1"), port: input.byte() * 256 + input.byte() };
    const host = [input.byte(), input.byte(), input.byte(), input.byte()].join(".");
    return { host, port: input.byte() * 256 + input.byte() };
  }

  for (let i = 0; i < 16 && !input.done; i++) {
    const kind = input.byte() % 4;
    if (kind === 0) {
      // Well-formed, built from the input.
      const source = sourceFrom();
      if (raw) {
        const body = Buffer.from(input.long());
        const address = source && Buffer.from(`${source.host}:${source.port}\0`, "latin1");
        expectRead(body, source, source && [address, body]);
      } else {
        const group = Buffer.from(input.field());
        const body = Buffer.from(input.long());
        expectRead(Buffer.concat([Buffer.from([group.length]), group, body]), source, [group, body]);
      }
    } else if (kind === 1) {
      // Raw octets: taken as they come, or dropped.
      const source = sourceFrom();
      const datagram = Buffer.from(input.long());
      let frames;
      if (raw) frames = source && [Buffer.from(`${source.host}:${source.port}\0`, "latin1"), datagram];
      else if (datagram.length >= 1 && datagram.length >= 1 + datagram[0])
        frames = [datagram.subarray(1, 1 + datagram[0]), datagram.subarray(1 + datagram[0])];
      expectRead(datagram, source, frames);
    } else if (kind === 2) {
      // A message of ours to send; what goes out reads back.
      send(input.byte());
    } else {
      // Closed by the carrier: the owner hears it once, and reads no more.
      const error = input.byte() & 1 ? new Error("gone") : undefined;
      carrier.handlers.close(error);
      invariant(closed.length === 1 && connection.state === "closed", "closed once");
      invariant(error ? closed[0] instanceof ZmqError : closed[0] === undefined, "ECONNRESET for an error");
      invariant(deliver(Buffer.from([0, 1]), { host: "1.2.3.4", port: 5 }) === undefined, "nothing after closing");
      return;
    }
  }

  function send(how) {
    const before = carrier.sent.length;
    let frames;
    let expected; // [datagram, to] when a datagram must go out
    if (raw) {
      const body = Buffer.from(input.long());
      let address;
      if (how & 16) {
        // Dotted numbers past 255 too: no IPv4 address, though the frame looks like one.
        const octets = [0, 0, 0, 0].map(() => (input.byte() * 4) % 1000);
        address = `${octets.join(".")}:${1 + input.byte()}`;
      } else if (how & 1) {
        const source = sourceFrom() ?? { host: "127.0.0.1", port: 9 };
        address = `${source.host}:${source.port}${how & 2 ? "\0" : ""}`;
      } else {
        address = input.field().toString("latin1");
      }
      frames = [Buffer.from(address, "latin1"), body];
      const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})\0?$/.exec(address);
      if (m && isDottedQuad(m[1]) && Number(m[2]) >= 1 && Number(m[2]) <= 65535) {
        expected = [body, { host: m[1], port: Number(m[2]) }];
      }
    } else {
      const group = Buffer.from(how & 1 ? input.long() : input.field());
      const body = Buffer.from(input.long());
      frames = [group, body];
      if (group.length <= 255) expected = [Buffer.concat([Buffer.from([group.length]), group, body])];
    }
    if (how & 4) frames = how & 8 ? [frames[0]] : [...frames, Buffer.from(input.field())];
    try {
      connection.sendMessage(frames);
    } catch (e) {
      invariant(false, `sendMessage threw: ${e?.stack ?? e}`);
    }
    if (frames.length !== 2 || !expected) {
      invariant(carrier.sent.length === before, `nothing is sent for ${frames.map((f) => f.toString("latin1"))}`);
      return;
    }
    invariant(carrier.sent.length === before + 1, "one datagram per message");
    const { datagram, to } = carrier.sent.at(-1);
    invariant(datagram.equals(expected[0]), "the datagram as the message says");
    if (raw) {
      invariant(to && to.host === expected[1].host && to.port === expected[1].port, "sent to the address frame's");
      // As it comes back from there: the sender's address, the body.
      expectRead(datagram, to, [Buffer.from(`${to.host}:${to.port}\0`, "latin1"), frames[1]]);
    } else {
      invariant(to === undefined, "a RADIO's datagram goes to the connected peer");
      expectRead(datagram, { host: "10.1.1.1", port: 7 }, frames);
    }
  }
};
