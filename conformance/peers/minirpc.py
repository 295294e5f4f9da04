"""A small Python implementation of the plantimager RPC wire protocol, written from
plantrpc's protocol-spec/rpc.md, standing in for the reference package
(plantimager.commons.RPC) when that is not available. It behaves as the reference does on the
wire: a REP server answering one request at a time, a REQ client, JSON frames, signals on PUB.
"""
import json
import random
import re
import threading
import time
import traceback

import zmq

URL = re.compile(r"([a-zA-Z]*)://([a-zA-Z.0-9*]*):?(\d*)")


class Signal:
    def __init__(self, *types):
        self.types = types
        self.listeners = []

    def connect(self, fn):
        if fn not in self.listeners:
            self.listeners.append(fn)

    def emit(self, *args):
        for fn in list(self.listeners):
            fn(*args)


class Server:
    """Subclasses fill json_methods / buffer_methods ({name: (callable, timeout)}),
    signals ({name: Signal}) and properties ({name: (getter, setter)})."""

    def __init__(self, url):
        self.ctx = zmq.Context.instance()
        self.url = url
        self.name = ""
        self.json_methods, self.buffer_methods, self.signals, self.properties = {}, {}, {}, {}
        self.sock = self.ctx.socket(zmq.REP)
        self.sock.setsockopt(zmq.LINGER, 1000)
        scheme, host, port = URL.match(url).groups()
        if port:
            self.sock.bind(url)
            self.port = int(port)
        else:
            self.port = self.sock.bind_to_random_port(url, 10000, 12000)
        self.pub = None
        self.stopping = False
        self.registry = None
        self.alive_timeout = 60

    def registry_request(self, body, timeout=5000):
        req = self.ctx.socket(zmq.REQ)
        req.setsockopt(zmq.LINGER, 0)
        req.connect(self.registry)
        req.send_json(body)
        reply = req.recv_json() if req.poll(timeout) else None
        req.close()
        return reply

    def register_to_registry(self, device_type, name, registry_url, overwrite=True):
        """As the reference: registers "<url>:<port>", then checks in once per loop turn."""
        self.registry, self.type = registry_url, device_type
        scheme, host, _ = URL.match(self.url).groups()
        reply = self.registry_request({"event": "REGISTER", "payload": {
            "device_type": device_type, "addr": "%s://%s:%d" % (scheme, host, self.port),
            "name": name, "overwrite": overwrite}})
        self.name, self.uuid = reply["payload"]["name"], reply["payload"]["uuid"]
        return self.name

    def alive_check(self):
        if self.registry is None:
            return
        reply = self.registry_request({"event": "CHECK_ALIVE", "payload": {
            "uuid": self.uuid, "alive_timeout": self.alive_timeout}})
        if reply is not None and not reply["payload"]["success"]:
            self.register_to_registry(self.type, self.name, self.registry, False)

    def publish(self, name, *args):
        if self.pub is not None:
            self.pub.send_json({"event": "EMIT_SIGNAL", "signal": name, "args": list(args), "blocking": False})

    def failure(self, exc):
        return {"success": False, "error": str(exc), "traceback": traceback.format_exc(limit=10)}

    def handle(self, req):
        event = req["event"]
        if event == "GET_INVENTORY":
            return {"json_methods": {k: v[1] for k, v in self.json_methods.items()},
                    "buffer_methods": {k: v[1] for k, v in self.buffer_methods.items()},
                    "signals": list(self.signals), "properties": list(self.properties), "name": self.name}
        if event == "INIT_SIGNALS_HANDLING":
            if self.pub is None:
                self.pub = self.ctx.socket(zmq.PUB)
                scheme, host, _ = URL.match(self.url).groups()
                self.signal_port = self.pub.bind_to_random_port("%s://%s" % (scheme, host))
                for name, sig in self.signals.items():
                    sig.connect(lambda *a, _n=name: self.publish(_n, *a))
            return {"success": True, "signal_port": self.signal_port}
        if event == "METHOD_CALL":
            name, params = req["method"], req.get("params") or {}
            args, kwargs = params.get("args", []), params.get("kwargs", {})
            if name in self.json_methods:
                try:
                    return {"success": True, "result": self.json_methods[name][0](*args, **kwargs)}
                except Exception as e:
                    return self.failure(e)
            if name in self.buffer_methods:
                try:
                    data, info = self.buffer_methods[name][0](*args, **kwargs)
                except Exception as e:
                    return self.failure(e)
                return [json.dumps(info).encode(), data]
            return {"success": False, "error": "Method %s not implemented" % name}
        if event == "PROPERTY_GET":
            try:
                return {"success": True, "value": self.properties[req["property"]][0]()}
            except Exception as e:
                return self.failure(e)
        if event == "PROPERTY_SET":
            try:
                self.properties[req["property"]][1](req["value"])
                return {"success": True}
            except Exception as e:
                return self.failure(e)
        if event == "STOP_SERVER":
            self.stopping = True
            return {"success": True}
        raise ValueError("unknown event %r" % event)

    def serve_forever(self):
        last_check = 0
        while not self.stopping:
            if time.monotonic() - last_check > 0.5:
                self.alive_check()
                last_check = time.monotonic()
            if not self.sock.poll(100):
                continue
            reply = self.handle(self.sock.recv_json())
            if isinstance(reply, list):
                self.sock.send_multipart(reply)
            else:
                self.sock.send_json(reply)
        if self.registry is not None:
            self.registry_request({"event": "UNREGISTER", "payload": {"uuid": self.uuid}})
        self.sock.close(linger=1000)
        if self.pub is not None:
            self.pub.close(linger=1000)


class Client:
    """A REQ client, as the reference's: one request at a time, per-method timeouts."""

    def __init__(self, url, timeout=1000, signals=()):
        self.ctx = zmq.Context.instance()
        self.url = url
        self.sock = self.ctx.socket(zmq.REQ)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.connect(url)
        self.inventory = self.request({"event": "GET_INVENTORY"}, timeout)
        self.signals = {name: Signal() for name in signals if name in self.inventory["signals"]}
        self.sub = None
        if self.signals:
            reply = self.request({"event": "INIT_SIGNALS_HANDLING"}, timeout)
            scheme, host, _ = URL.match(url).groups()
            self.sub = self.ctx.socket(zmq.SUB)
            self.sub.setsockopt(zmq.SUBSCRIBE, b"")
            self.sub.connect("%s://%s:%d" % (scheme, host, reply["signal_port"]))
            self.running = True
            self.thread = threading.Thread(target=self.receive_signals, daemon=True)
            self.thread.start()

    def receive_signals(self):
        while self.running:
            if self.sub.poll(50):
                msg = self.sub.recv_json()
                if msg.get("event") == "EMIT_SIGNAL" and msg["signal"] in self.signals:
                    self.signals[msg["signal"]].emit(*msg["args"])

    def request(self, body, timeout):
        self.sock.send_json(body)
        if not self.sock.poll(timeout):
            raise TimeoutError("no reply within %s ms" % timeout)
        return self.sock.recv_json()

    def execute(self, method, args=(), kwargs=None):
        body = {"event": "METHOD_CALL", "method": method, "params": {"args": list(args), "kwargs": kwargs or {}}}
        if method in self.inventory["json_methods"]:
            reply = self.request(body, self.inventory["json_methods"][method])
            return (True, reply["result"]) if reply["success"] else (False, (reply["error"], reply.get("traceback", "")))
        if method in self.inventory["buffer_methods"]:
            self.sock.send_json(body)
            if not self.sock.poll(self.inventory["buffer_methods"][method]):
                raise TimeoutError("no reply")
            frames = self.sock.recv_multipart()
            info = json.loads(frames[0])
            if "error" in info:
                return False, (info["error"], info.get("traceback", ""))
            return True, (frames[1], info)
        raise KeyError("unknown method %s" % method)

    def get(self, name):
        reply = self.request({"event": "PROPERTY_GET", "property": name}, 10000)
        return (True, reply["value"]) if reply["success"] else (False, (reply["error"], reply.get("traceback", "")))

    def set(self, name, value):
        reply = self.request({"event": "PROPERTY_SET", "property": name, "value": value}, 10000)
        return (True, None) if reply["success"] else (False, (reply["error"], reply.get("traceback", "")))

    def stop_server(self):
        return self.request({"event": "STOP_SERVER"}, 1000)

    def close(self):
        if self.sub is not None:
            self.running = False
            self.thread.join(1)
            self.sub.close(0)
        self.sock.close(0)
