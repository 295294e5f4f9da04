import type { CurveBoxes, KeyPair, PrefixedBoxes } from "./curve-primitive.js";
import type { KeyAgreement } from "./curve-x25519.js";

/** The part of libsodium's WebAssembly module used for MESSAGE boxes (lengths are two 32-bit halves). */
interface RawSodium {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(pointer: number): void;
  _crypto_box_easy_afternm(c: number, m: number, mlenLow: number, mlenHigh: number, n: number, k: number): number;
  _crypto_box_open_easy_afternm(m: number, c: number, clenLow: number, clenHigh: number, n: number, k: number): number;
}

/** The libsodium-wrappers calls used for the handshake's few boxes. */
interface Wrappers {
  ready: Promise<void>;
  libsodium: RawSodium;
  crypto_box_keypair(): { publicKey: Uint8Array; privateKey: Uint8Array };
  crypto_scalarmult_base(secretKey: Uint8Array): Uint8Array;
  crypto_box_beforenm(publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array;
  crypto_box_easy_afternm(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array;
  crypto_box_open_easy_afternm(box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array;
}

/** Offsets in the scratch region: the key, the nonce, then the box or plaintext. */
const KEY_AT = 0;
const NONCE_AT = 32;
const DATA_AT = 64;
const TAG = 16;

/**
 * One region of WebAssembly memory for every MESSAGE box of this thread (calls are synchronous,
 * so they never overlap): key and nonce are copied in per call, so that no connection holds
 * memory there, and the region only grows, to the largest box seen.
 */
class Scratch {
  private pointer = 0;
  private size = 0;

  constructor(private readonly lib: RawSodium) {}

  /** The region's address, with room for `data` octets after the key and nonce. */
  reserve(data: number): number {
    const needed = DATA_AT + data;
    if (needed > this.size) {
      if (this.pointer) this.lib._free(this.pointer);
      this.size = Math.max(needed, this.size * 2, 64 * 1024);
      this.pointer = this.lib._malloc(this.size);
      if (!this.pointer) throw new Error(`libsodium could not allocate ${this.size} octets`);
    }
    return this.pointer;
  }
}

class SodiumPrefixedBoxes implements PrefixedBoxes {
  constructor(
    private readonly lib: RawSodium,
    private readonly scratch: Scratch,
    private readonly key: Uint8Array,
    private readonly prefix: Uint8Array,
  ) {}

  private load(region: number, tail: Uint8Array): Uint8Array {
    // Read after reserve(): a growing memory replaces HEAPU8.
    const heap = this.lib.HEAPU8;
    heap.set(this.key, region + KEY_AT);
    heap.set(this.prefix, region + NONCE_AT);
    heap.set(tail, region + NONCE_AT + 16);
    return heap;
  }

  // Input and output in separate parts of the region: in place, libsodium would first move the
  // whole message (a memmove as long as it), which costs a third of the speed at 1 MiB.
  sealInPlace(tail: Uint8Array, buffer: Uint8Array): void {
    const length = buffer.length - 32;
    const out = align(length);
    const region = this.scratch.reserve(out + TAG + length);
    const heap = this.load(region, tail);
    const plain = region + DATA_AT;
    heap.set(buffer.subarray(32), plain);
    this.lib._crypto_box_easy_afternm(plain + out, plain, length, 0, region + NONCE_AT, region + KEY_AT);
    buffer.set(heap.subarray(plain + out, plain + out + TAG + length), 16);
  }

  sealMessage(tail: Uint8Array, head: Uint8Array, flags: number, body: Uint8Array): Uint8Array {
    const length = 1 + body.length;
    const out = align(length);
    const region = this.scratch.reserve(out + TAG + length);
    const heap = this.load(region, tail);
    const plain = region + DATA_AT;
    // The plaintext is put together in the region itself: no copy of the body on the JS side.
    heap[plain] = flags;
    heap.set(body, plain + 1);
    this.lib._crypto_box_easy_afternm(plain + out, plain, length, 0, region + NONCE_AT, region + KEY_AT);
    const frame = new Uint8Array(16 + TAG + length);
    frame.set(head);
    frame.set(heap.subarray(plain + out, plain + out + TAG + length), 16);
    return frame;
  }

  open(tail: Uint8Array, box: Uint8Array): Uint8Array | undefined {
    if (box.length < TAG) return undefined;
    const out = align(box.length);
    const region = this.scratch.reserve(out + box.length);
    const heap = this.load(region, tail);
    const at = region + DATA_AT;
    heap.set(box, at);
    const failed = this.lib._crypto_box_open_easy_afternm(
      at + out,
      at,
      box.length,
      0,
      region + NONCE_AT,
      region + KEY_AT,
    );
    if (failed !== 0) return undefined;
    return heap.slice(at + out, at + out + box.length - TAG);
  }
}

/** The next multiple of 16 (the output part starts aligned). */
function align(n: number): number {
  return (n + 15) & ~15;
}

/** Loads libsodium-wrappers (its WebAssembly module) and gives crypto_box through it. */
export async function sodiumBoxes(): Promise<CurveBoxes> {
  const module = (await import("libsodium-wrappers")) as unknown as Wrappers & { default?: Wrappers };
  await module.ready;
  const sodium = module.default ?? module;
  const lib = sodium.libsodium;
  const scratch = new Scratch(lib);
  const sodiumAgreement: KeyAgreement = {
    generateKeyPair(): KeyPair {
      const { publicKey, privateKey } = sodium.crypto_box_keypair();
      return { publicKey, secretKey: privateKey };
    },
    publicKeyOf: (secretKey) => sodium.crypto_scalarmult_base(secretKey),
    boxKey: (theirPublic, ourSecret) => sodium.crypto_box_beforenm(theirPublic, ourSecret),
  };
  // The handshake's X25519 is the runtime's where it agrees with libsodium (a third of the cost).
  // PLANTRPC_CURVE_X25519=sodium keeps libsodium's (benchmarks/README.md compares the two).
  const onlySodium = typeof process !== "undefined" && process.env?.PLANTRPC_CURVE_X25519 === "sodium";
  const agreement = (onlySodium ? undefined : await runtimeAgreement(sodiumAgreement)) ?? sodiumAgreement;
  return {
    generateKeyPair: () => agreement.generateKeyPair(),
    publicKeyOf: (secretKey) => agreement.publicKeyOf(secretKey),
    boxKey: (theirPublic, ourSecret) => agreement.boxKey(theirPublic, ourSecret),
    seal: (key, nonce, plaintext) => sodium.crypto_box_easy_afternm(plaintext, nonce, key),
    open(key, nonce, box) {
      if (box.length < TAG) return undefined;
      try {
        return sodium.crypto_box_open_easy_afternm(box, nonce, key);
      } catch {
        return undefined;
      }
    },
    prefixed: (key, prefix) =>
      new SodiumPrefixedBoxes(lib, scratch, Uint8Array.from(key), Uint8Array.from(prefix.subarray(0, 16))),
  };
}

/**
 * The runtime's agreement, when it agrees with libsodium's. Loaded here, not imported: the
 * CommonJS build requires @noble/ciphers (an ES module), which Node before 20.19 and Jest's
 * module system refuse; CURVE then keeps libsodium's agreement rather than failing.
 */
async function runtimeAgreement(reference: KeyAgreement): Promise<KeyAgreement | undefined> {
  try {
    return (await import("./curve-x25519.js")).runtimeKeyAgreement(reference);
  } catch {
    return undefined;
  }
}
