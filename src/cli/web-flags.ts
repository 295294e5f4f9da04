import { isLoopback, newToken } from "../gateway/access.js";
import { splitList } from "../zmq/internal.js";
import { type Parsed, UsageError } from "./args.js";

/** The flags of the commands that face browsers: gateway, web, serve-demo --web. */
export const WEB_FLAGS = ["token", "no-token", "allow-origin", "allow-host", "allow-address", "max-devices"] as const;

/** Where a token comes from when --token is not given (before one is made up). */
export const TOKEN_VARIABLE = "PLANTRPC_TOKEN";

export interface WebFlags {
  /** undefined with --no-token. */
  token: string | undefined;
  noToken: boolean;
  allowedOrigins: string[] | undefined;
  allowedHosts: string[] | undefined;
  allowedAddresses: string[] | undefined;
  /** Devices relayed at most (the gateway's default when undefined). */
  maxDevices: number | undefined;
}

/**
 * --token (or $PLANTRPC_TOKEN, or a fresh one), --no-token, and the --allow-* lists (each flag
 * may be repeated, or take a comma-separated list).
 */
export function webFlags(p: Parsed): WebFlags {
  const noToken = p.flags.has("no-token");
  const given = p.flags.get("token") ?? process.env[TOKEN_VARIABLE];
  if (noToken && p.flags.has("token")) throw new UsageError("--token and --no-token exclude each other");
  if (typeof given === "string" && !/^[\x21-\x7e]{8,}$/.test(given)) {
    throw new UsageError("a token has at least 8 printable characters and no spaces");
  }
  const list = (name: string) => {
    const value = p.flags.get(name);
    return typeof value === "string" ? splitList(value) : undefined;
  };
  return {
    token: noToken ? undefined : typeof given === "string" ? given : newToken(),
    noToken,
    allowedOrigins: list("allow-origin"),
    allowedHosts: list("allow-host"),
    allowedAddresses: list("allow-address"),
    maxDevices: positiveInteger(p, "max-devices"),
  };
}

function positiveInteger(p: Parsed, name: string): number | undefined {
  const value = p.flags.get(name);
  if (typeof value !== "string") return undefined;
  if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`--${name} takes a positive whole number`);
  return Number(value);
}

/** What --no-token means, said where the user will see it (stderr). */
export function warnNoToken(flags: WebFlags, host: string): void {
  if (!flags.noToken) return;
  const who = isLoopback(host)
    ? "any program or user on this machine"
    : `anyone who can reach ${host} (any computer on the network)`;
  console.error(`plantrpc: WARNING: --no-token: ${who} can drive every device through this port.`);
}
