#!/usr/bin/python3
"""One side of a benchmark with pyzmq (libzmq), as benchmarks/worker.mjs is for the JavaScript
implementations; the same arguments and output:
  pyzmq_worker.py pull <size> <count>             binds, prints "READY <endpoint>", then "RESULT <ms>"
  pyzmq_worker.py push <size> <count> <endpoint>  sends count messages of size octets
  pyzmq_worker.py rep  <size> <count>             binds, answers count requests
  pyzmq_worker.py req  <size> <count> <endpoint>  count sequential round trips, prints "RESULT <ms>"
"""
import sys
import time

import zmq

role, size, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
endpoint = sys.argv[4] if len(sys.argv) > 4 else None
ctx = zmq.Context()
payload = b"a" * size


def bound(kind):
    s = ctx.socket(kind)
    s.bind("tcp://127.0.0.1:*")
    print("READY %s" % s.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)
    return s


if role == "pull":
    s = bound(zmq.PULL)
    s.recv(copy=False)
    start = time.perf_counter()
    for _ in range(count - 1):
        s.recv(copy=False)
    # count - 1 intervals measured: the first message only starts the clock.
    elapsed = (time.perf_counter() - start) * 1000 * count / (count - 1)
    print("RESULT %f" % elapsed, flush=True)
elif role == "push":
    s = ctx.socket(zmq.PUSH)
    s.connect(endpoint)
    for _ in range(count):
        s.send(payload, copy=size < 65536)
    # stay until the parent, told by the receiver that all arrived, ends this process
    time.sleep(3600)
elif role == "rep":
    s = bound(zmq.REP)
    for _ in range(count):
        s.send(s.recv(copy=False), copy=False)
elif role == "req":
    s = ctx.socket(zmq.REQ)
    s.connect(endpoint)
    s.send(payload)  # warm-up: connection established
    s.recv()
    start = time.perf_counter()
    for _ in range(count - 1):
        s.send(payload)
        s.recv(copy=False)
    print("RESULT %f" % ((time.perf_counter() - start) * 1000 * count / (count - 1)), flush=True)
ctx.destroy(linger=0)
