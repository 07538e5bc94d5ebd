// The typed keys of the production views (ViewKey: projections/base/keys.h).
#pragma once

#include "projections/base/keys.h"

namespace agritrace::projections::production::keys {

inline constexpr ViewKey<ViewKind::kEnterprise> enterprise;  // ent/T: enterprise record
inline constexpr ViewKey<ViewKind::kCounterparty> counterparty;  // cp/T/counterparty: counterparty, unmasked (only to its own enterprise)
inline constexpr ViewKey<ViewKind::kCounterpartyMasked> counterparty_masked;  // cpm/T/counterparty: counterparty, masked
inline constexpr ViewKey<ViewKind::kPurchaseOrder> purchase_order;  // po/T/po: purchase order
inline constexpr ViewKey<ViewKind::kPurchaseOrderStatus> purchase_order_status;  // pos/T/po: purchase order status
inline constexpr ViewKey<ViewKind::kLot> lot;  // lot/T/lot: material lot (also received lots)
inline constexpr ViewKey<ViewKind::kLotConsumed> lot_consumed;  // lotc/T/lot: amount consumed of a lot (sum)
inline constexpr ViewKey<ViewKind::kLotByCode> lot_by_code;  // lotcode/T/lot_code: lot by lot code
inline constexpr ViewKey<ViewKind::kBatch> batch;  // batch/T/batch: production batch
inline constexpr ViewKey<ViewKind::kBatchInput> batch_input;  // bin/T/batch/lot: input lot of a batch
inline constexpr ViewKey<ViewKind::kBatchDocument> batch_document;  // bdoc/T/batch/document_sha256: document attached to a batch
inline constexpr ViewKey<ViewKind::kForward> forward;  // fwd/T/lot/batch: lot -> batch forward index

}  // namespace agritrace::projections::production::keys
