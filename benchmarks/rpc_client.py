#!/usr/bin/python3
"""Python side of the RPC benchmarks: `rpc_client.py <url> <calls|buffer|signals> <n> [size]`,
prints one JSON line {"seconds": s, "count": n, ...}. Uses the reference's client when
PLANTIMAGER_COMMONS_PATH is set, else conformance/peers/minirpc.py."""
import json
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "conformance", "peers"))
import minirpc  # noqa: E402

url, what, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
size = int(sys.argv[4]) if len(sys.argv) > 4 else 0
client = minirpc.Client(url, signals=("tick",) if what == "signals" else ())
for i in range(300):  # the same warm-up as the TypeScript client
    client.execute("add", [i, 1])

if what == "calls":
    client.execute("add", [1, 1])
    t0 = time.perf_counter()
    for i in range(n):
        client.execute("add", [i, 1])
    print(json.dumps({"seconds": time.perf_counter() - t0, "count": n}))
elif what == "buffer":
    client.execute("blob", [size])
    t0 = time.perf_counter()
    for i in range(n):
        ok, (data, info) = client.execute("blob", [size])
        assert len(data) == size
    print(json.dumps({"seconds": time.perf_counter() - t0, "count": n, "bytes": n * size}))
elif what == "signals":
    done = threading.Event()
    got = {"n": 0, "t0": 0.0, "t1": 0.0}

    def on_tick(i):
        if got["n"] == 0:
            got["t0"] = time.perf_counter()
        got["n"] += 1
        got["t1"] = time.perf_counter()
        if i == n - 1:
            done.set()

    client.signals["tick"].connect(on_tick)
    for _ in range(100):  # PUB/SUB: wait until the subscription is in place
        client.execute("emit_tick", [-1])
        time.sleep(0.01)
        if got["n"]:
            break
    got["n"] = 0
    client.execute("emit_ticks", [n])
    done.wait(30)
    print(json.dumps({"seconds": got["t1"] - got["t0"], "count": got["n"], "sent": n}))
client.close()
os._exit(0)
