// The health of one upstream from its check results: out after `fall` failures in a row,
// back after `rise` successes in a row.
#pragma once

namespace xiaozhi::relay {

class UpstreamHealth {
  public:
    // `fall` and `rise` below 1 count as 1. An upstream starts healthy: it is assumed up
    // until checks say otherwise.
    UpstreamHealth(int fall, int rise);

    bool healthy() const { return healthy_; }
    // Records one check (or a passive observation: a failed connect, an abnormal close);
    // returns true when it changed healthy().
    bool record(bool success);
    int consecutive_failures() const { return failures_; }
    int consecutive_successes() const { return successes_; }

  private:
    int fall_;
    int rise_;
    bool healthy_ = true;
    int failures_ = 0;
    int successes_ = 0;
};

}  // namespace xiaozhi::relay
