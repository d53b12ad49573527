// Which bind addresses of one (transport, port) group overlap, without comparing every pair.
#pragma once

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

namespace xiaozhi::analysis {

// The positions of `items` grouped by equal `key(item)` (e.g. transport and port):
// groups in key order, positions in input order. Sorting, not comparing every pair.
template <class Item, class KeyOf>
std::vector<std::vector<std::size_t>> group_positions(const std::vector<Item>& items, KeyOf key) {
    std::vector<std::size_t> order(items.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return key(items[a]) < key(items[b]); });
    std::vector<std::vector<std::size_t>> groups;
    for (std::size_t k = 0; k < order.size(); ++k) {
        if (k == 0 || key(items[order[k]]) != key(items[order[k - 1]])) groups.emplace_back();
        groups.back().push_back(order[k]);
    }
    return groups;
}

// For one position of a group: the earliest earlier position whose bind address
// overlaps this one's, and how many earlier positions overlap in all.
struct EarlierOverlap {
    std::optional<std::size_t> first;
    std::size_t count = 0;
};

// One entry per address, in order. Specific IP addresses are grouped by their
// canonical form (two specific addresses overlap only when equal); every pair
// involving an unspecified address or a host name is decided by
// deploy::bind_addresses_overlap. Cost grows with the number of addresses times
// the number of distinct unspecified addresses and names, not with its square.
std::vector<EarlierOverlap> earlier_overlaps(const std::vector<std::string>& addresses,
                                             bool v6only);

}  // namespace xiaozhi::analysis
