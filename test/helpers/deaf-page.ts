import { Buffer } from "node:buffer";
import { RawWs } from "./raw-ws.js";

/**
 * A web page that asks and never reads: a WebSocket to a ZWS 2.0 endpoint (bare, NULL) that
 * sends its routing id and then `count` METHOD_CALL requests, with its own socket paused, so
 * that every reply waits on the server's side.
 */
export async function deafPage(endpoint: string, method: string, args: unknown[], count: number): Promise<RawWs> {
  const { ws, status } = await RawWs.open(endpoint, "ZWS2.0");
  if (status !== 101) throw new Error(`upgrade refused: ${status}`);
  ws.socket.pause();
  ws.send(Buffer.from([0x00])); // ZWS 2.0 bare: the first message is our routing id (empty)
  const body = JSON.stringify({ event: "METHOD_CALL", method, params: { args, kwargs: {} } });
  const request = Buffer.concat([Buffer.from([0x00]), Buffer.from(body)]);
  for (let i = 0; i < count; i++) {
    ws.send(Buffer.from([0x01])); // the empty delimiter, with MORE (a REQ's envelope)
    ws.send(request);
  }
  return ws;
}
