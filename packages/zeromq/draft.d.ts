export * from "plantrpc/zmq/draft";
