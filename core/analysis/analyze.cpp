// analyze(): every rule family over one deployment, findings in the canonical order.
#include "analysis/analyze.hpp"

#include "analysis/rule_families.hpp"

namespace xiaozhi::analysis {

std::vector<Finding> analyze(const Inputs& inputs) {
    Findings findings;
    check_config_keys(inputs, findings);
    check_config_types(inputs, findings);
    check_duplicate_keys(inputs, findings);
    check_port_values(inputs, findings);
    check_listener_ports(inputs, findings);
    check_host_ports(inputs, findings);
    check_url_entries(inputs, findings);
    check_url_lists(inputs, findings);
    check_url_ports(inputs, findings);
    check_compose_ports(inputs, findings);
    check_auth(inputs, findings);
    check_gateway_endpoints(inputs, findings);
    check_management_api(inputs, findings);
    check_firmware_urls(inputs, findings);
    check_image_config(inputs, findings);
    check_tls_setup(inputs, findings);
    check_tls_files(inputs, findings);
    check_tls_urls(inputs, findings);
    check_upstream_setup(inputs, findings);
    check_upstream_reach(inputs, findings);
    check_fleet(inputs, findings);
    sort_findings(findings);
    return findings;
}

}  // namespace xiaozhi::analysis
