/**
 * The RPC protocol of plantimager.commons as plantrpc speaks it (protocol-spec/rpc.md), in one
 * place: event names, what each request and reply holds, the inventory and its validator, the
 * defaults. The server, the client, `plantrpc check`, `plantrpc bench` and the gateway take them
 * from here.
 */

/** The `event` of each request, and of the signal messages. */
export const RpcEvent = {
  /** Asks for the device's inventory: its methods with their timeouts, signals, properties, name. */
  getInventory: "GET_INVENTORY",
  /** Asks for the signals' PUB socket (created on the first such request); the reply has its port. */
  initSignals: "INIT_SIGNALS_HANDLING",
  /** Calls a method with positional and keyword arguments; the reply has its result. */
  methodCall: "METHOD_CALL",
  /** Reads a declared property; the reply has its value. */
  propertyGet: "PROPERTY_GET",
  /** Writes a declared, writable property. */
  propertySet: "PROPERTY_SET",
  /** Stops the server, after it has replied. */
  stopServer: "STOP_SERVER",
  /** Ours (section 8): the caller gave up a call; no reply. */
  cancel: "CANCEL",
  /** Ours (section 8): a stream's reader took more items; no reply. */
  streamCredit: "STREAM_CREDIT",
  /** A signal emission, as the PUB socket publishes it (not a request). */
  emitSignal: "EMIT_SIGNAL",
} as const;

/** The `event` of an RPC request, as the Python reference names them. */
export type RpcEventName = (typeof RpcEvent)[keyof typeof RpcEvent];

/** A request, as a client sends it (one frame, JSON or MessagePack). */
export type RpcRequest =
  | {
      /** `GET_INVENTORY`: the reply is the Inventory. */
      event: typeof RpcEvent.getInventory;
    }
  | {
      /** `INIT_SIGNALS_HANDLING`: the reply is `{"success": true, "signal_port": <int>}`. */
      event: typeof RpcEvent.initSignals;
    }
  | {
      /** `METHOD_CALL`: the reply is `{"success": true, "result": ...}`, or two frames for a buffer method. */
      event: typeof RpcEvent.methodCall;
      /** The method's name, as the inventory lists it. */
      method: string;
      /** The arguments; a server also takes the key missing or `{}`, for none. */
      params: {
        /** Positional arguments, in order. */
        args: unknown[];
        /** Keyword arguments: each fills the position of the parameter of that name. */
        kwargs: Record<string, unknown>;
      };
    }
  | {
      /** `PROPERTY_GET`: the reply is `{"success": true, "value": ...}`. */
      event: typeof RpcEvent.propertyGet;
      /** The property's name, as the inventory lists it. */
      property: string;
    }
  | {
      /** `PROPERTY_SET`: the reply is `{"success": true}`. */
      event: typeof RpcEvent.propertySet;
      /** The property's name, as the inventory lists it. */
      property: string;
      /** The new value (JSON, or MessagePack when negotiated). */
      value: unknown;
    }
  | {
      /** `STOP_SERVER`: the reply is `{"success": true}`, then the server stops serving. */
      event: typeof RpcEvent.stopServer;
    };

/** What a PUB socket of a device publishes for each emission (always JSON). */
export interface SignalMessage {
  /** Always `EMIT_SIGNAL`. */
  event: typeof RpcEvent.emitSignal;
  /** The signal's name. */
  signal: string;
  /** The emission's arguments. */
  args: unknown[];
  /** Kept from the reference's message; false in what plantrpc publishes. */
  blocking: boolean;
}

/** The keys of each successful reply (sorted); a failure has success, error and traceback. */
export const REPLY_KEYS: Readonly<Record<string, readonly string[]>> = {
  [RpcEvent.initSignals]: ["signal_port", "success"],
  [RpcEvent.methodCall]: ["result", "success"],
  [RpcEvent.propertyGet]: ["success", "value"],
  [RpcEvent.propertySet]: ["success"],
  [RpcEvent.stopServer]: ["success"],
};

/** ms a client waits for a method without a timeout of its own, and for properties. */
export const DEFAULT_METHOD_TIMEOUT_MS = 10_000;

/** A device's inventory: GET_INVENTORY's reply. */
export interface Inventory {
  /** Method name -> ms a client should wait for it (null: forever). */
  json_methods: Record<string, number | null>;
  /** Buffer method name -> ms a client should wait for it (null: forever). */
  buffer_methods: Record<string, number | null>;
  /** The signals' names. */
  signals: string[];
  /** The properties' names. */
  properties: string[];
  /** The name the registry gave the device ("" when unregistered). */
  name: string;
  /** plantrpc's extension (protocol-spec/rpc.md, sections 6 and 7). */
  plantrpc?: PlantrpcKey;
}

/** The inventory's `plantrpc` key: what a plantrpc server offers beyond the reference's protocol. */
export interface PlantrpcKey {
  /** The extension's version (1). */
  version: number;
  /** The request encodings the server reads: `"json"`, and `"msgpack"` for plantrpc servers. */
  encodings: string[];
  /** The call extension's features the server offers (section 8): `cancel`, `progress`, `stream`. */
  calls?: string[];
  /** Stream methods (section 8): name -> ms a reader waits for each item (null: forever). */
  streams?: Record<string, number | null>;
  /** The server's WebSocket endpoints (methods, signals), when it serves them. */
  web?: {
    /** Where the method socket is bound over WebSocket, as bound (`ws://0.0.0.0:8090/`). */
    methods: string;
    /** Where the signals' PUB socket is bound over WebSocket: `<path>/signals` on the same port. */
    signals: string;
  };
}

/** Version and encodings announced in the inventory's `plantrpc` key. */
export const PLANTRPC_INVENTORY = {
  /** The extension's version. */
  version: 1,
  /** The request encodings a plantrpc server reads: JSON, and MessagePack (protocol-spec/rpc.md, section 6). */
  encodings: ["json", "msgpack"],
} as const;

const INVENTORY_KEYS = new Set(["json_methods", "buffer_methods", "signals", "properties", "name", "plantrpc"]);

/**
 * What is wrong with an inventory. The structure (two method tables, two lists) is what a client
 * needs; `strict` adds what the protocol also says (positive integer timeouts, names listed once,
 * a string name, no unknown key, a method of one kind only), which `plantrpc check` holds devices
 * to (it checks the `plantrpc` key on its own: plantrpcKeyProblems).
 */
export function inventoryProblems(value: unknown, strict = false): string[] {
  if (!isObject(value)) return ["not an object"];
  const problems: string[] = [];
  for (const key of ["json_methods", "buffer_methods"]) {
    const table = value[key];
    if (!isObject(table)) {
      problems.push(`${key} missing or not an object`);
      continue;
    }
    if (!strict) continue;
    for (const [name, timeout] of Object.entries(table)) {
      if (timeout !== null && !(Number.isInteger(timeout) && (timeout as number) > 0)) {
        problems.push(`${key}.${name}: timeout ${JSON.stringify(timeout)} is neither a positive integer nor null`);
      }
    }
  }
  for (const key of ["signals", "properties"]) {
    const list = value[key];
    if (!Array.isArray(list) || (strict && !list.every((s) => typeof s === "string"))) {
      problems.push(`${key} missing or not a list of names`);
    } else if (strict && new Set(list).size !== list.length) problems.push(`${key} lists a name twice`);
  }
  if (!strict) return problems;
  if (typeof value.name !== "string") problems.push("name missing or not a string");
  for (const key of Object.keys(value)) if (!INVENTORY_KEYS.has(key)) problems.push(`unexpected key "${key}"`);
  const buffer = new Set(Object.keys(isObject(value.buffer_methods) ? value.buffer_methods : {}));
  for (const name of Object.keys(isObject(value.json_methods) ? value.json_methods : {})) {
    if (buffer.has(name)) problems.push(`${name} is both a JSON and a buffer method`);
  }
  return problems;
}

/** Whether a reply has an inventory's structure (what a client relies on). */
export function isInventory(value: unknown): value is Inventory {
  return inventoryProblems(value).length === 0;
}

/** What is wrong with the `plantrpc` key (protocol-spec/rpc.md, sections 6 and 7). */
export function plantrpcKeyProblems(value: unknown): string[] {
  if (!isObject(value)) return ["not an object"];
  const problems: string[] = [];
  if (!Number.isInteger(value.version)) problems.push("version is not an integer");
  if (!Array.isArray(value.encodings) || !value.encodings.includes("json"))
    problems.push("encodings does not list json");
  if (value.calls !== undefined && !(Array.isArray(value.calls) && value.calls.every((c) => typeof c === "string"))) {
    problems.push("calls is not a list of names");
  }
  if (value.streams !== undefined && !isObject(value.streams)) problems.push("streams is not an object");
  if (value.web !== undefined) {
    const web = isObject(value.web) ? value.web : {};
    for (const key of ["methods", "signals"]) {
      if (typeof web[key] !== "string" || !/^wss?:\/\//.test(web[key] as string)) {
        problems.push(`web.${key} is not a ws:// URL`);
      }
    }
  }
  return problems;
}

/** A JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
