// Write-model state of receiving: shipments other enterprises sent to this one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/quantity.h"
#include "core/codes/stored_map.h"

namespace agritrace::core {

// The key of an inbound shipment in CirculationState::inbound: "from_tenant/sh-N".
inline std::string inbound_key(std::string_view from_tenant, std::string_view shipment_id) {
  return std::string(from_tenant) + "/" + std::string(shipment_id);
}

// A shipment another enterprise sent to this one (from evolve_across).
// Dates and names are not kept: receiving reads them from the producer's and sender's states.
struct InboundShipment {
  std::string from_tenant;
  std::string shipment_id;
  std::string from_item_id;
  std::string origin_tenant;
  std::string origin_batch_id;
  std::string mo_id;
  std::string product;
  std::string lot_code;
  Quantity per_code;
  // Its serials are in CirculationState::inbound_serials (on disk in the writer).
  std::string lot_id;  // set by the first receipt
};

void store_encode(std::string& out, const InboundShipment& v);  // core/domain/stored_entities.cpp
void store_decode(stored::In& in, InboundShipment& v);

}  // namespace agritrace::core
