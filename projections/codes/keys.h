// The typed keys of the codes views (ViewKey: projections/base/keys.h).
#pragma once

#include "projections/base/keys.h"

namespace agritrace::projections::codes::keys {

inline constexpr ViewKey<ViewKind::kCatalogue> catalogue;  // cat/T/product_id: catalogue product
inline constexpr ViewKey<ViewKind::kMainVarieties> main_varieties;  // mainvar/T: main varieties
inline constexpr ViewKey<ViewKind::kCodeTemplate> code_template;  // ctpl/T/template: code template
inline constexpr ViewKey<ViewKind::kCodeRun> code_run;  // crun/T/run: code run
inline constexpr ViewKey<ViewKind::kCodeRunDisabled> code_run_disabled;  // crund/T/run: code run disabled
inline constexpr ViewKey<ViewKind::kCodeOfRun> code_of_run;  // crcode/T/run/index9: serial by run and index
inline constexpr ViewKey<ViewKind::kCode> code;  // code/T/serial: code record
inline constexpr ViewKey<ViewKind::kCodeDisabled> code_disabled;  // codedis/T/serial: code disabled individually
inline constexpr ViewKey<ViewKind::kDigitalLink> digital_link;  // dl/gs1/serial: resolver's global index
inline constexpr ViewKey<ViewKind::kDigitalLinkLot> digital_link_lot;  // dllot/gs1/gtin14/lot: the run behind a GTIN + lot
inline constexpr ViewKey<ViewKind::kProductBatch> product_batch;  // pbatch/T/product_id/batch: batches of a catalogue product
inline constexpr ViewKey<ViewKind::kPublication> publication;  // pub/T/product_id: published product
inline constexpr ViewKey<ViewKind::kMarketListing> market_listing;  // market/all/tenant/product_id: market listing

}  // namespace agritrace::projections::codes::keys
