// plain_request: Beast's request header copied into an HttpRequest.
#include "http_head.hpp"

namespace xiaozhi::server {

HttpRequest plain_request(const boost::beast::http::request_header<>& head,
                          std::string peer_address, int peer_port) {
    HttpRequest request;
    request.method = std::string(head.method_string());
    request.target = std::string(head.target());
    const std::size_t question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) request.query = request.target.substr(question + 1);
    for (const auto& field : head) {
        request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.peer_address = std::move(peer_address);
    request.peer_port = peer_port;
    return request;
}

}  // namespace xiaozhi::server
