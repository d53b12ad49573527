// A well-behaved device session kept alive through a hostile test, that must keep getting replies.
#pragma once

#include <string>

#include "ws_client.hpp"

namespace xiaozhi::testing {

class CanaryDevice {
  public:
    // Connects to `websocket_port` as a firmware device and says hello (REQUIREs both).
    explicit CanaryDevice(int websocket_port);

    // One manual turn of 0.6 s of speech; REQUIREs the whole reply (stt, tts start,
    // sentence_start, the 10 packets echoed, tts stop) within `timeout_ms`.
    void talk(int timeout_ms = 15000);

  private:
    WsClient client_;
};

// Resident memory of process `pid` in KiB (VmRSS), 0 when it cannot be read.
long resident_kib(int pid);

}  // namespace xiaozhi::testing
