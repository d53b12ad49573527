// FleetDirectory: the OTA choice hands out only instances on this one's remote revision.
#include <catch2/catch.hpp>

#include "fleet/fleet_directory.hpp"

using namespace xiaozhi;
using server::FleetDirectory;

namespace {

fleet::InstanceView instance(std::string id, std::int64_t sessions, std::string revision) {
    fleet::InstanceView view;
    view.id = id;
    view.websocket_url = "ws://" + id + ":8000/xiaozhi/v1/";
    view.sessions = sessions;
    view.capacity = 100;
    view.healthy = true;
    view.remote_revision = std::move(revision);
    return view;
}

}  // namespace

TEST_CASE("FleetDirectory hands out the freest instance on this one's remote revision") {
    FleetDirectory directory;
    directory.configure("a", fleet::Balance::least_loaded, false);
    const std::string own = "ws://own:8000/xiaozhi/v1/";
    CHECK(directory.websocket_url_for("dev", own, "7") == own);  // nothing read yet
    // a (this one) is busy; b is free and on revision 7 like a.
    directory.update({instance("a", 50, "7"), instance("b", 0, "7"), instance("c", 0, "5")});
    CHECK(directory.websocket_url_for("dev", own, "7") == "ws://b:8000/xiaozhi/v1/");
    // After a push a runs 9 and neither b nor c has applied it yet: a hands out itself.
    CHECK(directory.websocket_url_for("dev", own, "9") == own);
    // This instance's own (stale) entry never stands in for its running address.
    directory.update({instance("a", 0, "5")});
    CHECK(directory.websocket_url_for("dev", own, "9") == own);
}
