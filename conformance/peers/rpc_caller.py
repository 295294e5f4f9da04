#!/usr/bin/python3
"""A Python client driven by a script: `rpc_caller.py <url>`, then one JSON operation per line
on stdin, one JSON result per line on stdout. Uses the reference's RPCClient when
PLANTIMAGER_COMMONS_PATH is set, else minirpc.Client.

Operations: {"op": "inventory"}, {"op": "call", "method", "args", "kwargs"},
{"op": "get", "property"}, {"op": "set", "property", "value"},
{"op": "signals", "count", "timeout_ms"} (signals received so far, waiting for count),
{"op": "stop"}. Results: {"ok": true, "result": ...} or {"ok": false, "error", "traceback"};
buffers come back as {"len": n, "sha256": hex, "info": {...}}.
"""
import hashlib
import json
import os
import sys
import threading
import time

REFERENCE = os.environ.get("PLANTIMAGER_COMMONS_PATH")
received = []
received_lock = threading.Condition()


def on_signal(name):
    def listener(*args):
        with received_lock:
            received.append([name, list(args)])
            received_lock.notify_all()
    return listener


def buffer_result(data, info):
    data = bytes(data)
    return {"len": len(data), "sha256": hashlib.sha256(data).hexdigest(), "info": info}


class MiniAdapter:
    def __init__(self, url):
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import minirpc
        self.client = minirpc.Client(url, signals=("tick", "exposure_changed"))
        for name, sig in self.client.signals.items():
            sig.connect(on_signal(name))

    def inventory(self):
        return self.client.inventory

    def call(self, method, args, kwargs):
        ok, res = self.client.execute(method, args, kwargs)
        if not ok:
            return {"ok": False, "error": res[0], "traceback": res[1]}
        if method in self.client.inventory["buffer_methods"]:
            return {"ok": True, "result": buffer_result(*res)}
        return {"ok": True, "result": res}

    def get(self, name):
        ok, res = self.client.get(name)
        return {"ok": True, "result": res} if ok else {"ok": False, "error": res[0], "traceback": res[1]}

    def set(self, name, value):
        ok, res = self.client.set(name, value)
        return {"ok": True, "result": None} if ok else {"ok": False, "error": res[0], "traceback": res[1]}

    def stop(self):
        return {"ok": True, "result": self.client.stop_server()}


class ReferenceAdapter:
    def __init__(self, url):
        sys.path.insert(0, REFERENCE)
        import zmq
        from plantimager.commons.RPC import NoResult, RPCClient, RPCProperty, RPCSignal
        self.NoResult = NoResult

        class DeviceInterface:
            tick = RPCSignal(int)
            exposure_changed = RPCSignal(int)

            def add(self, a, b=2): ...
            def echo(self, x): ...
            def fail(self, msg): ...
            def slow(self, ms): ...
            def forever(self): ...
            def emit_tick(self, n): ...
            def blob(self, n): ...
            def broken_blob(self): ...
            def whoami(self): ...
            def scan(self, steps): ...
            def preview(self): ...
            exposure = RPCProperty(lambda self: None, lambda self, v: None)
            model = RPCProperty(lambda self: None)

        @RPCClient.register_interface(DeviceInterface)
        class DeviceClient(DeviceInterface, RPCClient):
            pass

        self.client = DeviceClient(zmq.Context.instance(), url)
        self.client.tick.connect(on_signal("tick"))
        self.client.exposure_changed.connect(on_signal("exposure_changed"))

    def inventory(self):
        c = self.client
        return {"json_methods": c._json_methods, "buffer_methods": c._buffer_methods,
                "signals": list(c._signals), "properties": c._properties, "name": c.name}

    def call(self, method, args, kwargs):
        res = getattr(self.client, method)(*args, **kwargs)
        if isinstance(res, self.NoResult):
            return {"ok": False, "error": str(res.error), "traceback": res.traceback}
        if method in self.client._buffer_methods:
            return {"ok": True, "result": buffer_result(*res)}
        return {"ok": True, "result": res}

    def get(self, name):
        res = getattr(self.client, name)
        if isinstance(res, self.NoResult):
            return {"ok": False, "error": str(res.error), "traceback": res.traceback}
        return {"ok": True, "result": res}

    def set(self, name, value):
        setattr(self.client, name, value)
        return {"ok": True, "result": None}

    def stop(self):
        self.client.stop_server()
        return {"ok": True, "result": {"success": True}}


def run(adapter, op):
    kind = op["op"]
    if kind == "inventory":
        return {"ok": True, "result": adapter.inventory()}
    if kind == "call":
        return adapter.call(op["method"], op.get("args", []), op.get("kwargs", {}))
    if kind == "get":
        return adapter.get(op["property"])
    if kind == "set":
        return adapter.set(op["property"], op["value"])
    if kind == "signals":
        deadline = time.monotonic() + op.get("timeout_ms", 2000) / 1000
        with received_lock:
            while len(received) < op.get("count", 0) and time.monotonic() < deadline:
                received_lock.wait(deadline - time.monotonic())
            return {"ok": True, "result": list(received)}
    if kind == "stop":
        return adapter.stop()
    raise ValueError("unknown op " + kind)


def find_via_registry(registry_url, name):
    """plantrpc's LIST extension: the device's address, by name."""
    import zmq
    req = zmq.Context.instance().socket(zmq.REQ)
    req.setsockopt(zmq.LINGER, 0)
    req.connect(registry_url)
    req.send_json({"event": "LIST", "payload": {}})
    if not req.poll(5000):
        raise TimeoutError("registry did not answer LIST")
    reply = req.recv_json()
    req.close()
    return reply["payload"]["devices"][name]["addr"]


def secure_context(server_key):
    """The recipe of docs/rpc-api.md: CURVE options as the context's defaults, so that every
    socket the client makes (requests and signals) takes them; the client knows no keys."""
    import zmq
    ctx = zmq.Context.instance()
    ctx.curve_serverkey = server_key.encode()
    ctx.curve_publickey, ctx.curve_secretkey = zmq.curve_keypair()


def main():
    """rpc_caller.py [--server-key Z85] <url> | rpc_caller.py --via-registry <registry_url> <name>"""
    try:
        argv = sys.argv[1:]
        if argv[0] == "--server-key":
            secure_context(argv[1])
            argv = argv[2:]
        sys.argv[1:] = argv
        url = sys.argv[1]
        if url == "--via-registry":
            url = find_via_registry(sys.argv[2], sys.argv[3])
        adapter = (ReferenceAdapter if REFERENCE else MiniAdapter)(url)
        print(json.dumps({"ok": True, "result": "reference" if REFERENCE else "minirpc"}), flush=True)
    except Exception as e:
        print(json.dumps({"ok": False, "error": "%s: %s" % (type(e).__name__, e), "traceback": ""}), flush=True)
        return
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            result = run(adapter, json.loads(line))
        except Exception as e:
            result = {"ok": False, "error": "%s: %s" % (type(e).__name__, e), "traceback": ""}
        print(json.dumps(result), flush=True)
    os._exit(0)  # the reference client's threads would keep the process alive


if __name__ == "__main__":
    main()
