// choose_upstream: least active sessions per weight, or weighted rendezvous hashing.
#include "relay/upstream_choice.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace xiaozhi::relay {

namespace {

constexpr std::uint64_t fnv_offset = 14695981039346656037ull;
constexpr std::uint64_t fnv_prime = 1099511628211ull;

std::uint64_t fnv1a(std::uint64_t hash, std::string_view text) {
    for (unsigned char c : text) {
        hash ^= c;
        hash *= fnv_prime;
    }
    return hash;
}

// The splitmix64 finalizer: every input bit moves every output bit.
std::uint64_t mixed(std::uint64_t value) {
    value ^= value >> 30;
    value *= 0xbf58476d1ce4e5b9ull;
    value ^= value >> 27;
    value *= 0x94d049bb133111ebull;
    value ^= value >> 31;
    return value;
}

// FNV-1a of device id, a byte no text holds (0xff) and key, finalized by splitmix64.
std::uint64_t pair_hash(std::string_view device_id, std::string_view key) {
    std::uint64_t hash = fnv1a(fnv_offset, device_id);
    hash ^= 0xffu;
    hash *= fnv_prime;
    return mixed(fnv1a(hash, key));
}

bool is_candidate(const UpstreamView& upstream, std::size_t index,
                  std::span<const std::size_t> excluded) {
    return upstream.healthy && !upstream.draining && upstream.weight >= 1 &&
           std::find(excluded.begin(), excluded.end(), index) == excluded.end();
}

// Whether `a` carries fewer active sessions per weight than `b` (exact, no division).
bool less_loaded(const UpstreamView& a, const UpstreamView& b) {
    return a.active * static_cast<std::size_t>(b.weight) <
           b.active * static_cast<std::size_t>(a.weight);
}

// The rendezvous score of (device_id, key) at `weight`: -weight / ln(u), u in (0, 1) from the
// pair's hash. The highest score wins.
double rendezvous_score(std::string_view device_id, std::string_view key, int weight) {
    // The top 53 bits as a double in (0, 1): never 0, never 1.
    const double u =
        (static_cast<double>(pair_hash(device_id, key) >> 11) + 0.5) / 9007199254740992.0;
    return -static_cast<double>(weight) / std::log(u);
}

}  // namespace

std::optional<std::size_t> choose_upstream(std::span<const UpstreamView> upstreams,
                                           std::string_view device_id, bool sticky,
                                           std::span<const std::size_t> excluded) {
    const bool hashed = sticky && !device_id.empty();
    std::optional<std::size_t> best;
    double best_score = 0;
    for (std::size_t i = 0; i < upstreams.size(); ++i) {
        const UpstreamView& upstream = upstreams[i];
        if (!is_candidate(upstream, i, excluded)) continue;
        if (hashed) {
            const double score = rendezvous_score(device_id, upstream.key, upstream.weight);
            if (!best || score > best_score) {
                best = i;
                best_score = score;
            }
        } else if (!best || less_loaded(upstream, upstreams[*best])) {
            best = i;
        }
    }
    return best;
}

}  // namespace xiaozhi::relay
