import { expect } from "vitest";
import type { PeerSocket } from "./peers.js";

/**
 * The refusal scenario of the security suites: a REQ with the wrong credentials connects to
 * `rep` first and sends; a REQ with the right ones follows and is served; the intruder's request
 * never reaches the server.
 */
export async function intruderRefusedFriendServed(
  rep: PeerSocket,
  endpoint: string,
  makeClient: (options: object) => Promise<PeerSocket>,
  intruderOptions: object,
  friendOptions: object,
): Promise<void> {
  const intruder = await makeClient(intruderOptions);
  await intruder.connect(endpoint);
  await intruder.send(["let me in"]);
  const friend = await makeClient(friendOptions);
  await friend.connect(endpoint);
  await friend.send(["hello"]);
  expect(await rep.receive()).toEqual(["hello"]);
  await rep.send(["hi"]);
  expect(await friend.receive()).toEqual(["hi"]);
  await expect(rep.receive(300)).rejects.toThrow();
}
