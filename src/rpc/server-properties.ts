/** PROPERTY_GET and PROPERTY_SET on the device (protocol-spec/rpc.md, section 2). */
import { BadRequest, readForCompare } from "./request.js";
import type { PropertyEntry } from "./server-options.js";

/** PROPERTY_GET: the getter's value. */
export async function readProperty(properties: ReadonlyMap<string, PropertyEntry>, name: string): Promise<unknown> {
  return property(properties, name).get();
}

/** PROPERTY_SET: calls the setter; with autoNotify, emits the notify signal when the value read back changed. */
export async function writeProperty(
  properties: ReadonlyMap<string, PropertyEntry>,
  name: string,
  value: unknown,
): Promise<void> {
  const p = property(properties, name);
  if (!p.set) throw new BadRequest(`property ${name} is read-only`);
  const watch = p.autoNotify && p.notify;
  const before = watch ? await readForCompare(p) : undefined;
  await p.set(value);
  if (!watch) return;
  const after = await readForCompare(p);
  if (after.key !== before!.key) p.notify!.emit(after.value);
}

/** A registered property; a BadRequest for an unknown name (the reference's any attribute is not ours to give). */
function property(properties: ReadonlyMap<string, PropertyEntry>, name: string): PropertyEntry {
  const p = properties.get(name);
  if (!p) throw new BadRequest(`no property named "${name}"`);
  return p;
}
