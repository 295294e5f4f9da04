#!/usr/bin/python3
"""pyzmq's zmq.auth for plantrpc's authentication interop tests (conformance/auth-interop.test.ts).
One subcommand per run; every result is one JSON line on stdout.

  curve-server DIR               a CURVE REP guarded by a ThreadAuthenticator,
                                 configure_curve(location=DIR)
  plain-server PASSWORDS_JSON    a PLAIN REP guarded by a ThreadAuthenticator,
                                 configure_plain(passwords=...)
      Both print {"ready": true, "endpoint", "serverKey"}, then one line per request (with the
      User-Id libzmq gives it) and answer "served <request>"; they end when stdin closes.
  curve-client ENDPOINT SERVER_KEY CERT TIMEOUT_MS
                                 a REQ whose keys are load_certificate(CERT): sends
                                 "hello from pyzmq", prints the reply or that none came in time
  create DIR NAME METADATA_JSON  create_certificates, and load_certificate of both files
  load PATH...                   load_certificate of each file
  load-dir DIR                   load_certificates(DIR): the public keys found
"""
import json
import sys

import zmq
import zmq.auth
import zmq.utils.monitor
from zmq.auth.thread import ThreadAuthenticator


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def text(b):
    return None if b is None else b.decode()


def serve(configure, curve):
    ctx = zmq.Context.instance()
    auth = ThreadAuthenticator(ctx)
    auth.start()
    configure(auth)
    sock = ctx.socket(zmq.REP)
    sock.linger = 0
    server_key = None
    if curve:
        server_key, secret = zmq.curve_keypair()
        sock.curve_secretkey = secret
        sock.curve_publickey = server_key
        sock.curve_server = True
    else:
        sock.plain_server = True
    sock.bind("tcp://127.0.0.1:*")
    emit({"ready": True, "endpoint": sock.last_endpoint.decode(), "serverKey": text(server_key)})
    poller = zmq.Poller()
    poller.register(sock, zmq.POLLIN)
    poller.register(sys.stdin, zmq.POLLIN)
    while True:
        ready = dict(poller.poll())
        # pyzmq's poller gives a file's descriptor back, not the file.
        if sys.stdin.fileno() in ready and not sys.stdin.readline():
            break  # stdin closed: the test is done with us
        if sock in ready:
            frames = sock.recv_multipart(copy=False)
            request = frames[0].bytes.decode()
            emit({"request": request, "userId": frames[0].get("User-Id")})
            sock.send_string("served " + request)
    sock.close(0)
    auth.stop()
    ctx.term()


def curve_client(endpoint, server_key, cert, timeout_ms):
    public, secret = zmq.auth.load_certificate(cert)
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.REQ)
    sock.linger = 0
    sock.curve_publickey = public
    sock.curve_secretkey = secret
    sock.curve_serverkey = server_key.encode()
    # A refusal is an event on the client (libzmq's monitor), not the absence of a reply.
    monitor = sock.get_monitor_socket(zmq.EVENT_HANDSHAKE_FAILED_AUTH)
    sock.connect(endpoint)
    sock.send_string("hello from pyzmq")
    poller = zmq.Poller()
    poller.register(sock, zmq.POLLIN)
    poller.register(monitor, zmq.POLLIN)
    ready = dict(poller.poll(timeout_ms))
    if sock in ready:
        emit({"publicKey": text(public), "reply": sock.recv_string()})
    elif monitor in ready:
        event = zmq.utils.monitor.recv_monitor_message(monitor)
        emit({"publicKey": text(public), "refused": event["value"]})
    else:
        emit({"publicKey": text(public), "timeout": True})
    sock.disable_monitor()
    monitor.close(0)
    sock.close(0)
    ctx.term()


def loaded(path):
    public, secret = zmq.auth.load_certificate(path)
    return {"publicKey": text(public), "secretKey": text(secret)}


def main(argv):
    command, args = argv[0], argv[1:]
    if command == "curve-server":
        serve(lambda auth: auth.configure_curve(domain="*", location=args[0]), curve=True)
    elif command == "plain-server":
        serve(lambda auth: auth.configure_plain(domain="*", passwords=json.loads(args[0])), curve=False)
    elif command == "curve-client":
        curve_client(args[0], args[1], args[2], int(args[3]))
    elif command == "create":
        public_file, secret_file = zmq.auth.create_certificates(args[0], args[1], json.loads(args[2]))
        emit({"publicFile": public_file, "secretFile": secret_file,
              "public": loaded(public_file), "secret": loaded(secret_file)})
    elif command == "load":
        emit([loaded(path) for path in args])
    elif command == "load-dir":
        emit(sorted(text(key) for key in zmq.auth.load_certificates(args[0])))
    else:
        sys.exit("unknown command " + command)


if __name__ == "__main__":
    main(sys.argv[1:])
