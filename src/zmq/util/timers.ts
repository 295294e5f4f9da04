/** Lets the process exit while `timer` is pending (runtimes without unref() ignore it). */
export function unref<T extends ReturnType<typeof setTimeout>>(timer: T): T {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
