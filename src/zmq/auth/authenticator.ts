// A ZAP handler with the policies people use with libzmq (CZMQ's zauth, pyzmq's zmq.auth):
// addresses allowed or denied, PLAIN passwords, CURVE keys or a directory of certificates, and a
// callback for the rest; per ZAP domain. It is a ROUTER bound at inproc://zeromq.zap.01 in a
// context, so every socket of that context asks it, as libzmq's sockets ask theirs.
import type { Buffer } from "node:buffer";
import { type Context, context as globalContext } from "../context.js";
import { plainError, type ZmqError } from "../errors.js";
import { Router } from "../socket/router.js";
import { isDirectory } from "./files.js";
import {
  type AuthDecision,
  type AuthPolicy,
  type AuthRequest,
  decide,
  type PreparedPolicy,
  preparePolicy,
  requestOf,
} from "./policy.js";
import { readZapRequest, ZAP_VERSION, type ZapRequestMessage, zapReplyFrames } from "./zap-messages.js";

/** Where libzmq's sockets ask (RFC 27). */
export const ZAP_ENDPOINT = "inproc://zeromq.zap.01";

/**
 * A socket to serve ZAP on, ours or the native package's: a ROUTER not yet bound (the
 * authenticator binds it at inproc://zeromq.zap.01 and closes it when stopped).
 */
export interface ZapSocket {
  /** Binds the socket (at inproc://zeromq.zap.01). */
  bind(address: string): Promise<void>;
  /** The next ZAP request, behind its envelope. */
  receive(): Promise<Buffer[] | Uint8Array[]>;
  /** Sends a reply. */
  send(message: Uint8Array[]): Promise<void>;
  /** Closes the socket (stop()). */
  close(): void;
}

/** Options of `new Authenticator()`: the "*" domain's policy, addresses, other domains, where to serve and whom to tell. */
export interface AuthenticatorOptions extends AuthPolicy {
  /**
   * The context whose server sockets it answers (it binds inproc://zeromq.zap.01 there; default:
   * the global context, whose sockets in every thread ask it). Ignored with `socket`.
   */
  context?: Context;
  /** Serve on this socket instead (a ROUTER, not yet bound): for another ZeroMQ, the native package's included. */
  socket?: ZapSocket;
  /** Client addresses admitted; when any is given, others are refused (status 400), whatever the mechanism. */
  allow?: Iterable<string>;
  /** Client addresses refused (status 400), whatever the mechanism. */
  deny?: Iterable<string>;
  /** Policies of other ZAP domains (a socket's zapDomain); the options' own policy is the "*" domain's, which serves domains not named here. */
  domains?: Readonly<Record<string, AuthPolicy>>;
  /** Told every decision (who, what, admitted or not, which rule, why). */
  onDecision?: (decision: AuthDecision) => void;
  /** Told of files in a certificate directory that are not certificates (skipped). */
  onSkipped?: (path: string, error: Error) => void;
}

/** Rejects with a ZmqError (ENOENT) when a policy's certificate directory does not exist. */
export async function checkPolicyFiles(policy: AuthPolicy): Promise<void> {
  const dir = policy.curve?.directory;
  if (dir !== undefined && !(await isDirectory(dir)))
    throw plainError("ENOENT", `the certificate directory ${dir} does not exist`);
}

/**
 * The authenticator started on each context (on the socket it made). As in libzmq, each context
 * has its own inproc://zeromq.zap.01, so its own ZAP handler; the global context's is the one of
 * every thread (inproc.ts).
 */
const started = new WeakMap<Context, Authenticator>();

/**
 * Admits or refuses the clients of every server socket of a context, as CZMQ's zauth and
 * pyzmq's `zmq.auth` do: first by address (`allow`, `deny`), then by mechanism, with the policy of
 * the socket's `zapDomain` (or the "*" policy): NULL admitted; PLAIN by password; CURVE any key,
 * listed keys, or the certificates of a directory; and `check` for what those leave. Until a
 * policy says otherwise, PLAIN and CURVE clients are refused (as with zauth).
 *
 * ```ts
 * const auth = new Authenticator({ curve: { directory: "clients" } });
 * await auth.start();
 * const server = new Reply({ curveServer: true, curveSecretKey: keys.secretKey });
 * ```
 */
export class Authenticator {
  private readonly allowed: Set<string>;
  private readonly denied: Set<string>;
  private readonly policies = new Map<string, PreparedPolicy>();
  private socket: ZapSocket | undefined;
  private readonly context: Context;
  private sending: Promise<unknown> = Promise.resolve();
  private starting: Promise<void> | undefined;
  private serving: Promise<void> | undefined;

  /** An authenticator, not yet serving (see start()). Throws a TypeError for a CURVE key that is not Z85. */
  constructor(private readonly options: AuthenticatorOptions = {}) {
    this.context = options.context ?? globalContext;
    this.allowed = new Set(options.allow ?? []);
    this.denied = new Set(options.deny ?? []);
    const { plain, curve, check } = options;
    if (plain || curve || check) this.configure("*", { plain, curve, check });
    for (const [domain, policy] of Object.entries(options.domains ?? {})) this.configure(domain, policy);
  }

  /**
   * The authenticator started on a context (default: the global one) in this thread, if any. The
   * global context's handler may run in another thread: this does not see it.
   */
  static of(context: Context = globalContext): Authenticator | undefined {
    return started.get(context);
  }

  /** Admits these addresses (and, once any is listed, no other). */
  allow(...addresses: string[]): this {
    for (const a of addresses) this.allowed.add(a);
    return this;
  }

  /** Refuses these addresses. */
  deny(...addresses: string[]): this {
    for (const a of addresses) this.denied.add(a);
    return this;
  }

  /**
   * Sets the policy of a ZAP domain ("*": of every domain without one of its own), replacing
   * what it had; takes effect from the next request. Throws a TypeError for a key that is not Z85.
   */
  configure(domain: string, policy: AuthPolicy): this {
    this.policies.set(domain, preparePolicy(policy, this.options.onSkipped));
    return this;
  }

  /** Removes a domain's policy (its sockets then follow the "*" policy). */
  remove(domain: string): this {
    this.policies.delete(domain);
    return this;
  }

  /** Whether it is serving. */
  get running(): boolean {
    return this.socket !== undefined;
  }

  /**
   * Binds the handler and starts serving. Rejects with a ZmqError: EADDRINUSE when the context
   * already has a ZAP handler, ENOENT when a policy's certificate directory does not exist.
   */
  start(): Promise<void> {
    // One start at a time: a second call (or a stop()) waits for the one under way.
    this.starting ??= this.bindAndServe().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** start()'s work: the policies' files checked, the socket bound, the serving loop begun. */
  private async bindAndServe(): Promise<void> {
    if (this.socket) return;
    for (const { policy } of this.policies.values()) await checkPolicyFiles(policy);
    const socket = this.options.socket ?? new Router({ context: this.context } as never);
    try {
      await socket.bind(ZAP_ENDPOINT);
    } catch (e) {
      socket.close();
      if ((e as ZmqError)?.code === "EADDRINUSE")
        throw plainError(
          "EADDRINUSE",
          "this context already has a ZAP handler (an Authenticator, or a socket bound at inproc://zeromq.zap.01; the default context's may be in another thread): configure that one (Authenticator.of(context), in its thread)",
        );
      throw e;
    }
    this.socket = socket;
    if (!this.options.socket) started.set(this.context, this);
    this.serving = this.serve(socket);
  }

  /** Stops serving and unbinds (handshakes waiting for an answer then wait for the next handler, as with libzmq). */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined;
    if (started.get(this.context) === this) started.delete(this.context);
    socket.close();
    await this.serving;
  }

  /** `await using auth = new Authenticator(...)`: stopped at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /**
   * Decides one request as the handler would, without a socket: for tests and for programs that
   * answer ZAP themselves. The decision is also passed to onDecision.
   */
  async authenticate(request: AuthRequest): Promise<AuthDecision> {
    const decision = await this.decideSafely(request);
    this.tell(decision);
    return decision;
  }

  /** Reads requests until the socket closes, answering each as it is decided. */
  private async serve(socket: ZapSocket): Promise<void> {
    while (this.socket === socket) {
      let frames: Uint8Array[];
      try {
        frames = await socket.receive();
      } catch {
        return; // closed
      }
      // answer() catches what it can; this is the backstop that keeps the loop's promise clean.
      this.answer(socket, frames).catch(() => undefined);
    }
  }

  /** Answers one request; a malformed one gets 400, as pyzmq's handler answers it. */
  private async answer(socket: ZapSocket, frames: Uint8Array[]): Promise<void> {
    const read = readZapRequest(frames);
    if (!read) return; // nothing to answer with
    const { request, complete } = read;
    const base = {
      domain: request.domain,
      address: request.address,
      identity: request.identity,
      mechanism: request.mechanism,
    };
    const auth = complete && request.version === ZAP_VERSION ? requestOf(base, request.credentials) : undefined;
    const decision: AuthDecision = auth
      ? await this.decideSafely(auth)
      : {
          ...base,
          allowed: false,
          status: 400,
          reason: complete ? "Invalid request" : "Not enough frames",
          rule: "malformed",
        };
    this.tell(decision);
    await this.reply(socket, request, decision);
  }

  /** Tells onDecision; a listener that throws must not keep the client from its answer. */
  private tell(decision: AuthDecision): void {
    try {
      this.options.onDecision?.(decision);
    } catch {
      // the decision stands; the listener's fault is its own
    }
  }

  /** Sends one reply, after those before it. */
  private reply(socket: ZapSocket, request: ZapRequestMessage, d: AuthDecision): Promise<unknown> {
    // One send at a time: the native package's sockets refuse a second send meanwhile (EBUSY).
    this.sending = this.sending
      .then(() => socket.send(zapReplyFrames(request, d.status, d.reason, d.allowed ? (d.userId ?? "") : "")))
      .catch(() => undefined); // closed meanwhile: the handshake waits, as for any handler gone
    return this.sending;
  }

  /** Addresses first, then the domain's policy; a failure in between is status 500. */
  private async decideSafely(request: AuthRequest): Promise<AuthDecision> {
    const { domain, address, mechanism } = request;
    const user = request.username ?? request.publicKey;
    const who = { domain, address, mechanism, ...(user === undefined ? {} : { user }) };
    if (this.denied.has(address))
      return { ...who, allowed: false, status: 400, reason: "Address is denied", rule: "deny-list" };
    if (this.allowed.size > 0 && !this.allowed.has(address))
      return { ...who, allowed: false, status: 400, reason: "Address not allowed", rule: "allow-list" };
    try {
      const policy = this.policies.get(domain) ?? this.policies.get("*");
      return { ...who, ...(await decide(policy, request)) };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      return { ...who, allowed: false, status: 500, reason: "Internal error", rule: "error", error };
    }
  }
}
