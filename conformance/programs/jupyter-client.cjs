// A Jupyter client as nteract uses it (enchannel-zmq-backend, zeromq 6's API through the
// override): kernel_info, then execute "6 * 7"; prints the replies that came back on the shell
// channel, in order (conformance/dropin-programs.test.ts).
const { createMainChannel } = require("enchannel-zmq-backend");
const { executeRequest, kernelInfoRequest } = require("@nteract/messaging");
const connection = JSON.parse(require("node:fs").readFileSync(process.argv[2], "utf8"));
void (async () => {
  const channel = await createMainChannel(connection);
  const seen = [];
  const done = new Promise((resolve) => {
    channel.subscribe((msg) => {
      const type = msg.header.msg_type;
      if (type === "kernel_info_reply") seen.push(["kernel_info_reply", msg.content.status ?? "ok"]);
      if (type === "execute_reply") {
        seen.push(["execute_reply", msg.content.status]);
        resolve();
      }
    });
  });
  channel.next(kernelInfoRequest());
  channel.next(executeRequest("6 * 7"));
  const timer = setTimeout(() => {
    console.log(JSON.stringify({ timeout: seen }));
    process.exit(1);
  }, 15000);
  await done;
  clearTimeout(timer);
  console.log(JSON.stringify(seen));
  channel.complete();
  // stdout to a pipe is written synchronously on POSIX: the line is out before the exit.
  process.exit(0);
})();
