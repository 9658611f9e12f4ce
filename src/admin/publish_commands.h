// Management commands that sign and publish the anchor's own documents:
// regenerate_entity and publish_historical_keys.
#pragma once

#include "admin/database.h"
#include "common/clock.h"
#include "common/config.h"
#include "storage/federation_store.h"

#include <ostream>

namespace inmor::admin {

/// The configuration, stores, clock and output streams of one publishing command.
struct PublishContext {
    const Config& config;
    Database& database;
    storage::FederationStore& store;
    const Clock& clock;
    std::ostream& out;
    std::ostream& err;
};

/// Signs the entity configuration (with the active trust mark types of the
/// durable store as this anchor's own issued types) and publishes it.
/// Returns the process exit status.
int run_regenerate_entity(PublishContext& context);

/// Signs the historical keys JWT from historical_keys_dir and publishes it;
/// `keys` is empty when no key was retired yet. Returns the exit status.
int run_publish_historical_keys(PublishContext& context);

}  // namespace inmor::admin
