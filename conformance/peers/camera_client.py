#!/usr/bin/python3
"""A Python camera client driving plantrpc's demo camera: `camera_client.py <url> <png-file>`.
With PLANTIMAGER_COMMONS_PATH set it is the reference's RPCClient over the reference's Camera
interface (what the README shows); else minirpc. Prints one JSON line with what it saw."""
import json
import os
import sys
import threading

url, out = sys.argv[1], sys.argv[2]
REFERENCE = os.environ.get("PLANTIMAGER_COMMONS_PATH")
changes = []
changed = threading.Event()


def on_mode(mode):
    changes.append(mode)
    changed.set()


if REFERENCE:
    sys.path.insert(0, REFERENCE)
    import zmq
    from plantimager.commons.RPC import RPCClient
    from plantimager.commons.cameradevice import Camera, CameraMode

    @RPCClient.register_interface(Camera)
    class RPCCamera(Camera, RPCClient):
        def __init__(self, context, address):
            Camera.__init__(self)
            RPCClient.__init__(self, context, address)

    camera = RPCCamera(zmq.Context.instance(), url)
    camera.modeChanged.connect(on_mode)
    for _ in range(20):  # signals are best effort until the subscription is in place
        camera.mode = CameraMode.VIDEO
        if changed.wait(0.1):
            break
        camera.mode = CameraMode.STILL
    mode = camera.mode
    data, info = camera.get_image(False)
    resolution = camera.resolution
    camera.stop_server()
else:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import minirpc

    client = minirpc.Client(url, signals=("modeChanged",))
    client.signals["modeChanged"].connect(on_mode)
    for _ in range(20):
        client.set("mode", "VIDEO")
        if changed.wait(0.1):
            break
        client.set("mode", "STILL")
    mode = client.get("mode")[1]
    ok, (data, info) = client.execute("get_image", [False])
    resolution = client.get("resolution")[1]
    client.stop_server()

with open(out, "wb") as f:
    f.write(bytes(data))
print(json.dumps({"mode": str(mode), "changes": [str(c) for c in changes], "info": info,
                  "resolution": list(resolution), "bytes": len(bytes(data))}), flush=True)
os._exit(0)
