#!/usr/bin/python3
"""The conformance test device, served by Python: `rpc_device.py <url>` prints "READY <port>"
and serves until STOP_SERVER. Uses the real reference package (plantimager.commons.RPC) when
PLANTIMAGER_COMMONS_PATH points at its src/commons, else minirpc.py.

Device: json add(a, b=2), echo(x), fail(msg), slow(ms) [timeout 300 ms], forever() [timeout
null], emit_tick(n), emit_ticks(n) [n ticks 0..n-1]; buffer blob(n) -> n octets of i % 251 with {"size": n}, broken_blob();
properties exposure (read/write, setter emits exposure_changed), model (read-only);
signals tick(int), exposure_changed(int).
"""
import os
import sys
import time

REFERENCE = os.environ.get("PLANTIMAGER_COMMONS_PATH")


def pattern(n):
    return (bytes(range(251)) * (n // 251 + 1))[:n]


def fail(msg):
    raise ValueError(msg)


def slow(ms):
    time.sleep(ms / 1000)
    return ms


def broken_blob():
    raise RuntimeError("no image available")


def make_reference_device(url):
    sys.path.insert(0, REFERENCE)
    import zmq
    from plantimager.commons.RPC import RPCProperty, RPCServer, RPCSignal

    class Device(RPCServer):
        tick = RPCSignal(int)
        exposure_changed = RPCSignal(int)

        def __init__(self, ctx, url):
            self._exposure = 10
            super().__init__(ctx, url)

        @RPCServer.register_method_json()
        def add(self, a, b=2):
            return a + b

        @RPCServer.register_method_json()
        def echo(self, x):
            return x

        @RPCServer.register_method_json()
        def fail(self, msg):
            return fail(msg)

        @RPCServer.register_method_json(timeout=300)
        def slow(self, ms):
            return slow(ms)

        @RPCServer.register_method_json(timeout=None)
        def forever(self):
            return "done"

        @RPCServer.register_method_json()
        def emit_tick(self, n):
            self.tick.emit(n)

        @RPCServer.register_method_json(timeout=None)
        def emit_ticks(self, n):
            for i in range(n):
                self.tick.emit(i)
            return n

        @RPCServer.register_method_buffer()
        def blob(self, n):
            return pattern(n), {"size": n}

        @RPCServer.register_method_buffer()
        def broken_blob(self):
            return broken_blob()

        def _get_exposure(self):
            return self._exposure

        def _set_exposure(self, value):
            self._exposure = value
            self.exposure_changed.emit(value)

        exposure = RPCProperty(_get_exposure, _set_exposure)
        model = RPCProperty(lambda self: "reference-device")

    device = Device(zmq.Context.instance(), url)
    return device, device.port


def make_mini_device(url):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import minirpc

    device = minirpc.Server(url)
    tick = minirpc.Signal(int)
    exposure_changed = minirpc.Signal(int)
    state = {"exposure": 10}

    def set_exposure(value):
        state["exposure"] = value
        exposure_changed.emit(value)

    device.json_methods = {
        "add": (lambda a, b=2: a + b, 10000),
        "echo": (lambda x: x, 10000),
        "fail": (fail, 10000),
        "slow": (slow, 300),
        "forever": (lambda: "done", None),
        "emit_tick": (lambda n: tick.emit(n), 10000),
        "emit_ticks": (lambda n: [tick.emit(i) for i in range(n)] and n, None),
    }
    device.buffer_methods = {"blob": (lambda n: (pattern(n), {"size": n}), 10000), "broken_blob": (broken_blob, 10000)}
    device.signals = {"tick": tick, "exposure_changed": exposure_changed}
    device.properties = {"exposure": (lambda: state["exposure"], set_exposure),
                         "model": (lambda: "reference-device", None)}
    return device, device.port


def main():
    """rpc_device.py <url> [--register <registry_url> <type> <name>] [--alive-timeout <s>]"""
    url = sys.argv[1]
    args = sys.argv[2:]
    alive = int(args[args.index("--alive-timeout") + 1]) if "--alive-timeout" in args else 60
    device, port = (make_reference_device if REFERENCE else make_mini_device)(url)
    device.alive_timeout = alive
    if "--register" in args:
        i = args.index("--register")
        registry_url, device_type, name = args[i + 1:i + 4]
        device.register_to_registry(device_type, name, registry_url)
    print("READY %d %s" % (port, "reference" if REFERENCE else "minirpc"), flush=True)
    device.serve_forever()


if __name__ == "__main__":
    main()
