// Who a simulated device is: its MAC, client UUID and a small random generator, all from the seed.
#pragma once

#include <cstdint>
#include <string>

namespace xiaozhi::simulator {

// SplitMix64: 8 bytes of state per device, where a std::mt19937 would take 5 KB.
class DeviceRandom {
  public:
    explicit DeviceRandom(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next();
    // Uniform in [0, 1).
    double unit();

  private:
    std::uint64_t state_;
};

struct DeviceIdentity {
    std::string mac;        // "02:1a:2b:3c:4d:5e": locally administered, unicast
    std::string client_id;  // a version 4 UUID, lower case
};

// The identity of device `index` of a run with `seed`; the same pair gives the same identity.
DeviceIdentity make_device_identity(std::uint64_t seed, std::uint32_t index);

// The seed of device `index`'s own generator (timing jitter, abort choices).
std::uint64_t device_seed(std::uint64_t seed, std::uint32_t index);

}  // namespace xiaozhi::simulator
