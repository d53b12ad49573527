// Device identities and per-device random numbers from the run's seed.
#include "device_identity.hpp"

#include <fmt/format.h>

namespace xiaozhi::simulator {

std::uint64_t DeviceRandom::next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double DeviceRandom::unit() {
    return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0);
}

std::uint64_t device_seed(std::uint64_t seed, std::uint32_t index) {
    DeviceRandom mix(seed ^ (std::uint64_t{index} << 32 | index));
    return mix.next();
}

DeviceIdentity make_device_identity(std::uint64_t seed, std::uint32_t index) {
    DeviceRandom random(device_seed(seed, index) ^ 0x6d61635f75756964ULL);
    const std::uint64_t mac_bits = random.next();
    std::uint8_t mac[6];
    for (int i = 0; i < 6; ++i) mac[i] = static_cast<std::uint8_t>(mac_bits >> (8 * i));
    mac[0] = static_cast<std::uint8_t>((mac[0] & 0xFC) | 0x02);
    const std::uint64_t high = random.next();
    const std::uint64_t low = random.next();
    DeviceIdentity identity;
    identity.mac = fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", mac[0], mac[1], mac[2],
                               mac[3], mac[4], mac[5]);
    identity.client_id = fmt::format("{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}", high >> 32,
                                     (high >> 16) & 0xFFFF, high & 0x0FFF, 8 + ((low >> 62) & 0x3),
                                     (low >> 48) & 0x0FFF, low & 0xFFFFFFFFFFFFULL);
    return identity;
}

}  // namespace xiaozhi::simulator
