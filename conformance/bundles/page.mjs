// A web page's script as a user bundles it (conformance/bundlers.test.ts builds it with each
// tool): `import ... from "plantrpc"` takes the browser build; it calls a device over ws://.
import { RPCClient } from "plantrpc";

async function main() {
  const client = await RPCClient.connect(new URL(location.href).searchParams.get("device"));
  const sum = await client.call("add", [2, 3]);
  client.close();
  return { sum };
}

main().then(
  (result) => {
    globalThis.result = result;
  },
  (e) => {
    globalThis.result = { error: String(e) };
  },
);
