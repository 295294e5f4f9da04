// What the NULL and PLAIN targets share: the ZAP handler's answers (and a ZAP client giving
// them), a READY's metadata and the commands both send alike, made from the input, and the rule
// that a mechanism's step fails only with a ZmqError.
const { Buffer, invariant, load } = require("./_lib.cjs");

const command = load("zmq/codec/command.js");
const { SOCKET_TYPES } = load("zmq/engine/socket-types.js");
const { ProtocolError, ZmqError } = load("zmq/errors.js");

/** How a ZAP client answers, from the input; `outcome` says what the model expects of it. */
function zapAnswer(input) {
  const kind = input.byte() % 8;
  const text = input.field().toString("latin1");
  switch (kind) {
    case 0:
    case 1:
      return { reply: { statusCode: "200", statusText: text, userId: "user" }, admitted: true };
    case 2: {
      const statusCode = ["300", "400", "500"][input.byte() % 3];
      return { reply: { statusCode, statusText: text, userId: "" }, status: Number(statusCode) };
    }
    case 3: {
      // A status that is none of RFC 27's: a refusal all the same (500, or its number's class).
      const statusCode = input.field().toString("latin1");
      if (statusCode === "200") return { reply: { statusCode, statusText: text, userId: "" }, admitted: true };
      const n = Number(statusCode) || 500;
      return { reply: { statusCode, statusText: text, userId: "" }, status: n === 300 || n === 400 ? n : 500 };
    }
    case 4:
      return { error: new ProtocolError("EPROTO", `malformed ZAP reply ${text}`, "ERR_ZAP_MALFORMED_REPLY") };
    case 5:
      return { error: new ZmqError("ETIMEDOUT", "the ZAP handler did not answer") };
    case 6:
      return { none: true };
    default:
      return { reply: { statusCode: "200", statusText: text, userId: "" }, admitted: true, late: true };
  }
}

/** A ZAP client that gives `answer` (zapAnswer's), noting each request in `asked`. */
function zapClient(answer, asked) {
  return (request) => {
    asked.push(request);
    if (answer.none) return undefined;
    if (answer.error) return Promise.reject(answer.error);
    if (answer.late) return new Promise((resolve) => setImmediate(() => resolve(answer.reply)));
    return Promise.resolve(answer.reply);
  };
}

/** A READY's metadata from the input: a Socket-Type, perhaps an Identity, perhaps more. */
function metadataFrom(input) {
  const props = [["Socket-Type", SOCKET_TYPES[input.byte() % SOCKET_TYPES.length].type]];
  const extra = input.byte();
  if (extra & 1) props.push(["Identity", input.field()]);
  if (extra & 2) props.push([`X-${input.field().toString("latin1")}`.slice(0, 255), input.field()]);
  if (extra & 4) props.reverse();
  return command.encodeMetadata(props);
}

/**
 * The commands both targets make alike, `which` (0-3) of them: an ERROR with any reason, an
 * ERROR with a ZAP status among `statuses`, any of `names` with any body, or a raw body through
 * decodeCommandBody (undefined when it is no command).
 */
function otherCommand(input, which, names, statuses) {
  switch (which) {
    case 0:
      return { name: "ERROR", data: Buffer.from(input.field()) };
    case 1:
      return {
        name: "ERROR",
        data: command.encodeErrorCommand(statuses[input.byte() % statuses.length]).subarray(6),
      };
    case 2:
      return { name: names[input.byte() % names.length], data: Buffer.from(input.field()) };
    default: {
      try {
        return command.decodeCommandBody(Buffer.from(input.field()));
      } catch (e) {
        invariant(e instanceof ZmqError, `decodeCommandBody threw ${e}`);
        return undefined;
      }
    }
  }
}

/** Runs a step: its value, or the ZmqError it threw or rejected with. */
async function attempt(step) {
  try {
    return { value: await step() };
  } catch (e) {
    invariant(e instanceof ZmqError, `a mechanism step failed with a non-ZmqError: ${e?.stack ?? e}`);
    return { error: e };
  }
}

module.exports = { attempt, metadataFrom, otherCommand, zapAnswer, zapClient };
