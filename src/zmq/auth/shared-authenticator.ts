// The authenticator a library component (a device, the registry) adds its own ZAP domain to:
// the context's running one, or one started for the purpose and stopped when the last component
// lets go. A started one admits, outside the components' domains, what a context with no
// handler admits (NULL and every CURVE client that knows the key), so that other sockets of the
// program keep working as they did.
import { type Context, context as globalContext } from "../context.js";
import { Authenticator, checkPolicyFiles } from "./authenticator.js";
import type { AuthPolicy } from "./policy.js";

/** Authenticators started here, with the domains added to each. */
const users = new Map<Authenticator, Set<string>>();
/** Starts under way, by context, so that two components starting at once share one. */
const starting = new Map<Context, Promise<Authenticator>>();

function authenticatorOf(context: Context): Promise<Authenticator> {
  // No await between the look and the start: two components starting at once share one.
  const found = Authenticator.of(context);
  if (found) return Promise.resolve(found);
  const under = starting.get(context);
  if (under) return under;
  const auth = new Authenticator({
    context,
    curve: { allowAny: true },
    // Nobody else would hear of it: a file in an allowKeys directory that is not a certificate.
    onSkipped: (path, error) =>
      (globalThis as { process?: { emitWarning?(m: string): void } }).process?.emitWarning?.(
        `allowKeys: ${path} is not a client certificate, skipped (${error.message})`,
      ),
  });
  const start = (async () => {
    await auth.start();
    users.set(auth, new Set());
    return auth;
  })().finally(() => starting.delete(context));
  starting.set(context, start);
  return start;
}

/**
 * Sets `policy` for `domain` on the context's authenticator (started if none runs). Resolves with
 * the function that takes it away again. Rejects with a ZmqError (ENOENT) when the policy's
 * certificate directory does not exist.
 */
export async function addDomainPolicy(
  domain: string,
  policy: AuthPolicy,
  context: Context = globalContext,
): Promise<() => Promise<void>> {
  await checkPolicyFiles(policy);
  let auth = await authenticatorOf(context);
  // The one found may have stopped meanwhile (its last user let go): then start another.
  while (!auth.running) auth = await authenticatorOf(context);
  auth.configure(domain, policy);
  users.get(auth)?.add(domain);
  return async () => {
    auth.remove(domain);
    const domains = users.get(auth);
    if (!domains) return; // the program's own authenticator: it stays
    domains.delete(domain);
    if (domains.size === 0) {
      users.delete(auth);
      await auth.stop();
    }
  };
}
