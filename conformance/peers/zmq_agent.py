#!/usr/bin/python3
"""A libzmq socket (through pyzmq) driven line by line over stdin/stdout, for plantrpc's
conformance suite. Each input line is a JSON command; each gets one JSON reply line.

Frames travel as hex strings; a frame may also be given as {"pattern": n} (n octets of
i % 251) and frames over 4096 octets come back as {"len": n, "sha256": hex}.
"""
import hashlib
import json
import sys

import zmq

ctx = zmq.Context.instance()
sock = None
authenticator = None
TYPES = {name: getattr(zmq, name) for name in
         ["REQ", "REP", "DEALER", "ROUTER", "PUB", "SUB", "XPUB", "XSUB", "PUSH", "PULL", "PAIR"]}
OPTIONS = {
    "routing_id": zmq.ROUTING_ID, "heartbeat_ivl": zmq.HEARTBEAT_IVL,
    "heartbeat_timeout": zmq.HEARTBEAT_TIMEOUT, "heartbeat_ttl": zmq.HEARTBEAT_TTL,
    "reconnect_ivl": zmq.RECONNECT_IVL, "router_mandatory": zmq.ROUTER_MANDATORY,
    "linger": zmq.LINGER, "sndhwm": zmq.SNDHWM, "rcvhwm": zmq.RCVHWM,
    "plain_server": zmq.PLAIN_SERVER, "plain_username": zmq.PLAIN_USERNAME,
    "plain_password": zmq.PLAIN_PASSWORD,
    "curve_server": zmq.CURVE_SERVER, "curve_secretkey": zmq.CURVE_SECRETKEY,
    "curve_publickey": zmq.CURVE_PUBLICKEY, "curve_serverkey": zmq.CURVE_SERVERKEY,
}


def pattern(n):
    return bytes(i % 251 for i in range(n)) if n < 65536 else (bytes(range(251)) * (n // 251 + 1))[:n]


def to_frame(f):
    return pattern(f["pattern"]) if isinstance(f, dict) else bytes.fromhex(f)


def from_frame(b):
    if len(b) > 4096:
        return {"len": len(b), "sha256": hashlib.sha256(b).hexdigest()}
    return b.hex()


def handle(cmd):
    global sock
    op = cmd["op"]
    if op == "zap_plain":
        # pyzmq's own ZAP handler, admitting these user names and passwords.
        from zmq.auth.thread import ThreadAuthenticator
        global authenticator
        authenticator = ThreadAuthenticator(ctx)
        authenticator.start()
        authenticator.configure_plain(domain="*", passwords=cmd["passwords"])
        return {}
    if op == "socket":
        sock = ctx.socket(TYPES[cmd["type"]])
        sock.setsockopt(zmq.LINGER, 0)
        for name, value in cmd.get("options", {}).items():
            sock.setsockopt(OPTIONS[name], value.encode() if isinstance(value, str) else value)
        return {"version": zmq.zmq_version()}
    if op == "bind":
        sock.bind(cmd["endpoint"])
        return {"endpoint": sock.getsockopt(zmq.LAST_ENDPOINT).decode()}
    if op == "connect":
        sock.connect(cmd["endpoint"])
        return {}
    if op == "subscribe":
        sock.setsockopt(zmq.SUBSCRIBE, bytes.fromhex(cmd["topic"]))
        return {}
    if op == "unsubscribe":
        sock.setsockopt(zmq.UNSUBSCRIBE, bytes.fromhex(cmd["topic"]))
        return {}
    if op == "send":
        sock.send_multipart([to_frame(f) for f in cmd["frames"]])
        return {}
    if op == "recv":
        if not sock.poll(cmd.get("timeout_ms", 5000)):
            return {"timeout": True}
        return {"frames": [from_frame(f) for f in sock.recv_multipart()]}
    if op == "close":
        sock.close(0)
        sock = None
        return {}
    raise ValueError("unknown op " + op)


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            reply = handle(json.loads(line))
        except Exception as e:  # report, keep serving: the driver decides what fails
            reply = {"error": "%s: %s" % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
