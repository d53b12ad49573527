// The answer to a connection beyond server.max_connections: a canned 503, then close.
#pragma once

namespace xiaozhi::server {

// Discards what the peer sent already, writes `HTTP/1.1 503` with Connection: close and
// {"error":"too many connections"} without blocking (a fresh socket's send buffer takes it),
// and shuts the sending side down. Never waits for the request: the caller closes `fd`
// right after, so refused sockets never accumulate.
void refuse_connection(int fd);

}  // namespace xiaozhi::server
