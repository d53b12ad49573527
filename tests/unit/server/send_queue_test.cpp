// Tests of a session's bounded send queue: order, limit, dropping reply packets, memory.
#include <catch2/catch.hpp>

#include "send_queue.hpp"

using namespace xiaozhi::server;

namespace {

Outgoing text(std::string value) {
    return Outgoing{std::move(value), nullptr, 0};
}

Outgoing packet(const std::shared_ptr<const Reply>& reply, std::size_t index) {
    return Outgoing{{}, reply, index};
}

std::shared_ptr<const Reply> reply_of(std::size_t packets) {
    auto reply = std::make_shared<Reply>();
    reply->packets.resize(packets);
    return reply;
}

}  // namespace

TEST_CASE("the queue hands messages out in order", "[send_queue]") {
    SendQueue queue(100);
    const auto reply = reply_of(3);
    CHECK(queue.push(text("stt")));
    for (std::size_t i = 0; i < 3; ++i) CHECK(queue.push(packet(reply, i)));
    CHECK(queue.push(text("stop")));
    CHECK(queue.size() == 5);
    CHECK(queue.pop().text == "stt");
    for (std::size_t i = 0; i < 3; ++i) {
        const Outgoing item = queue.pop();
        CHECK(item.is_audio());
        CHECK(item.packet == i);
    }
    CHECK(queue.pop().text == "stop");
    CHECK(queue.empty());
}

TEST_CASE("a full queue refuses the next message and keeps what it has", "[send_queue]") {
    SendQueue queue(3);
    CHECK(queue.push(text("a")));
    CHECK(queue.push(text("b")));
    CHECK(queue.push(text("c")));
    CHECK_FALSE(queue.push(text("d")));
    CHECK(queue.size() == 3);
    CHECK(queue.pop().text == "a");
    CHECK(queue.push(text("d")));
    CHECK(queue.pop().text == "b");
    CHECK(queue.pop().text == "c");
    CHECK(queue.pop().text == "d");
}

TEST_CASE("a long stream through the queue does not grow its storage", "[send_queue]") {
    SendQueue queue(8);
    const auto reply = reply_of(10000);
    std::size_t next = 0;
    for (std::size_t i = 0; i < 4; ++i) REQUIRE(queue.push(packet(reply, next++)));
    std::size_t expected = 0;
    // Always 4-5 waiting, never drained: the front is compacted away.
    while (next < 10000) {
        REQUIRE(queue.push(packet(reply, next++)));
        CHECK(queue.pop().packet == expected++);
    }
    CHECK(queue.capacity() <= 64);
    CHECK(queue.size() == 4);
}

TEST_CASE("drop_audio removes reply packets and keeps texts in order", "[send_queue]") {
    SendQueue queue(100);
    const auto reply = reply_of(4);
    queue.push(text("stt"));
    queue.push(packet(reply, 0));
    queue.pop();
    queue.push(packet(reply, 1));
    queue.push(text("tts start"));
    queue.push(packet(reply, 2));
    queue.drop_audio();
    REQUIRE(queue.size() == 1);
    CHECK(queue.pop().text == "tts start");
    CHECK(queue.empty());

    queue.push(packet(reply, 3));
    queue.drop_audio();
    CHECK(queue.empty());
    CHECK(queue.push(text("stop")));
    CHECK(queue.pop().text == "stop");
    // The queue held the only other references to the reply.
    CHECK(reply.use_count() == 1);
}

TEST_CASE("storage is given back when the queue drains idle", "[send_queue]") {
    SendQueue queue(100);
    for (int i = 0; i < 50; ++i) queue.push(text("x"));
    queue.release_if_empty();
    CHECK(queue.capacity() >= 50);
    while (!queue.empty()) queue.pop();
    queue.release_if_empty();
    CHECK(queue.capacity() == 0);
    queue.push(text("y"));
    queue.clear();
    CHECK(queue.empty());
    CHECK(queue.capacity() == 0);
}
