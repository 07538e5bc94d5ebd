// The domain events of every area (schema version 1), as one variant. Each struct is one
// catalogue type; its kType is the envelope's `type`. The structs live in core/<area>/events.h.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "core/accounts/events.h"
#include "core/codes/events.h"
#include "core/devices/events.h"
#include "core/finance/events.h"
#include "core/inventory/events.h"
#include "core/market/events.h"
#include "core/production/events.h"
#include "core/public/complaint_events.h"
#include "core/public/payment_events.h"
#include "core/public/sampling_events.h"
#include "core/receiving/events.h"
#include "core/regulator/events.h"
#include "core/regulator/inspection_events.h"
#include "core/sales/events.h"

namespace agritrace::core {

using Event = std::variant<EnterpriseRegistered, CounterpartyRegistered, CounterpartyAmended,
                           CounterpartyPersonalDataErased,
                           PurchaseOrderCreated, PurchaseOrderAmended, PurchaseOrderCancelled,
                           PurchaseOrderReceived, BatchCreated, BatchAmended,
                           BatchMaterialConsumed, BatchDocumentAttached,
                           SalesOrderCreated, SalesOrderAmended, SalesOrderCancelled,
                           ShipmentRecorded, SalesOrderStatusChanged, RecallRaised,
                           CatalogueProductAdded, MainVarietiesSet, CodeTemplateCreated,
                           CodeRunStarted, CodesGenerated, CodeDisabled, CodeEnabled,
                           CodeRunDisabled, CodeRunEnabled, ProductPublished, ProductUnpublished,
                           MarketOrderPlaced, MarketOrderCancelled, MarketOrderAccepted,
                           MarketOrderDeclined, GoodsReceived, StocktakeRecorded, StockAdjusted,
                           FinanceEntryRecorded, LineRegistered, DeviceRegistered,
                           PrintJobQueued, PrintJobCodesSent, PrintJobCodesPrinted,
                           PrintJobCodesVoided, PrintJobPaused, PrintJobResumed, PrintJobFailed,
                           PrintJobCancelled, PrintJobDone, UserCreated, ApiKeyCreated,
                           ApiKeyRotated, ApiKeyRevoked, PaymentNotified,
                           SamplingResultRecorded, SamplingResultFinalised,
                           SamplingResultCorrected, SamplingResultWithdrawn, ComplaintFiled,
                           ComplaintStateChanged, ComplaintRated, BureauRegistered,
                           RegulatorUserCreated, EntityFiled, EntityAmended,
                           InspectionRecorded, RiskGradeAssigned, InspectionDrawRecorded>;

// The catalogue name, e.g. "purchase_order.created".
std::string_view event_type(const Event& event);
// The entity the event is about (envelope `subject`): enterprise_id, counterparty_id, po_id or
// batch_id.
std::string event_subject(const Event& event);

}  // namespace agritrace::core
