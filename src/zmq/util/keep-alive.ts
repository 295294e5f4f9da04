/**
 * What keeps the process (or worker thread) running, as with the native package: sockets and
 * their connections never do by themselves (an idle socket, bound or connected, lets the process
 * exit), but an operation that waits does: a send waiting for room or a peer, a receive, an event
 * stream being read. One ref'd timer stands for all of them while any is pending.
 */
let holds = 0;
/** Made once; ref'd while something holds, unref'd otherwise (a cheap toggle, on the hot path of receive). */
let timer: { ref?(): unknown; unref?(): unknown } | undefined;

/** Holds the process until the returned function is called (once; later calls do nothing). */
export function holdProcess(): () => void {
  if (holds++ === 0) {
    timer ??= setInterval(() => {}, 0x7fff_ffff) as unknown as { ref?(): unknown; unref?(): unknown };
    timer.ref?.();
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holds === 0) timer?.unref?.();
  };
}

/** Lets the process exit while `handle` is open (net sockets and servers; runtimes without unref() ignore it). */
export function unrefHandle<T>(handle: T): T {
  (handle as { unref?: () => void }).unref?.();
  return handle;
}
