import { ZmqError } from "../../errors.js";
import type { Carrier, Transport } from "../carrier.js";
import { formatWsEndpoint, parseWsAddress } from "../endpoint.js";
import { type WebSocketLike, WsCarrier } from "./ws-carrier.js";
import { mechanismOf, offeredProtocols } from "./zws.js";

/**
 * ws:// and wss:// in a web page, through the page's own WebSocket: connect only (a page cannot
 * listen), and NULL only, because browsers refuse to offer "ZWS2.0/PLAIN" or "ZWS2.0/CURVE" (not
 * HTTP tokens). TLS for wss:// is the browser's.
 */
export function browserWsTransport(scheme: "ws" | "wss"): Transport {
  return {
    async listen(address) {
      throw new ZmqError("EPROTONOSUPPORT", `bind ${scheme}://${address}: a web page cannot listen`);
    },

    connect(address, settings = {}): Promise<Carrier> {
      const { host, port, path, query } = parseWsAddress(address, false);
      // Errors and events name the endpoint without its query: a token stays out of logs.
      const url = formatWsEndpoint(scheme, host, port, path);
      const mechanism = settings.mechanism ?? "NULL";
      if (mechanism !== "NULL") {
        const why = `${mechanism} over WebSocket needs the ZWS2.0/${mechanism} protocol name, which browsers refuse`;
        return Promise.reject(new ZmqError("EPROTONOSUPPORT", `connect ${url}: ${why}`));
      }
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(url + query, offeredProtocols(mechanism));
        ws.binaryType = "arraybuffer";
        let timer: ReturnType<typeof setTimeout> | undefined;
        const fail = (why: string) => {
          clearTimeout(timer);
          ws.onopen = ws.onerror = ws.onclose = null;
          ws.close();
          reject(new ZmqError("ECONNRESET", `connect ${url}: ${why}`));
        };
        if (settings.timeout) timer = setTimeout(() => fail("timed out"), settings.timeout);
        ws.onerror = () => fail("the WebSocket could not be opened");
        ws.onclose = () => fail("the WebSocket closed before opening");
        ws.onopen = () => {
          clearTimeout(timer);
          ws.onopen = ws.onerror = ws.onclose = null;
          const agreed = mechanismOf(ws.protocol);
          if (agreed === undefined) return fail(`the server chose no ZWS protocol ("${ws.protocol}")`);
          resolve(new WsCarrier(ws as unknown as WebSocketLike, url, agreed));
        };
      });
    },
  };
}
