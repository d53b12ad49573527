// Whom ota-push and simulate-device trust for https:// and wss://: the system store, a CA bundle,
// or (--insecure) nobody.
#pragma once

#include <string>
#include <string_view>

namespace xiaozhi::client {

struct TlsTrust {
    std::string ca_file;    // PEM bundle trusted instead of the system store ("": the system store)
    bool insecure = false;  // no certificate verification at all
};

// The one line `command` prints on standard error under --insecure: what is not checked.
inline std::string insecure_warning(std::string_view command) {
    return "xiaozhi " + std::string(command) +
           ": warning: --insecure: TLS certificates are not verified (not who issued them, not "
           "their validity dates, not the host name): anyone on the network path can pose as "
           "the server";
}

}  // namespace xiaozhi::client
