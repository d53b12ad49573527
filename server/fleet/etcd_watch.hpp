// EtcdWatch: a thread that follows one etcd key through /v3/watch, with a full read at every
// (re)connection.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "fleet/etcd_client.hpp"

namespace xiaozhi::server {

// Each connection starts with a range read of the key, handed to the callback, and then
// watches from the revision after that read, so a change made while it was away (or a
// compacted revision, which ends the watch) is never missed: the next connection's read
// has it. A stream silent for `idle` is dropped and opened again. etcd away: it retries
// with backoff (0.5 s doubling to 5 s).
class EtcdWatch {
  public:
    struct Options {
        EtcdClient::Options etcd;
        std::string key;
        std::chrono::seconds idle{30};
    };
    // Called on the watch's thread with the key's value and mod_revision (0: absent) after
    // every read and for every change. Exceptions are logged and the watch goes on.
    using OnValue = std::function<void(const fleet::EtcdKeyValue& value)>;

    EtcdWatch(Options options, OnValue on_value);
    ~EtcdWatch();
    EtcdWatch(const EtcdWatch&) = delete;
    EtcdWatch& operator=(const EtcdWatch&) = delete;

    void start();
    void stop();  // returns within about 200 ms; safe to call twice

  private:
    void run();
    // Reads the key, then follows its stream until it ends; false when etcd did not answer.
    bool follow_once();
    void deliver(const fleet::EtcdKeyValue& value);

    Options options_;
    OnValue on_value_;
    EtcdClient etcd_;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::condition_variable wake_;
    std::thread thread_;
};

}  // namespace xiaozhi::server
