// Floor for bench/compare.sh: the least work simulate-device needs from a server (see README.md), on one epoll thread.
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { FRAME_MS = 60, MAX_PAYLOAD = 64 * 1024, MAX_PENDING = MAX_PAYLOAD + 16, READ_SIZE = 64 * 1024 };
enum kind { FREE, WS_HANDSHAKE, WS_OPEN, HTTP };

struct conn {
    uint8_t kind;
    uint8_t listening;       // inside a listen turn: binary frames are kept in heard
    uint8_t queued;          // in the pacing queue; prev and next are set only then
    uint8_t *pending;        // the start of a request or frame that has not fully arrived
    uint32_t pending_len;
    uint8_t *heard;          // the turn's packets, each as [2-byte length][bytes]
    uint32_t heard_len, heard_cap;
    uint8_t *reply;          // the packets being echoed, in the same layout
    uint32_t reply_len, reply_pos, reply_index;
    double reply_start;      // ms: packet i is due at reply_start + i * FRAME_MS
    int prev, next;          // the pacing queue, by fd; -1 ends it
};

static struct conn *conns;  // indexed by fd
static int ws_listener, http_listener, epfd, ws_port;
static int queue_head = -1, queue_tail = -1;  // replying sessions in order of their next due time
static uint8_t in[READ_SIZE + 1], out[MAX_PAYLOAD + 256];
static unsigned long short_writes, protocol_errors;
static volatile sig_atomic_t stopping;

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void unqueue(int fd) {
    struct conn *c = &conns[fd];
    if (!c->queued) return;
    c->queued = 0;
    if (c->prev >= 0) conns[c->prev].next = c->next; else if (queue_head == fd) queue_head = c->next;
    if (c->next >= 0) conns[c->next].prev = c->prev; else if (queue_tail == fd) queue_tail = c->prev;
}

static void enqueue(int fd) {
    conns[fd].queued = 1;
    conns[fd].prev = queue_tail;
    conns[fd].next = -1;
    if (queue_tail >= 0) conns[queue_tail].next = fd; else queue_head = fd;
    queue_tail = fd;
}

static void drop(int fd) {
    struct conn *c = &conns[fd];
    unqueue(fd);
    free(c->pending);
    free(c->heard);
    free(c->reply);
    memset(c, 0, sizeof *c);
    close(fd);
}

// One write of everything in out[0, len); anything short of that is counted and drops the connection.
static int send_all(int fd, size_t len) {
    if (write(fd, out, len) == (ssize_t)len) return 0;
    ++short_writes;
    drop(fd);
    return -1;
}

// Appends one unmasked server frame (text 0x81, binary 0x82) to out at pos; returns the new end.
static size_t put_frame(size_t pos, uint8_t opcode, const void *data, size_t len) {
    out[pos++] = opcode;
    if (len < 126) {
        out[pos++] = (uint8_t)len;
    } else {
        out[pos++] = 126;
        out[pos++] = (uint8_t)(len >> 8);
        out[pos++] = (uint8_t)len;
    }
    memcpy(out + pos, data, len);
    return pos + len;
}

#define TTS_START "{\"type\":\"tts\",\"state\":\"start\"}"
#define TTS_STOP "{\"type\":\"tts\",\"state\":\"stop\"}"

// Sends the next packet of fd's reply (after tts start for the first, before tts stop for the last).
static int send_next_packet(int fd) {
    struct conn *c = &conns[fd];
    size_t pos = 0;
    if (c->reply_pos == 0) pos = put_frame(pos, 0x81, TTS_START, sizeof TTS_START - 1);
    const uint32_t len = (uint32_t)c->reply[c->reply_pos] << 8 | c->reply[c->reply_pos + 1];
    pos = put_frame(pos, 0x82, c->reply + c->reply_pos + 2, len);
    c->reply_pos += 2 + len;
    c->reply_index++;
    const int last = c->reply_pos >= c->reply_len;
    if (last) pos = put_frame(pos, 0x81, TTS_STOP, sizeof TTS_STOP - 1);
    if (send_all(fd, pos) < 0) return -1;
    if (last) {
        free(c->reply);
        c->reply = NULL;
    } else {
        enqueue(fd);
    }
    return 0;
}

static int start_reply(int fd) {
    struct conn *c = &conns[fd];
    unqueue(fd);
    free(c->reply);
    c->reply = c->heard;
    c->reply_len = c->heard_len;
    c->reply_pos = c->reply_index = 0;
    c->heard = NULL;
    c->heard_len = c->heard_cap = 0;
    c->listening = 0;
    c->reply_start = now_ms();
    return send_next_packet(fd);
}

// A text message: classified by substring, not parsed as JSON.
static int on_text(int fd, const uint8_t *text, size_t len) {
    struct conn *c = &conns[fd];
    if (memmem(text, len, "\"hello\"", 7)) {
        char hello[128];
        const int n = snprintf(hello, sizeof hello,
                               "{\"type\":\"hello\",\"version\":1,\"transport\":\"websocket\",\"session_id\":\"%d\"}", fd);
        return send_all(fd, put_frame(0, 0x81, hello, (size_t)n));
    }
    if (!memmem(text, len, "\"listen\"", 8)) return 0;
    if (memmem(text, len, "\"start\"", 7)) {
        c->listening = 1;
        c->heard_len = 0;
    } else if (memmem(text, len, "\"stop\"", 6) && c->listening) {
        c->listening = 0;
        if (c->heard_len > 0) return start_reply(fd);
    }
    return 0;
}

static void on_binary(int fd, const uint8_t *data, size_t len) {
    struct conn *c = &conns[fd];
    if (!c->listening || len == 0) return;
    if (c->heard_len + 2 + len > c->heard_cap) {
        c->heard_cap = c->heard_cap ? c->heard_cap * 2 : 4096;
        while (c->heard_len + 2 + len > c->heard_cap) c->heard_cap *= 2;
        c->heard = realloc(c->heard, c->heard_cap);
    }
    c->heard[c->heard_len++] = (uint8_t)(len >> 8);
    c->heard[c->heard_len++] = (uint8_t)len;
    memcpy(c->heard + c->heard_len, data, len);
    c->heard_len += (uint32_t)len;
}

// Handles the complete WebSocket frames at the start of data; returns the bytes used, -1 when fd is gone.
static long on_frames(int fd, uint8_t *data, size_t len) {
    size_t used = 0;
    while (len - used >= 2) {
        uint8_t *f = data + used;
        const uint8_t opcode = f[0] & 0x0f;
        size_t header = 2, payload = f[1] & 0x7f;
        if (!(f[0] & 0x80) || !(f[1] & 0x80) || payload == 127) goto bad;  // fragments, unmasked, >64 KiB
        if (payload == 126) {
            if (len - used < 4) break;
            payload = (size_t)f[2] << 8 | f[3];
            header = 4;
        }
        if (len - used < header + 4 + payload) break;
        uint8_t *mask = f + header, *p = f + header + 4;
        for (size_t i = 0; i < payload; ++i) p[i] ^= mask[i & 3];
        used += header + 4 + payload;
        if (opcode == 1) {
            if (on_text(fd, p, payload) < 0) return -1;
        } else if (opcode == 2) {
            on_binary(fd, p, payload);
        } else if (opcode == 8) {
            drop(fd);  // no close frame back
            return -1;
        }  // ping and pong: ignored
    }
    return (long)used;
bad:
    ++protocol_errors;
    drop(fd);
    return -1;
}

static const uint8_t *header_value(const uint8_t *head, const char *name) {
    const char *at = strcasestr((const char *)head, name);
    if (!at) return NULL;
    at += strlen(name);
    while (*at == ' ') ++at;
    return (const uint8_t *)at;
}

// The upgrade request: answered with the 101 and the accept key, nothing else checked.
static long on_handshake(int fd, uint8_t *data, size_t len) {
    const uint8_t *end = memmem(data, len, "\r\n\r\n", 4);
    if (!end) return 0;
    const uint8_t *key = header_value(data, "\r\nSec-WebSocket-Key:");
    if (!key || key > end) goto bad;
    size_t key_len = strcspn((const char *)key, "\r");
    if (key_len > 60) goto bad;
    char joined[100];
    memcpy(joined, key, key_len);
    memcpy(joined + key_len, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", 36);
    uint8_t digest[SHA_DIGEST_LENGTH];
    SHA1((const uint8_t *)joined, key_len + 36, digest);
    char accept[32];
    EVP_EncodeBlock((uint8_t *)accept, digest, SHA_DIGEST_LENGTH);
    const int n = snprintf((char *)out, sizeof out,
                           "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Accept: %s\r\n\r\n", accept);
    if (send_all(fd, (size_t)n) < 0) return -1;
    conns[fd].kind = WS_OPEN;
    const size_t used = (size_t)(end + 4 - data);
    const long more = on_frames(fd, data + used, len - used);
    return more < 0 ? -1 : (long)used + more;
bad:
    ++protocol_errors;
    drop(fd);
    return -1;
}

// OTA requests: any request with a complete body gets the same answer with the time of now.
static long on_http(int fd, uint8_t *data, size_t len) {
    size_t used = 0;
    for (;;) {
        const uint8_t *end = memmem(data + used, len - used, "\r\n\r\n", 4);
        if (!end) break;
        const uint8_t saved = end[2];
        data[end + 2 - data] = 0;  // header_value stays inside this request's head
        const uint8_t *length = header_value(data + used, "\r\nContent-Length:");
        data[end + 2 - data] = saved;
        const size_t request = (size_t)(end + 4 - (data + used)) + (length ? strtoul((const char *)length, NULL, 10) : 0);
        if (len - used < request) break;
        used += request;
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        char body[256];
        const int b = snprintf(body, sizeof body,
                               "{\"server_time\":{\"timestamp\":%lld,\"timezone_offset\":480},"
                               "\"firmware\":{\"version\":\"1.0.0\",\"url\":\"\"},"
                               "\"websocket\":{\"url\":\"ws://127.0.0.1:%d/xiaozhi/v1/\"}}",
                               (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000, ws_port);
        const int n = snprintf((char *)out, sizeof out,
                               "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", b, body);
        if (send_all(fd, (size_t)n) < 0) return -1;
    }
    return (long)used;
}

static long on_data(int fd, uint8_t *data, size_t len) {
    switch (conns[fd].kind) {
        case WS_HANDSHAKE: return on_handshake(fd, data, len);
        case WS_OPEN: return on_frames(fd, data, len);
        default: return on_http(fd, data, len);
    }
}

// One read; whatever is left of an incomplete frame or request waits in pending (a copy).
static void on_readable(int fd) {
    struct conn *c = &conns[fd];
    const ssize_t n = read(fd, in, READ_SIZE);
    if (n <= 0) {
        if (n == 0 || (errno != EAGAIN && errno != EINTR)) drop(fd);
        return;
    }
    uint8_t *data = in;
    size_t len = (size_t)n;
    if (c->pending_len) {
        c->pending = realloc(c->pending, c->pending_len + len + 1);
        memcpy(c->pending + c->pending_len, in, len);
        data = c->pending;
        len += c->pending_len;
        c->pending = NULL;
        c->pending_len = 0;
    }
    data[len] = 0;
    const long used = on_data(fd, data, len);
    if (used >= 0 && (size_t)used < len) {
        if (len - (size_t)used > MAX_PENDING) {
            ++protocol_errors;
            drop(fd);
        } else {
            c->pending = malloc(len - (size_t)used + 1);
            memcpy(c->pending, data + used, len - (size_t)used);
            c->pending_len = (uint32_t)(len - (size_t)used);
        }
    }
    if (data != in) free(data);
}

static void accept_all(int listener, enum kind kind) {
    for (;;) {
        const int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conns[fd].kind = (uint8_t)kind;
        struct epoll_event event = {.events = EPOLLIN, .data.fd = fd};
        epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
    }
}

static int listen_on(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0 || listen(fd, 4096) < 0) {
        perror("floor: bind/listen");
        exit(1);
    }
    struct epoll_event event = {.events = EPOLLIN, .data.fd = fd};
    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
    return fd;
}

static void on_signal(int sig) {
    (void)sig;
    stopping = 1;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: floor WS_PORT HTTP_PORT\n");
        return 2;
    }
    struct rlimit limit;
    getrlimit(RLIMIT_NOFILE, &limit);
    conns = calloc(limit.rlim_cur, sizeof *conns);  // pages come into RSS as connections touch them
    struct sigaction action = {.sa_handler = on_signal};
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    signal(SIGPIPE, SIG_IGN);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    ws_port = atoi(argv[1]);
    ws_listener = listen_on(ws_port);
    http_listener = listen_on(atoi(argv[2]));
    struct epoll_event events[256];
    while (!stopping) {
        int timeout = -1;
        if (queue_head >= 0) {
            const struct conn *c = &conns[queue_head];
            const double wait = c->reply_start + c->reply_index * FRAME_MS - now_ms();
            timeout = wait > 0 ? (int)wait + 1 : 0;
        }
        const int n = epoll_wait(epfd, events, 256, timeout);
        for (int i = 0; i < n; ++i) {
            const int fd = events[i].data.fd;
            if (fd == ws_listener) accept_all(fd, WS_HANDSHAKE);
            else if (fd == http_listener) accept_all(fd, HTTP);
            else if (conns[fd].kind != FREE) on_readable(fd);
        }
        const double now = now_ms();
        while (queue_head >= 0) {
            const int fd = queue_head;
            if (conns[fd].reply_start + conns[fd].reply_index * FRAME_MS > now) break;
            unqueue(fd);
            send_next_packet(fd);
        }
    }
    fprintf(stderr, "floor: short writes %lu, protocol errors %lu\n", short_writes, protocol_errors);
    return 0;
}
