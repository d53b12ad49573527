// Which bind addresses of one (transport, port) group overlap, without comparing every pair.
#include "analysis/bind_overlap.hpp"

#include <unordered_map>

#include "deploy/ip_address.hpp"
#include "deploy/url.hpp"

namespace xiaozhi::analysis {

namespace {

struct DistinctAddresses {
    std::vector<std::string> texts;
    std::vector<std::size_t> of_position;  // index into texts for each position
};

DistinctAddresses distinct(const std::vector<std::string>& addresses) {
    DistinctAddresses result;
    std::unordered_map<std::string, std::size_t> index;
    for (const auto& address : addresses) {
        auto [it, inserted] = index.emplace(address, result.texts.size());
        if (inserted) result.texts.push_back(address);
        result.of_position.push_back(it->second);
    }
    return result;
}

// The canonical text of a specific (not unspecified) IP address, or "" for
// everything else: unspecified addresses, "", "*", host names such as localhost.
std::string specific_ip(const std::string& text) {
    auto ip = deploy::parse_ip(text);
    if (!ip || ip->is_unspecified()) return {};
    return deploy::format_ip(ip->unmapped());
}

// For every distinct address, the distinct addresses it overlaps (itself included).
std::vector<std::vector<std::size_t>> overlap_lists(const std::vector<std::string>& texts,
                                                    bool v6only) {
    std::vector<std::vector<std::size_t>> lists(texts.size());
    std::unordered_map<std::string, std::vector<std::size_t>> by_ip;
    std::vector<std::size_t> wide;
    for (std::size_t a = 0; a < texts.size(); ++a) {
        std::string key = specific_ip(texts[a]);
        if (key.empty()) {
            wide.push_back(a);
        } else {
            by_ip[key].push_back(a);
        }
    }
    for (const auto& [key, same] : by_ip) {
        for (std::size_t a : same) lists[a] = same;
    }
    for (std::size_t w : wide) {
        for (std::size_t a = 0; a < texts.size(); ++a) {
            if (!deploy::bind_addresses_overlap(texts[w], texts[a], v6only)) continue;
            lists[w].push_back(a);
            if (!specific_ip(texts[a]).empty()) lists[a].push_back(w);
        }
    }
    return lists;
}

}  // namespace

std::vector<EarlierOverlap> earlier_overlaps(const std::vector<std::string>& addresses,
                                             bool v6only) {
    DistinctAddresses addrs = distinct(addresses);
    auto lists = overlap_lists(addrs.texts, v6only);
    std::vector<std::size_t> seen(addrs.texts.size(), 0);
    std::vector<std::size_t> first_seen(addrs.texts.size(), 0);
    std::vector<EarlierOverlap> result(addresses.size());
    for (std::size_t position = 0; position < addresses.size(); ++position) {
        std::size_t address = addrs.of_position[position];
        EarlierOverlap& earlier = result[position];
        for (std::size_t other : lists[address]) {
            if (seen[other] == 0) continue;
            earlier.count += seen[other];
            if (!earlier.first || first_seen[other] < *earlier.first) {
                earlier.first = first_seen[other];
            }
        }
        if (seen[address]++ == 0) first_seen[address] = position;
    }
    return result;
}

}  // namespace xiaozhi::analysis
