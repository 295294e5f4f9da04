export * from "plantrpc/zmq";
