// Starts jp-kernel, a Jupyter kernel written for zeromq 5's API (through the override), on the
// ports of the connection file given as argv[2]; prints "ready" once it serves
// (conformance/dropin-programs.test.ts).
const Kernel = require("jp-kernel");
const connection = JSON.parse(require("node:fs").readFileSync(process.argv[2], "utf8"));
const kernel = new Kernel({
  connection,
  cwd: process.cwd(),
  protocolVersion: "5.1",
  hideUndefined: true,
  kernelInfoReply: {
    protocol_version: "5.1",
    implementation: "test",
    implementation_version: "0",
    language_info: {
      name: "javascript",
      version: process.versions.node,
      mimetype: "application/javascript",
      file_extension: ".js",
    },
    banner: "test",
    help_links: [],
  },
  startupCallback() {
    console.log("ready");
  },
});
process.on("SIGTERM", () => kernel.destroy(() => process.exit(0)));
