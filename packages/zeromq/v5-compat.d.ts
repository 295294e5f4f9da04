export * from "plantrpc/zmq/v5-compat";
