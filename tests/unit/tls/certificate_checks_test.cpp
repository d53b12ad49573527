// covers_host (RFC 6125 matching) and validity_at over hand-made CertificateFacts.
#include <catch2/catch.hpp>

#include "tls/certificate_checks.hpp"

using namespace std::chrono_literals;
using xiaozhi::tls::CertificateFacts;
using xiaozhi::tls::covers_host;
using xiaozhi::tls::Validity;
using xiaozhi::tls::validity_at;

namespace {

CertificateFacts with_names(std::vector<std::string> dns, std::vector<std::string> ips = {}) {
    CertificateFacts facts;
    facts.has_subject_alt_name = true;
    facts.dns_names = std::move(dns);
    facts.ip_addresses = std::move(ips);
    facts.common_name = "cn.example.com";
    return facts;
}

}  // namespace

TEST_CASE("covers_host: DNS names compare case-insensitively", "[tls][covers_host]") {
    auto leaf = with_names({"device.example.com"});
    CHECK(covers_host(leaf, "device.example.com"));
    CHECK(covers_host(leaf, "DEVICE.Example.COM"));
    CHECK(covers_host(leaf, "device.example.com."));
    CHECK_FALSE(covers_host(leaf, "other.example.com"));
    CHECK_FALSE(covers_host(leaf, "device.example.co"));
    CHECK_FALSE(covers_host(leaf, ""));
    CHECK(covers_host(with_names({"Device.Example.com"}), "device.example.com"));
}

TEST_CASE("covers_host: a wildcard is the whole leftmost label and matches exactly one",
          "[tls][covers_host]") {
    auto leaf = with_names({"*.example.com"});
    CHECK(covers_host(leaf, "voice.example.com"));
    CHECK(covers_host(leaf, "VOICE.example.com"));
    CHECK_FALSE(covers_host(leaf, "example.com"));
    CHECK_FALSE(covers_host(leaf, "a.b.example.com"));
    CHECK_FALSE(covers_host(leaf, ".example.com"));
    CHECK_FALSE(covers_host(with_names({"v*.example.com"}), "voice.example.com"));
    CHECK_FALSE(covers_host(with_names({"voice.*.com"}), "voice.example.com"));
    CHECK_FALSE(covers_host(with_names({"*.com"}), "example.com"));
    CHECK_FALSE(covers_host(with_names({"*"}), "localhost"));
}

TEST_CASE("covers_host: an IP host matches only an IP SAN", "[tls][covers_host]") {
    auto leaf = with_names({"192.0.2.7", "device.example.com"}, {"192.0.2.8", "2001:db8::7"});
    CHECK(covers_host(leaf, "192.0.2.8"));
    CHECK_FALSE(covers_host(leaf, "192.0.2.7"));  // only a DNS entry spells it
    CHECK(covers_host(leaf, "2001:db8::7"));
    CHECK(covers_host(leaf, "[2001:db8::7]"));
    CHECK(covers_host(leaf, "2001:DB8:0:0:0:0:0:7"));
    CHECK_FALSE(covers_host(leaf, "[2001:db8::8]"));
    CHECK(covers_host(with_names({}, {"::1"}), "[::1]"));
    CHECK_FALSE(covers_host(with_names({}, {"::1"}), "127.0.0.1"));
}

TEST_CASE("covers_host: the CN counts only without any SAN, and never for an IP",
          "[tls][covers_host]") {
    CertificateFacts no_san;
    no_san.common_name = "device.example.com";
    CHECK(covers_host(no_san, "device.example.com"));
    CHECK_FALSE(covers_host(no_san, "other.example.com"));

    CertificateFacts san = with_names({"other.example.com"});
    san.common_name = "device.example.com";
    CHECK_FALSE(covers_host(san, "device.example.com"));

    // A SAN extension with no DNS or IP entry (only an e-mail address, say) still hides the CN.
    CertificateFacts empty_san;
    empty_san.has_subject_alt_name = true;
    empty_san.common_name = "device.example.com";
    CHECK_FALSE(covers_host(empty_san, "device.example.com"));

    CertificateFacts ip_cn;
    ip_cn.common_name = "192.0.2.7";
    CHECK_FALSE(covers_host(ip_cn, "192.0.2.7"));
}

TEST_CASE("validity_at: before, inside, near the end and after the window", "[tls][validity]") {
    const auto now =
        std::chrono::system_clock::time_point(std::chrono::sys_days(std::chrono::year_month_day(
            std::chrono::year(2026), std::chrono::January, std::chrono::day(15))));
    CertificateFacts leaf;
    leaf.not_before = now - 24h;
    leaf.not_after = now + 24h * 31;
    CHECK(validity_at(leaf, now) == Validity::valid);
    leaf.not_after = now + 24h * 30;
    CHECK(validity_at(leaf, now) == Validity::expiring);
    leaf.not_after = now + 24h * 10;
    CHECK(validity_at(leaf, now) == Validity::expiring);
    CHECK(validity_at(leaf, now, 24h * 5) == Validity::valid);
    CHECK(validity_at(leaf, now + 24h * 10) == Validity::expiring);  // the last second counts
    CHECK(validity_at(leaf, now + 24h * 10 + 1s) == Validity::expired);
    CHECK(validity_at(leaf, now - 24h - 1s) == Validity::not_yet_valid);
    CHECK(validity_at(leaf, now - 24h) == Validity::expiring);
}

TEST_CASE("validity names", "[tls][validity]") {
    using xiaozhi::tls::validity_name;
    CHECK(validity_name(Validity::valid) == "valid");
    CHECK(validity_name(Validity::expiring) == "expiring");
    CHECK(validity_name(Validity::expired) == "expired");
    CHECK(validity_name(Validity::not_yet_valid) == "not_yet_valid");
}
