// read_certificate_pair on certificates minted by the test CA: facts, and each problem it reports.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "temp_dir.hpp"
#include "test_ca.hpp"
#include "tls/certificate_file.hpp"

using xiaozhi::testing::TestCa;
using xiaozhi::tls::PairProblem;
using xiaozhi::tls::read_certificate_pair;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("a leaf with names and addresses reads back as facts", "[tls][file]") {
    xiaozhi::test::TempDir dir;
    TestCa ca(dir.path());
    TestCa::Leaf leaf;
    leaf.dns_names = {"Device.Example.com", "*.example.net"};
    leaf.ip_addresses = {"192.0.2.7", "2001:db8::7"};
    leaf.common_name = "device.example.com";
    auto files = ca.issue("device", leaf);

    auto pair = read_certificate_pair(files.cert_path, files.key_path);
    CHECK(pair.problem == PairProblem::none);
    CHECK(pair.detail.empty());
    REQUIRE(pair.chain.size() == 1);
    const auto& facts = pair.chain.front();
    CHECK(facts.subject == "CN=device.example.com");
    CHECK(facts.issuer == "CN=xiaozhi test root CA");
    CHECK(facts.common_name == "device.example.com");
    CHECK(facts.has_subject_alt_name);
    CHECK(facts.dns_names == std::vector<std::string>{"device.example.com", "*.example.net"});
    CHECK(facts.ip_addresses == std::vector<std::string>{"192.0.2.7", "2001:db8::7"});
    auto now = std::chrono::system_clock::now();
    CHECK(facts.not_before < now);
    CHECK(facts.not_before > now - std::chrono::hours(2));
    CHECK(facts.not_after > now + std::chrono::hours(24 * 364));
    CHECK(facts.not_after < now + std::chrono::hours(24 * 366));
    CHECK(facts.sha256_fingerprint.size() == 32 * 3 - 1);
    CHECK(facts.sha256_fingerprint.find_first_not_of("0123456789ABCDEF:") == std::string::npos);
}

TEST_CASE("the fingerprint is openssl's", "[tls][file]") {
    xiaozhi::test::TempDir dir;
    TestCa ca(dir.path());
    auto files = ca.issue("device", {});
    std::string out = dir.path() + "/fingerprint.txt";
    std::string command =
        "openssl x509 -noout -fingerprint -sha256 -in " + files.cert_path + " > " + out;
    REQUIRE(std::system(command.c_str()) == 0);
    std::string expected = slurp(out);
    auto pair = read_certificate_pair(files.cert_path, files.key_path);
    REQUIRE(pair.chain.size() == 1);
    CHECK(expected.find(pair.chain.front().sha256_fingerprint) != std::string::npos);
}

TEST_CASE("a chain file holds leaf then intermediate", "[tls][file]") {
    xiaozhi::test::TempDir dir;
    TestCa ca(dir.path());
    TestCa::Leaf leaf;
    leaf.dns_names = {"device.example.com"};
    leaf.include_chain = true;
    auto files = ca.issue("chained", leaf);
    auto pair = read_certificate_pair(files.cert_path, files.key_path);
    CHECK(pair.problem == PairProblem::none);
    REQUIRE(pair.chain.size() == 2);
    CHECK(pair.chain[0].issuer == pair.chain[1].subject);
    CHECK(pair.chain[1].subject == "CN=xiaozhi test intermediate CA");
    CHECK_FALSE(pair.chain[1].has_subject_alt_name);
}

TEST_CASE("a missing certificate file is cert_unreadable", "[tls][file]") {
    xiaozhi::test::TempDir dir;
    auto key = TestCa::write_unrelated_key(dir.path() + "/k.key");
    auto pair = read_certificate_pair(dir.path() + "/missing.pem", key);
    CHECK(pair.problem == PairProblem::cert_unreadable);
    CHECK(pair.detail.find("No such file or directory") != std::string::npos);
    CHECK(pair.chain.empty());
}

TEST_CASE("a directory in place of the certificate is cert_unreadable", "[tls][file]") {
    xiaozhi::test::TempDir dir;
    auto pair = read_certificate_pair(dir.path(), dir.path() + "/none.key");
    CHECK(pair.problem == PairProblem::cert_unreadable);
    CHECK(pair.detail.find("directory") != std::string::npos);
}

TEST_CASE("a DER certificate or text is cert_not_pem", "[tls][file]") {
    xiaozhi::test::TempDir dir;
    TestCa ca(dir.path());
    auto files = ca.issue("device", {});
    auto der = ca.write_der_certificate(dir.path() + "/ca.der");
    auto pair = read_certificate_pair(der, files.key_path);
    CHECK(pair.problem == PairProblem::cert_not_pem);
    CHECK(pair.chain.empty());
    CHECK_FALSE(pair.detail.empty());

    auto text = dir.write("text.pem", "hello\n");
    CHECK(read_certificate_pair(text, files.key_path).problem == PairProblem::cert_not_pem);
    // Swapped paths: the key file in the cert's place holds no certificate.
    CHECK(read_certificate_pair(files.key_path, files.cert_path).problem ==
          PairProblem::cert_not_pem);
}

TEST_CASE("key problems: unreadable, not PEM, encrypted, mismatch", "[tls][file]") {
    xiaozhi::test::TempDir dir;
    TestCa ca(dir.path());
    auto files = ca.issue("device", {});

    auto missing = read_certificate_pair(files.cert_path, dir.path() + "/missing.key");
    CHECK(missing.problem == PairProblem::key_unreadable);
    CHECK(missing.chain.size() == 1);

    auto not_pem = read_certificate_pair(files.cert_path, dir.write("bad.key", "garbage\n"));
    CHECK(not_pem.problem == PairProblem::key_not_pem);

    // The certificate in the key's place: PEM, but no private key.
    CHECK(read_certificate_pair(files.cert_path, files.cert_path).problem ==
          PairProblem::key_not_pem);

    std::string encrypted = dir.path() + "/encrypted.key";
    std::string command =
        "openssl pkey -in " + files.key_path + " -aes256 -passout pass:secret -out " + encrypted;
    REQUIRE(std::system(command.c_str()) == 0);
    CHECK(read_certificate_pair(files.cert_path, encrypted).problem == PairProblem::key_not_pem);

    auto other = TestCa::write_unrelated_key(dir.path() + "/other.key");
    auto mismatch = read_certificate_pair(files.cert_path, other);
    CHECK(mismatch.problem == PairProblem::key_mismatch);
    CHECK(mismatch.detail.find(other) != std::string::npos);
}

TEST_CASE("chain_broken: certificates that do not link", "[tls][file]") {
    xiaozhi::test::TempDir dir;
    TestCa ca(dir.path());
    TestCa::Leaf leaf;
    leaf.include_chain = true;
    leaf.omit_intermediate = true;
    auto files = ca.issue("leaf-only", leaf);
    // The leaf alone is a chain of one: nothing in the file contradicts it.
    CHECK(read_certificate_pair(files.cert_path, files.key_path).problem == PairProblem::none);

    SECTION("the root after the leaf, the intermediate missing") {
        std::ofstream(files.cert_path, std::ios::app) << slurp(ca.ca_path());
        auto pair = read_certificate_pair(files.cert_path, files.key_path);
        CHECK(pair.problem == PairProblem::chain_broken);
        CHECK(pair.detail.find("certificate 1") != std::string::npos);
        CHECK(pair.detail.find("intermediate") != std::string::npos);
        CHECK(pair.chain.size() == 2);
    }
    SECTION("a certificate with the right name but another key") {
        TestCa impostor(dir.path() + "/impostor");
        TestCa::Leaf impostor_leaf;
        impostor_leaf.include_chain = true;
        impostor.issue("unused", impostor_leaf);
        std::ofstream(files.cert_path, std::ios::app)
            << slurp(dir.path() + "/impostor/intermediate.pem");
        auto pair = read_certificate_pair(files.cert_path, files.key_path);
        CHECK(pair.problem == PairProblem::chain_broken);
        CHECK(pair.detail.find("signature") != std::string::npos);
    }
}

TEST_CASE("pair problem names round-trip", "[tls][file]") {
    using xiaozhi::tls::pair_problem_name;
    for (auto problem : {PairProblem::none, PairProblem::cert_unreadable, PairProblem::cert_not_pem,
                         PairProblem::key_unreadable, PairProblem::key_not_pem,
                         PairProblem::key_mismatch, PairProblem::chain_broken}) {
        CHECK(xiaozhi::tls::parse_pair_problem(pair_problem_name(problem)) == problem);
    }
    CHECK(pair_problem_name(PairProblem::key_mismatch) == "key_mismatch");
    CHECK_FALSE(xiaozhi::tls::parse_pair_problem("bogus").has_value());
}
