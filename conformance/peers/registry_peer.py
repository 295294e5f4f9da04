#!/usr/bin/python3
"""A Python device registry for the conformance suite: `registry_peer.py <port>` prints
"READY <port> <impl>", then one JSON line per device added or removed. Uses the reference's
DeviceRegistry when PLANTIMAGER_COMMONS_PATH is set, else a small one written from
plantrpc's protocol-spec/registry.md (no LIST: it answers UNSUPPORTED, as the reference)."""
import json
import os
import sys
import threading
import time
import uuid

import zmq

REFERENCE = os.environ.get("PLANTIMAGER_COMMONS_PATH")
port = int(sys.argv[1])
lock = threading.Lock()


def report(kind):
    def callback(device_type, addr, name):
        with lock:
            print(json.dumps({"event": kind, "type": device_type, "addr": addr, "name": name}), flush=True)
    return callback


def mini_registry():
    sock = zmq.Context.instance().socket(zmq.REP)
    sock.bind("tcp://127.0.0.1:%d" % port)
    print("READY %d minirpc" % port, flush=True)
    devices = {}  # uuid -> [name, type, addr, expires]
    added, removed = report("added"), report("removed")

    def remove(key):
        name, device_type, addr, _ = devices.pop(key)
        removed(device_type, addr, name)

    while True:
        now = int(time.time())
        for key in [k for k, d in devices.items() if d[3] < now]:
            remove(key)
        if not sock.poll(100):
            continue
        msg = sock.recv_json()
        event, payload = msg.get("event"), msg.get("payload", {})
        if event == "REGISTER":
            for key, (name, _, addr, _) in list(devices.items()):
                if addr == payload["addr"] or (name == payload["name"] and payload.get("overwrite")):
                    remove(key)
            taken = {d[0] for d in devices.values()}
            name = payload["name"] or payload["device_type"] + "-0"
            i = 0
            while name in taken:
                i += 1
                name = "%s-%d" % (payload["name"] or payload["device_type"], i)
            key = str(uuid.uuid1())
            devices[key] = [name, payload["device_type"], payload["addr"], now + 20]
            added(payload["device_type"], payload["addr"], name)
            sock.send_json({"event": "REGISTER_ACK", "payload": {"name": name, "uuid": key}})
        elif event == "UNREGISTER":
            known = payload["uuid"] in devices
            if known:
                remove(payload["uuid"])
            sock.send_json({"event": "ACK", "payload": {"req_event": "UNREGISTER", "success": known}})
        elif event == "CHECK_ALIVE":
            known = payload["uuid"] in devices
            if known:
                devices[payload["uuid"]][3] = now + payload.get("alive_timeout", 20)
            sock.send_json({"event": "ACK", "payload": {"req_event": "CHECK_ALIVE", "success": known}})
        else:
            sock.send_json({"event": "UNSUPPORTED", "payload": {"req_event": event}})


def reference_registry():
    sys.path.insert(0, REFERENCE)
    from plantimager.commons.deviceregistry import DeviceRegistry
    registry = DeviceRegistry(zmq.Context.instance(), addr="127.0.0.1", port=str(port))
    registry.add_new_device_callback(report("added"))
    registry.add_device_removed_callback(report("removed"))
    registry.daemon = True
    # READY first: the registry thread may report a device as soon as it runs.
    print("READY %d reference" % port, flush=True)
    registry.start()
    while True:
        time.sleep(1)


if __name__ == "__main__":
    (reference_registry if REFERENCE else mini_registry)()
