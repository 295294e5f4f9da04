/*  CZMQ (zcert, zcertstore, zauth) for plantrpc's authentication interop tests
    (conformance/auth-interop.test.ts compiles it: cc czmq_peer.c -lczmq -lzmq). One subcommand
    per run; every result is one JSON line on stdout.

    make-cert PATH [NAME=VALUE...]     zcert_new, zcert_set_meta, zcert_save (PATH, PATH_secret)
    read-cert PATH                     zcert_load (it reads PATH_secret when there is one)
    zauth-server DIR [PROPERTY...]     a CURVE REP with a zcert, guarded by a zauth actor
                                       ("CURVE DIR"): prints {"ready"...}, then one line per
                                       request (its User-Id and the PROPERTY metadata libzmq
                                       gives it), answers "served <request>"; ends when stdin
                                       closes
    client ENDPOINT SERVER_KEY SAVE_PATH|- TIMEOUT_MS
                                       a REQ with a new zcert (saved at SAVE_PATH unless "-"),
                                       applied with zcert_apply: sends "hello from czmq" and
                                       prints the reply, or that none came in TIMEOUT_MS
*/
#include <czmq.h>

/* A JSON string: quotes, backslashes and control characters escaped; NULL is null. */
static void
json_string (const char *s)
{
    if (!s) {
        fputs ("null", stdout);
        return;
    }
    putchar ('"');
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf ("\\%c", *p);
        else
        if (*p < 0x20)
            printf ("\\u%04x", *p);
        else
            putchar (*p);
    }
    putchar ('"');
}

/* A certificate's keys (secretKey null when it has none) and metadata, without the braces. */
static void
json_cert_fields (zcert_t *cert)
{
    static const char *no_secret = "0000000000000000000000000000000000000000";
    const char *secret = zcert_secret_txt (cert);
    fputs ("\"publicKey\":", stdout);
    json_string (zcert_public_txt (cert));
    fputs (",\"secretKey\":", stdout);
    json_string (streq (secret, no_secret) ? NULL : secret);
    fputs (",\"metadata\":{", stdout);
    zlist_t *names = zcert_meta_keys (cert);
    const char *name = (const char *) zlist_first (names);
    for (int first = 1; name; name = (const char *) zlist_next (names), first = 0) {
        if (!first)
            putchar (',');
        json_string (name);
        putchar (':');
        json_string (zcert_meta (cert, name));
    }
    zlist_destroy (&names);
    putchar ('}');
}

static int
make_cert (int argc, char **argv)
{
    zcert_t *cert = zcert_new ();
    assert (cert);
    for (int i = 1; i < argc; i++) {
        char *eq = strchr (argv [i], '=');
        if (!eq) {
            fprintf (stderr, "metadata must be NAME=VALUE: %s\n", argv [i]);
            return 2;
        }
        *eq = 0;
        zcert_set_meta (cert, argv [i], "%s", eq + 1);
    }
    int rc = zcert_save (cert, argv [0]);
    putchar ('{');
    json_cert_fields (cert);
    printf (",\"saved\":%s}\n", rc == 0 ? "true" : "false");
    zcert_destroy (&cert);
    return rc == 0 ? 0 : 1;
}

static int
read_cert (const char *path)
{
    zcert_t *cert = zcert_load (path);
    if (!cert) {
        fputs ("{\"error\":\"zcert_load returned NULL\"}\n", stdout);
        return 1;
    }
    putchar ('{');
    json_cert_fields (cert);
    puts ("}");
    zcert_destroy (&cert);
    return 0;
}

static int
zauth_server (const char *dir, int nprops, char **props)
{
    zactor_t *auth = zactor_new (zauth, NULL);
    assert (auth);
    zstr_sendx (auth, "CURVE", dir, NULL);
    zsock_wait (auth);

    zcert_t *server_cert = zcert_new ();
    assert (server_cert);
    zsock_t *rep = zsock_new (ZMQ_REP);
    assert (rep);
    zsock_set_linger (rep, 0);
    zcert_apply (server_cert, rep);
    zsock_set_curve_server (rep, 1);
    //  libzmq's bind, whose "*" port the OS chooses (zsock_bind would take the first free
    //  port from 49152 up)
    if (zmq_bind (zsock_resolve (rep), "tcp://127.0.0.1:*") < 0) {
        fprintf (stderr, "bind: %s\n", zmq_strerror (zmq_errno ()));
        return 1;
    }
    char *endpoint = zsock_last_endpoint (rep);
    fputs ("{\"ready\":true,\"endpoint\":", stdout);
    json_string (endpoint);
    zstr_free (&endpoint);
    fputs (",\"serverKey\":", stdout);
    json_string (zcert_public_txt (server_cert));
    puts ("}");

    zmq_pollitem_t items [] = {
        { zsock_resolve (rep), 0, ZMQ_POLLIN, 0 },
        { NULL, STDIN_FILENO, ZMQ_POLLIN, 0 },
    };
    while (true) {
        if (zmq_poll (items, 2, -1) < 0)
            break;
        //  A closed pipe polls as an error (POLLHUP), not as input
        if (items [1].revents & (ZMQ_POLLIN | ZMQ_POLLERR)) {
            char buffer [256];
            if (read (STDIN_FILENO, buffer, sizeof buffer) <= 0)
                break;          //  stdin closed: the test is done with us
        }
        if (items [0].revents & ZMQ_POLLIN) {
            zframe_t *frame = zframe_recv (rep);
            if (!frame)
                break;
            char *text = zframe_strdup (frame);
            fputs ("{\"request\":", stdout);
            json_string (text);
            fputs (",\"userId\":", stdout);
            json_string (zframe_meta (frame, "User-Id"));
            fputs (",\"properties\":{", stdout);
            for (int i = 0; i < nprops; i++) {
                if (i > 0)
                    putchar (',');
                json_string (props [i]);
                putchar (':');
                json_string (zframe_meta (frame, props [i]));
            }
            puts ("}}");
            zstr_sendf (rep, "served %s", text);
            zstr_free (&text);
            zframe_destroy (&frame);
        }
    }
    zsock_destroy (&rep);
    zcert_destroy (&server_cert);
    zactor_destroy (&auth);
    return 0;
}

static int
client (const char *endpoint, const char *server_key, const char *save_path, int timeout_ms)
{
    zcert_t *cert = zcert_new ();
    assert (cert);
    zcert_set_meta (cert, "name", "czmq-client");
    if (!streq (save_path, "-") && zcert_save (cert, save_path) != 0) {
        fprintf (stderr, "zcert_save %s failed\n", save_path);
        return 1;
    }
    zsock_t *req = zsock_new (ZMQ_REQ);
    assert (req);
    zsock_set_linger (req, 0);
    zsock_set_rcvtimeo (req, timeout_ms);
    zcert_apply (cert, req);
    zsock_set_curve_serverkey (req, server_key);
    zsock_connect (req, "%s", endpoint);
    zstr_send (req, "hello from czmq");
    char *reply = zstr_recv (req);
    fputs ("{\"publicKey\":", stdout);
    json_string (zcert_public_txt (cert));
    if (reply) {
        fputs (",\"reply\":", stdout);
        json_string (reply);
        puts ("}");
    }
    else
        puts (",\"timeout\":true}");
    zstr_free (&reply);
    zsock_destroy (&req);
    zcert_destroy (&cert);
    return 0;
}

int
main (int argc, char **argv)
{
    setvbuf (stdout, NULL, _IOLBF, 0);
    //  The test ends servers by closing stdin (or killing them): no CZMQ signal handling.
    zsys_handler_set (NULL);
    const char *command = argc > 1 ? argv [1] : "";
    if (streq (command, "make-cert") && argc >= 3)
        return make_cert (argc - 2, argv + 2);
    if (streq (command, "read-cert") && argc == 3)
        return read_cert (argv [2]);
    if (streq (command, "zauth-server") && argc >= 3)
        return zauth_server (argv [2], argc - 3, argv + 3);
    if (streq (command, "client") && argc == 6)
        return client (argv [2], argv [3], argv [4], atoi (argv [5]));
    fprintf (stderr, "usage: see the comment at the top of czmq_peer.c\n");
    return 2;
}
