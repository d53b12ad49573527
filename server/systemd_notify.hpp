// sd_notify without libsystemd: a datagram to $NOTIFY_SOCKET ("READY=1", "STOPPING=1", ...).
#pragma once

#include <string>

namespace xiaozhi::server {

// Sends `state` when the process runs under systemd with Type=notify; returns
// false (and does nothing) when $NOTIFY_SOCKET is unset or the send fails.
bool notify_systemd(const std::string& state);

}  // namespace xiaozhi::server
