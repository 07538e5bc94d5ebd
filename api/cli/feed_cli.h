// The CLI of the regulators' feed (issue 13, docs/REGULATOR-FEED.md): serve's --regulator-feed-*
// flags and `agritrace subscribe`. Built into the agritrace executable (uses cli_support.h).
#pragma once

#include <memory>
#include <vector>

#include "api/cli/cli_support.h"
#include "api/regulator/feed.h"
#include "api/regulator/webhooks.h"

namespace agritrace::cli {

extern const std::vector<Flag> kRegulatorFeedFlags;

// The feed the flags ask for, started; null when --regulator-feed-kafka is empty. *rc is 2 for a
// bad flag (then null too).
std::unique_ptr<api::RegulatorFeed> start_regulator_feed(const Args& a, Env& env,
                                                         events::Ledger& ledger,
                                                         const events::PiiVault* pii, int* rc);

// The webhook deliveries (registrations in DATA/regulator-webhooks), started; null and *rc 2 for
// a bad flag, null and *rc 1 when the registrations cannot be read.
std::unique_ptr<api::RegulatorWebhooks> start_regulator_webhooks(const Args& a, Env& env,
                                                                 events::Ledger& ledger,
                                                                 const events::PiiVault* pii,
                                                                 int* rc);

int cmd_subscribe(int argc, char** argv);

}  // namespace agritrace::cli
