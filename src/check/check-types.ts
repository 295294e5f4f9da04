/** What a check is, and what the checks share while they run (the device's inventory, the probe). */
import type { Inventory } from "../rpc/protocol.js";
import type { CurveClientKeys } from "../rpc/curve.js";
import type { Outcome } from "./outcome.js";
import type { Probe } from "./probe.js";

export interface CheckOptions {
  /** Also run the checks that could stop or change the device (malformed request, STOP_SERVER...). */
  destructive?: boolean;
  /** Check that the device is registered there, under the name and address it reports. */
  registry?: string;
  /** Report the Python reference's known defects as "known", not as failures. */
  referenceCompatible?: boolean;
  /** ms to wait for signals when nothing triggers them. Default 1500. */
  observeMs?: number;
  /** A CURVE device: its public key (and our own pair, for devices that admit known keys). */
  curve?: CurveClientKeys;
}

export interface Context {
  probe: Probe;
  options: CheckOptions;
  inventory?: Inventory;
  /** Set when a check left the device unable to answer: the later ones are skipped. */
  gone?: string;
}

export interface Check {
  id: string;
  title: string;
  destructive?: boolean;
  run(ctx: Context): Promise<Outcome>;
}
