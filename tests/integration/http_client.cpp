// The test HTTP client: connect to 127.0.0.1, write the request, read to EOF, parse the answer.
#include "http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

namespace xiaozhi::testing {

namespace {

int connect_loopback(int port, int timeout_ms) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool send_all(int fd, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

std::string read_until_close(int fd, int timeout_ms) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    char buffer[16384];
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd poll_fd{fd, POLLIN, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now())
                              .count();
        if (::poll(&poll_fd, 1, static_cast<int>(std::max<long>(left, 1))) <= 0) break;
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
}

// The body of a "Transfer-Encoding: chunked" answer (etcd's gateway sends large ones so).
std::string dechunked(const std::string& raw) {
    std::string body;
    std::size_t at = 0;
    while (at < raw.size()) {
        const std::size_t line_end = raw.find("\r\n", at);
        if (line_end == std::string::npos) break;
        const std::size_t size = std::strtoul(raw.c_str() + at, nullptr, 16);
        if (size == 0) break;
        body.append(raw, line_end + 2, size);
        at = line_end + 2 + size + 2;
    }
    return body;
}

HttpReply parse_reply(const std::string& raw) {
    HttpReply reply;
    const std::size_t end = raw.find("\r\n\r\n");
    if (raw.compare(0, 5, "HTTP/") != 0 || end == std::string::npos) {
        reply.error = raw.empty() ? "no answer" : "not an HTTP answer: " + raw.substr(0, 80);
        return reply;
    }
    const std::size_t space = raw.find(' ');
    reply.status = std::atoi(raw.c_str() + space + 1);
    std::size_t line_start = raw.find("\r\n") + 2;
    while (line_start < end) {
        const std::size_t line_end = raw.find("\r\n", line_start);
        const std::string line = raw.substr(line_start, line_end - line_start);
        const std::size_t colon = line.find(':');
        if (colon != std::string::npos) {
            std::size_t value = colon + 1;
            while (value < line.size() && line[value] == ' ') ++value;
            reply.headers.emplace_back(line.substr(0, colon), line.substr(value));
        }
        line_start = line_end + 2;
    }
    reply.body = raw.substr(end + 4);
    if (::strcasecmp(reply.header("Transfer-Encoding").c_str(), "chunked") == 0) {
        reply.body = dechunked(reply.body);
    }
    return reply;
}

}  // namespace

std::string HttpReply::header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
        if (key.size() == name.size() && ::strcasecmp(key.c_str(), name.c_str()) == 0) {
            return value;
        }
    }
    return {};
}

HttpReply http_call(int port, const HttpCall& call) {
    std::string request = call.method + " " + call.target +
                          " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                          "\r\nConnection: close\r\n";
    bool has_length = false;
    for (const auto& [name, value] : call.headers) {
        request += name + ": " + value + "\r\n";
        if (::strcasecmp(name.c_str(), "Content-Length") == 0) has_length = true;
    }
    if (!has_length && (!call.body.empty() || call.method == "POST" || call.method == "PUT")) {
        request += "Content-Length: " + std::to_string(call.body.size()) + "\r\n";
    }
    request += "\r\n" + call.body;
    const std::string raw = raw_exchange(port, request, call.timeout_ms);
    return parse_reply(raw);
}

HttpReply http_get(int port, const std::string& target) {
    HttpCall call;
    call.target = target;
    return http_call(port, call);
}

HttpCall ota_request(const std::string& device_id, const std::string& client_id,
                     const std::string& version, const std::string& board) {
    HttpCall call;
    call.method = "POST";
    call.target = "/xiaozhi/ota/";
    call.headers = {
        {"Device-Id", device_id}, {"Client-Id", client_id}, {"Content-Type", "application/json"}};
    call.body =
        R"({"application":{"version":")" + version + R"("},"board":{"type":")" + board + R"("}})";
    return call;
}

HttpReply admin_call(int port, const std::string& token, const std::string& method,
                     const std::string& path,
                     std::vector<std::pair<std::string, std::string>> headers,
                     const std::string& body) {
    HttpCall call;
    call.method = method;
    call.target = "/xiaozhi/admin/" + path;
    call.headers = std::move(headers);
    call.headers.emplace_back("Authorization", "Bearer " + token);
    call.body = body;
    return http_call(port, call);
}

std::string raw_exchange(int port, const std::string& bytes, int timeout_ms) {
    const int fd = connect_loopback(port, timeout_ms);
    if (fd < 0) return {};
    std::string answer;
    if (send_all(fd, bytes)) answer = read_until_close(fd, timeout_ms);
    ::close(fd);
    return answer;
}

}  // namespace xiaozhi::testing
