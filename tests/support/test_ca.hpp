// A certificate authority for tests: mints EC P-256 keys and certificates as PEM files at test
// time.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace xiaozhi::testing {

// A certificate file (the chain, leaf first) and its private key file, both PEM.
struct TestCertificate {
    std::string cert_path, key_path;
};

class TestCa {
  public:
    // Creates `dir` if needed and writes the root certificate dir/ca.pem and its key dir/ca.key.
    explicit TestCa(const std::filesystem::path& dir);
    ~TestCa();
    TestCa(const TestCa&) = delete;
    TestCa& operator=(const TestCa&) = delete;

    // The root certificate (PEM), for a client's trust store.
    const std::string& ca_path() const;

    struct Leaf {
        std::vector<std::string> dns_names;     // subjectAltName DNS entries
        std::vector<std::string> ip_addresses;  // subjectAltName IP entries ("192.0.2.7", "::1")
        std::string common_name = "xiaozhi test";
        std::chrono::seconds not_before_offset{-3600};  // relative to now; negative = past
        std::chrono::seconds not_after_offset{86400 * 365};
        bool include_chain =
            false;  // signed by an intermediate; the file holds leaf + intermediate
        bool omit_intermediate =
            false;  // with include_chain: the file holds the leaf only (broken)
    };

    // Writes dir/<name>.pem (the chain, leaf first) and dir/<name>.key.
    TestCertificate issue(const std::string& name, const Leaf& leaf);

    // Writes a fresh private key that belongs to no certificate (for "wrong key"); returns the
    // path.
    static std::string write_unrelated_key(const std::filesystem::path& path);

    // Writes the root certificate in DER (a real certificate, but not PEM); returns the path.
    std::string write_der_certificate(const std::filesystem::path& path) const;

  private:
    struct Authority;
    const Authority& intermediate();

    std::filesystem::path dir_;
    std::string ca_path_;
    std::unique_ptr<Authority> root_;
    std::unique_ptr<Authority> intermediate_;
};

}  // namespace xiaozhi::testing
