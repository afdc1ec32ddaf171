/* The load generator of `make bench`: the same C peer for every column.
 *
 * One epoll loop, nonblocking sockets, the system's OpenSSL.  It offers one TLS 1.3
 * suite (TLS_AES_128_GCM_SHA256), the TLS 1.2 AES-128-GCM ECDHE suites and one group
 * (X25519), so every measured implementation negotiates the same thing.
 *
 *   peer client port=P mode=hs|resume|echo|bulk|idle [n=N] [conc=C] [tls12=1]
 *                      [size=S] [chunk=B] [unit=U]
 *       drives a server.  Setup (the first full handshake that gives the session to
 *       resume, the connections of echo/bulk/idle) happens first; then it prints
 *       {"ready":...} and waits for a line on stdin; runs the workload; prints one JSON
 *       result line; waits for a second line; closes its connections cleanly; exits.
 *         hs      n full handshakes, conc at a time; each: handshake, close_notify,
 *                 read until the server's close (its tickets included: the client closes
 *                 first, as a server that closes first may send no TLS 1.3 ticket)
 *         resume  the same, each offering the session of one first full handshake
 *         echo    conc connections, n round trips of size bytes in all
 *         bulk    one connection writes n bytes in chunk-byte SSL_writes, then waits for
 *                 the server's n/unit one-byte acks (one per unit of bytes received)
 *         idle    n connections, handshaken, each holding its first ticket, kept open
 *       The result carries what the connections closed so far saw on the wire (the hs and
 *       resume modes close all of theirs before it): "closed", "rx" and "tx" (bytes read
 *       and written through their sockets) and "tickets" (NewSessionTickets received).
 *   peer server key=K cert=C [key2=K2 cert2=C2] [unit=U]
 *       an echo port and a sink port (acks each unit bytes), and an echo port with the
 *       second identity if given: prints {"echo":P,"sink":P[,"echo2":P]}.  It is the
 *       server of the client rows, and the measured server of the bench's C column;
 *       "stats" on stdin prints what the handshakes since the last "stats" negotiated, and
 *       "closed", "rx", "tx" of the connections closed since then.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum state {
    CONNECTING, HANDSHAKE, TICKET, READY, ECHO_WRITE, ECHO_READ, BULK_WRITE, BULK_ACK,
    SHUTDOWN, DRAIN, DONE, SERVE, FLUSH
};
enum role { CLIENT, ECHO, SINK };

typedef struct conn {
    int fd;
    SSL *ssl;
    enum state state;
    enum role role;
    unsigned events;      /* epoll interest now registered */
    int registered;       /* in the epoll set (with events possibly 0) */
    int tickets;          /* NewSessionTickets seen (client) */
    int capture;          /* keep this connection's session for resumption */
    long long got;        /* bytes of the current echo / received by a sink / acks */
    long long left;       /* round trips left / bulk bytes left */
    unsigned char *pend;  /* server: a record SSL_write must be retried with */
    int pendlen;
} conn;

static int ep;
static SSL_CTX *ctx;
static const char *mode = "hs";
static int port, conc = 16, tls12, size = 1024, chunk = 16384;
static long long n = 1000, unit = 16 << 20;
static unsigned char rbuf[1 << 17], *wbuf;
static SSL_SESSION *saved;
static long long started, finished, reused, unclean, echoes, ready_conns, ready_target;
static long long handshakes;
/* what the closed connections saw: bytes read and written on the wire, tickets received */
static long long tot_closed, tot_rx, tot_tx, tot_tickets;
static long long bulk_sent, acks_wanted;
static conn *bulk_conn;
/* what the last handshake negotiated (constant strings owned by OpenSSL) */
static const char *neg_version = "?", *neg_cipher = "?", *neg_group = "?";
static char neg_key[64] = "?";

static void die(const char *what) {
    fprintf(stderr, "peer: %s: %s\n", what, errno ? strerror(errno) : "");
    ERR_print_errors_fp(stderr);
    exit(1);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void watch(conn *c, unsigned events) {
    if (c->registered && c->events == events) return;
    struct epoll_event ev = {.events = events, .data.ptr = c};
    if (epoll_ctl(ep, c->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &ev) < 0)
        die("epoll_ctl");
    c->events = events;
    c->registered = 1;
}

static void record(SSL *ssl) {
    handshakes++;
    neg_version = SSL_get_version(ssl);
    neg_cipher = SSL_CIPHER_standard_name(SSL_get_current_cipher(ssl));
    int group = SSL_get_negotiated_group(ssl);
    neg_group = group ? SSL_group_to_name(ssl, group) : "none (resumed TLS 1.2)";
    if (!neg_group) neg_group = "?";
    if (SSL_session_reused(ssl)) reused++;
    X509 *peer = SSL_get0_peer_certificate(ssl);
    X509 *mine = SSL_CTX_get0_certificate(SSL_get_SSL_CTX(ssl));
    EVP_PKEY *key = peer ? X509_get0_pubkey(peer) : mine ? X509_get0_pubkey(mine) : NULL;
    if (key)
        snprintf(neg_key, sizeof neg_key, "%s-%d", EVP_PKEY_get0_type_name(key),
                 EVP_PKEY_get_bits(key));
}

static int on_new_session(SSL *ssl, SSL_SESSION *sess) {
    conn *c = SSL_get_app_data(ssl);
    c->tickets++;
    if (!c->capture) return 0;
    if (saved) SSL_SESSION_free(saved);
    saved = sess;
    return 1;  /* we keep the reference */
}

/* ------------------------------------------------------------------------------------ */

static void conn_close(conn *c) {
    tot_closed++;
    tot_rx += (long long)BIO_number_read(SSL_get_rbio(c->ssl));
    tot_tx += (long long)BIO_number_written(SSL_get_wbio(c->ssl));
    tot_tickets += c->tickets;
    if (c->registered) epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    SSL_free(c->ssl);
    free(c->pend);
    free(c);
}

static conn *conn_open(int capture) {
    conn *c = calloc(1, sizeof *c);
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0) die("socket");
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS)
        die("connect");
    c->ssl = SSL_new(ctx);
    SSL_set_fd(c->ssl, c->fd);
    SSL_set_connect_state(c->ssl);
    SSL_set_tlsext_host_name(c->ssl, "localhost");
    SSL_set_app_data(c->ssl, c);
    if (!capture && saved) {
        /* a private copy each time: OpenSSL's client spoils a TLS 1.3 session object it
           resumed once (only the first reuse of a shared one resumes) */
        SSL_SESSION *copy = SSL_SESSION_dup(saved);
        if (!copy || !SSL_set_session(c->ssl, copy)) die("SSL_set_session");
        SSL_SESSION_free(copy);
    }
    c->capture = capture;
    c->role = CLIENT;
    c->state = CONNECTING;
    watch(c, EPOLLOUT);
    started++;
    return c;
}

/* What a client does once its handshake is done. */
static enum state after_handshake(conn *c) {
    record(c->ssl);
    if (!strcmp(mode, "hs") || !strcmp(mode, "resume") || c->capture) return SHUTDOWN;
    /* echo, bulk, idle: let the server's TLS 1.3 tickets arrive before we are ready */
    return SSL_version(c->ssl) == TLS1_3_VERSION ? TICKET : READY;
}

/* Advance c as far as it goes without blocking; returns 1 when it is finished. */
static int step(conn *c) {
    for (;;) {
        int r = 0, err;
        switch (c->state) {
        case CONNECTING: {
            int soerr = 0;
            socklen_t len = sizeof soerr;
            getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
            if (soerr) { errno = soerr; die("connect"); }
            c->state = HANDSHAKE;
            continue;
        }
        case HANDSHAKE:
            r = SSL_do_handshake(c->ssl);
            if (r == 1) {
                c->state = c->role == CLIENT ? after_handshake(c) : SERVE;
                if (c->role != CLIENT) record(c->ssl);
                continue;
            }
            break;
        case TICKET:
            r = SSL_read(c->ssl, rbuf, sizeof rbuf);
            if (r <= 0 && SSL_get_error(c->ssl, r) == SSL_ERROR_WANT_READ && c->tickets) {
                c->state = READY;
                continue;
            }
            if (r > 0) continue;
            break;
        case READY:
            ready_conns++;
            watch(c, 0);
            return 0;
        case ECHO_WRITE:
            r = SSL_write(c->ssl, wbuf, size);
            if (r > 0) { c->state = ECHO_READ; c->got = 0; continue; }
            break;
        case ECHO_READ:
            r = SSL_read(c->ssl, rbuf, sizeof rbuf);
            if (r > 0) {
                c->got += r;
                if (c->got >= size) {
                    echoes++;
                    c->state = --c->left > 0 ? ECHO_WRITE : READY;
                }
                continue;
            }
            break;
        case BULK_WRITE:
            if (c->left == 0) { c->state = BULK_ACK; continue; }
            r = SSL_write(c->ssl, wbuf, c->left < chunk ? (int)c->left : chunk);
            if (r > 0) { c->left -= r; bulk_sent += r; continue; }
            break;
        case BULK_ACK:
            r = SSL_read(c->ssl, rbuf, sizeof rbuf);
            if (r > 0) {
                c->got += r;
                if (c->got >= acks_wanted) c->state = READY;
                continue;
            }
            break;
        case SHUTDOWN:
            r = SSL_shutdown(c->ssl);
            if (r >= 0) { c->state = r == 1 ? DONE : DRAIN; continue; }
            if (SSL_get_error(c->ssl, r) == SSL_ERROR_WANT_WRITE) { watch(c, EPOLLOUT); return 0; }
            unclean++;
            c->state = DONE;
            continue;
        case DRAIN:  /* the server's tickets, close_notify and EOF */
            r = SSL_read(c->ssl, rbuf, sizeof rbuf);
            if (r > 0) continue;
            err = SSL_get_error(c->ssl, r);
            if (err == SSL_ERROR_WANT_READ) { watch(c, EPOLLIN); return 0; }
            if (err != SSL_ERROR_ZERO_RETURN) unclean++;
            c->state = DONE;
            continue;
        case DONE:
            return 1;
        case SERVE:
            r = SSL_read(c->ssl, rbuf, sizeof rbuf);
            if (r > 0) {
                if (c->role == ECHO) {
                    int w = SSL_write(c->ssl, rbuf, r);
                    if (w <= 0) {
                        if (SSL_get_error(c->ssl, w) != SSL_ERROR_WANT_WRITE) return 1;
                        c->pend = malloc(r);
                        memcpy(c->pend, rbuf, r);
                        c->pendlen = r;
                        c->state = FLUSH;
                        watch(c, EPOLLOUT);
                        return 0;
                    }
                } else {
                    long long before = c->got / unit;
                    c->got += r;
                    long long k = c->got / unit - before;
                    /* acks are one byte each and rare: a failed write here is a bug */
                    if (k > 0 && SSL_write(c->ssl, "kkkkkkkkkkkkkkkk", k > 16 ? 16 : (int)k) <= 0)
                        return 1;
                }
                continue;
            }
            err = SSL_get_error(c->ssl, r);
            if (err == SSL_ERROR_WANT_READ) { watch(c, EPOLLIN); return 0; }
            if (err == SSL_ERROR_ZERO_RETURN) SSL_shutdown(c->ssl);
            return 1;
        case FLUSH:
            r = SSL_write(c->ssl, c->pend, c->pendlen);
            if (r > 0) {
                free(c->pend);
                c->pend = NULL;
                c->state = SERVE;
                continue;
            }
            break;
        }
        /* an SSL call returned r <= 0: wait for what it wants, or give up */
        err = SSL_get_error(c->ssl, r);
        if (err == SSL_ERROR_WANT_READ) { watch(c, EPOLLIN); return 0; }
        if (err == SSL_ERROR_WANT_WRITE) { watch(c, EPOLLOUT); return 0; }
        if (c->role != CLIENT) return 1;  /* a server drops a broken connection */
        fprintf(stderr, "peer: %s failed in state %d (SSL error %d)\n", mode, c->state, err);
        ERR_print_errors_fp(stderr);
        exit(1);
    }
}

/* ------------------------------------------------------------------------------------ */
/* client */

static conn **conns;  /* echo / bulk / idle: the connections kept open */
static int nconns;

static void wait_line(void) {
    char line[256];
    if (!fgets(line, sizeof line, stdin)) exit(0);  /* the bench is gone */
}

/* Run the loop until done() or, with no progress for `stall` seconds, fail. */
static void run(int (*done)(void), double stall, void (*on_finish)(conn *)) {
    struct epoll_event evs[64];
    double last = now();
    while (!done()) {
        int k = epoll_wait(ep, evs, 64, 200);
        if (k < 0 && errno != EINTR) die("epoll_wait");
        if (k > 0) last = now();
        else if (now() - last > stall) {
            fprintf(stderr, "peer: %s stalled (%lld started, %lld finished)\n", mode, started,
                    finished);
            exit(1);
        }
        for (int i = 0; i < k; i++) {
            conn *c = evs[i].data.ptr;
            if (step(c)) {
                finished++;
                if (on_finish) on_finish(c);
                conn_close(c);
            }
        }
    }
}

static int hs_done(void) { return finished >= n; }
static int one_done(void) { return finished >= 1; }
static int all_ready(void) { return ready_conns >= nconns; }
static int batch_ready(void) { return ready_conns >= ready_target; }
static int all_closed(void) { return finished >= nconns; }

static void hs_next(conn *c) {
    (void)c;
    if (started < n) step(conn_open(0));
}

static void idle_next(conn *c) {
    (void)c;
    fprintf(stderr, "peer: an idle connection ended\n");
    exit(1);
}

static void print_result(long long ops, double wall) {
    printf("{\"ops\":%lld,\"wall\":%.6f,\"protocol\":\"%s\",\"cipher\":\"%s\",\"group\":\"%s\","
           "\"key\":\"%s\",\"resumed\":%lld,\"unclean\":%lld,\"closed\":%lld,\"rx\":%lld,"
           "\"tx\":%lld,\"tickets\":%lld}\n",
           ops, wall, neg_version, neg_cipher, neg_group, neg_key, reused, unclean, tot_closed,
           tot_rx, tot_tx, tot_tickets);
    fflush(stdout);
}

static void client(void) {
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, tls12 ? TLS1_2_VERSION : TLS1_3_VERSION);
    if (!SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256") ||
        !SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256") ||
        !SSL_CTX_set1_groups_list(ctx, "X25519:P-256"))
        die("client context");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);  /* the peer's own cost: not measured */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, on_new_session);
    wbuf = malloc(chunk > size ? chunk : size);
    memset(wbuf, 'a', chunk > size ? chunk : size);

    double t0;
    long long ops = 0;
    if (!strcmp(mode, "hs") || !strcmp(mode, "resume")) {
        if (!strcmp(mode, "resume")) {
            step(conn_open(1));
            run(one_done, 10, NULL);
            if (!saved || !SSL_SESSION_is_resumable(saved)) {
                fprintf(stderr, "peer: the server gave no resumable session\n");
                exit(1);
            }
            started = finished = reused = unclean = 0;
            tot_closed = tot_rx = tot_tx = tot_tickets = 0;
        }
        printf("{\"ready\":true}\n");
        fflush(stdout);
        wait_line();
        t0 = now();
        for (int i = 0; i < conc && started < n; i++) step(conn_open(0));
        run(hs_done, 10, hs_next);
        ops = finished;
        print_result(ops, now() - t0);
        wait_line();
        return;
    }

    nconns = !strcmp(mode, "echo") ? conc : !strcmp(mode, "bulk") ? 1 : (int)n;
    conns = calloc(nconns, sizeof *conns);
    /* open conc at a time (a burst of n connects would overflow the listen backlog) */
    int opened = 0;
    while (opened < nconns) {
        int batch = nconns - opened < conc ? nconns - opened : conc;
        ready_target = ready_conns + batch;
        for (int i = 0; i < batch; i++) step(conns[opened++] = conn_open(0));
        /* each connection waits for its first TLS 1.3 ticket; a server that sends none
           stalls here and the peer says so */
        run(batch_ready, 10, idle_next);
    }
    printf("{\"ready\":true,\"connections\":%d}\n", nconns);
    fflush(stdout);
    wait_line();
    ready_conns = 0;
    t0 = now();
    if (!strcmp(mode, "echo")) {
        long long per = n / nconns;
        for (int i = 0; i < nconns; i++) {
            conns[i]->left = per;
            conns[i]->state = ECHO_WRITE;
            step(conns[i]);
        }
        run(all_ready, 10, idle_next);
        ops = echoes;
    } else if (!strcmp(mode, "bulk")) {
        bulk_conn = conns[0];
        bulk_conn->left = n;
        acks_wanted = n / unit;
        bulk_conn->state = BULK_WRITE;
        step(bulk_conn);
        run(all_ready, 10, idle_next);
        ops = bulk_sent;
    } else {
        ops = nconns;
    }
    print_result(ops, now() - t0);
    wait_line();
    /* close every connection cleanly: close_notify, then the server's close */
    finished = 0;
    for (int i = 0; i < nconns; i++) {
        conns[i]->state = SHUTDOWN;
        if (step(conns[i])) { finished++; conn_close(conns[i]); }
    }
    run(all_closed, 10, NULL);
}

/* ------------------------------------------------------------------------------------ */
/* server */

typedef struct listener { int fd; enum role role; SSL_CTX *ctx; } listener;

static int listen_on(enum role role, SSL_CTX *lctx, listener *l) {
    l->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    l->role = role;
    l->ctx = lctx;
    int one = 1;
    setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (bind(l->fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(l->fd, 1024) < 0 ||
        getsockname(l->fd, (struct sockaddr *)&sa, &len) < 0)
        die("listen");
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = l};
    epoll_ctl(ep, EPOLL_CTL_ADD, l->fd, &ev);
    return ntohs(sa.sin_port);
}

/* A server context as the measured servers have theirs: Node 20's default groups (OpenSSL
   3.0's), a 32-byte session id context (as long as Node's default), OpenSSL's tickets. */
static SSL_CTX *server_ctx(const char *key, const char *cert) {
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_min_proto_version(sctx, TLS1_2_VERSION);
    if (!SSL_CTX_use_certificate_chain_file(sctx, cert) ||
        !SSL_CTX_use_PrivateKey_file(sctx, key, SSL_FILETYPE_PEM) ||
        !SSL_CTX_set_ciphersuites(sctx, "TLS_AES_128_GCM_SHA256") ||
        !SSL_CTX_set_cipher_list(sctx, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256") ||
        !SSL_CTX_set1_groups_list(sctx, "X25519:P-256:X448:P-521:P-384"))
        die("server context");
    SSL_CTX_set_session_id_context(sctx, (const unsigned char *)"bench-bench-bench-bench-bench-be",
                                   32);
    return sctx;
}

static void server(const char *key, const char *cert, const char *key2, const char *cert2) {
    ctx = server_ctx(key, cert);
    listener echo, sink, echo2 = {.fd = -1}, in = {.fd = 0, .role = CLIENT};
    int echo_port = listen_on(ECHO, ctx, &echo), sink_port = listen_on(SINK, ctx, &sink);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &in};
    epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev);
    if (key2 && cert2) {
        int echo2_port = listen_on(ECHO, server_ctx(key2, cert2), &echo2);
        printf("{\"echo\":%d,\"sink\":%d,\"echo2\":%d}\n", echo_port, sink_port, echo2_port);
    } else {
        printf("{\"echo\":%d,\"sink\":%d}\n", echo_port, sink_port);
    }
    fflush(stdout);

    struct epoll_event evs[64];
    for (;;) {
        int k = epoll_wait(ep, evs, 64, -1);
        if (k < 0 && errno != EINTR) die("epoll_wait");
        for (int i = 0; i < k; i++) {
            void *p = evs[i].data.ptr;
            if (p == &in) {
                char line[256];
                if (!fgets(line, sizeof line, stdin)) exit(0);
                printf("{\"handshakes\":%lld,\"resumed\":%lld,\"protocol\":\"%s\","
                       "\"cipher\":\"%s\",\"group\":\"%s\",\"key\":\"%s\",\"closed\":%lld,"
                       "\"rx\":%lld,\"tx\":%lld}\n",
                       handshakes, reused, neg_version, neg_cipher, neg_group, neg_key,
                       tot_closed, tot_rx, tot_tx);
                fflush(stdout);
                handshakes = reused = 0;
                tot_closed = tot_rx = tot_tx = tot_tickets = 0;
            } else if (p == &echo || p == &sink || p == &echo2) {
                listener *l = p;
                int fd;
                while ((fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    int one = 1;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    conn *c = calloc(1, sizeof *c);
                    c->fd = fd;
                    c->role = l->role;
                    c->ssl = SSL_new(l->ctx);
                    SSL_set_fd(c->ssl, fd);
                    SSL_set_accept_state(c->ssl);
                    SSL_set_app_data(c->ssl, c);
                    c->state = HANDSHAKE;
                    watch(c, EPOLLIN);
                }
            } else {
                conn *c = p;
                if (step(c)) conn_close(c);
            }
        }
    }
}

int main(int argc, char **argv) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  /* never outlive the bench */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) { fprintf(stderr, "usage: peer client|server key=value...\n"); return 2; }
    const char *key = NULL, *cert = NULL, *key2 = NULL, *cert2 = NULL;
    for (int i = 2; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq) { fprintf(stderr, "peer: bad argument %s\n", argv[i]); return 2; }
        *eq = 0;
        const char *k = argv[i], *v = eq + 1;
        if (!strcmp(k, "port")) port = atoi(v);
        else if (!strcmp(k, "mode")) mode = v;
        else if (!strcmp(k, "n")) n = atoll(v);
        else if (!strcmp(k, "conc")) conc = atoi(v);
        else if (!strcmp(k, "tls12")) tls12 = atoi(v);
        else if (!strcmp(k, "size")) size = atoi(v);
        else if (!strcmp(k, "chunk")) chunk = atoi(v);
        else if (!strcmp(k, "unit")) unit = atoll(v);
        else if (!strcmp(k, "key")) key = v;
        else if (!strcmp(k, "cert")) cert = v;
        else if (!strcmp(k, "key2")) key2 = v;
        else if (!strcmp(k, "cert2")) cert2 = v;
        else { fprintf(stderr, "peer: unknown argument %s\n", k); return 2; }
    }
    ep = epoll_create1(0);
    if (!strcmp(argv[1], "server")) {
        if (!key || !cert) { fprintf(stderr, "peer server needs key= and cert=\n"); return 2; }
        server(key, cert, key2, cert2);
    } else {
        if (!port) { fprintf(stderr, "peer client needs port=\n"); return 2; }
        client();
    }
    return 0;
}
