#include "core/domain/event.h"

#include "core/base/overloaded.h"

namespace agritrace::core {

std::string_view event_type(const Event& event) {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kType; }, event);
}

std::string event_subject(const Event& event) {
  return std::visit(
      Overloaded{
          [](const EnterpriseRegistered& e) { return e.enterprise_id; },
          [](const CounterpartyRegistered& e) { return e.counterparty_id; },
          [](const CounterpartyAmended& e) { return e.counterparty_id; },
          [](const CounterpartyPersonalDataErased& e) { return e.counterparty_id; },
          [](const PurchaseOrderCreated& e) { return e.po_id; },
          [](const PurchaseOrderAmended& e) { return e.po_id; },
          [](const PurchaseOrderCancelled& e) { return e.po_id; },
          [](const PurchaseOrderReceived& e) { return e.po_id; },
          [](const BatchCreated& e) { return e.batch_id; },
          [](const BatchAmended& e) { return e.batch_id; },
          [](const BatchMaterialConsumed& e) { return e.batch_id; },
          [](const BatchDocumentAttached& e) { return e.batch_id; },
          [](const SalesOrderCreated& e) { return e.so_id; },
          [](const SalesOrderAmended& e) { return e.so_id; },
          [](const SalesOrderCancelled& e) { return e.so_id; },
          [](const ShipmentRecorded& e) { return e.shipment_id; },
          [](const SalesOrderStatusChanged& e) { return e.so_id; },
          [](const RecallRaised& e) { return e.recall_id; },
          [](const CatalogueProductAdded& e) { return e.product.product_id; },
          [](const MainVarietiesSet&) { return std::string("main-varieties"); },
          [](const CodeTemplateCreated& e) { return e.template_id; },
          [](const CodeRunStarted& e) { return e.run_id; },
          [](const CodesGenerated& e) { return e.run_id; },
          [](const CodeDisabled& e) { return e.serial; },
          [](const CodeEnabled& e) { return e.serial; },
          [](const CodeRunDisabled& e) { return e.run_id; },
          [](const CodeRunEnabled& e) { return e.run_id; },
          [](const ProductPublished& e) { return e.product_id; },
          [](const ProductUnpublished& e) { return e.product_id; },
          [](const MarketOrderPlaced& e) { return e.mo_id; },
          [](const MarketOrderCancelled& e) { return e.mo_id; },
          [](const MarketOrderAccepted& e) { return e.buyer_tenant + "/" + e.mo_id; },
          [](const MarketOrderDeclined& e) { return e.buyer_tenant + "/" + e.mo_id; },
          [](const GoodsReceived& e) { return e.receipt_id; },
          [](const StocktakeRecorded& e) { return e.stocktake_id; },
          [](const StockAdjusted& e) { return e.item_id; },
          [](const FinanceEntryRecorded& e) { return e.entry_id; },
          [](const LineRegistered& e) { return e.line_id; },
          [](const DeviceRegistered& e) { return e.device_id; },
          [](const PrintJobQueued& e) { return e.job_id; },
          [](const PrintJobCodesSent& e) { return e.job_id; },
          [](const PrintJobCodesPrinted& e) { return e.job_id; },
          [](const PrintJobCodesVoided& e) { return e.job_id; },
          [](const PrintJobPaused& e) { return e.job_id; },
          [](const PrintJobResumed& e) { return e.job_id; },
          [](const PrintJobFailed& e) { return e.job_id; },
          [](const PrintJobCancelled& e) { return e.job_id; },
          [](const PrintJobDone& e) { return e.job_id; },
          [](const UserCreated& e) { return e.user_id; },
          [](const ApiKeyCreated& e) { return e.key_id; },
          [](const ApiKeyRotated& e) { return e.key_id; },
          [](const ApiKeyRevoked& e) { return e.key_id; },
          [](const PaymentNotified& e) { return e.transaction_id; },
          [](const SamplingResultRecorded& e) { return e.result_id; },
          [](const SamplingResultFinalised& e) { return e.result_id; },
          [](const SamplingResultCorrected& e) { return e.result_id; },
          [](const SamplingResultWithdrawn& e) { return e.result_id; },
          [](const ComplaintFiled& e) { return e.case_id; },
          [](const ComplaintStateChanged& e) { return e.case_id; },
          [](const ComplaintRated& e) { return e.case_id; },
          [](const BureauRegistered& e) { return e.bureau_id; },
          [](const RegulatorUserCreated& e) { return e.bureau_id + "/" + e.user_id; },
          [](const EntityFiled& e) { return e.entity_id; },
          [](const EntityAmended& e) { return e.entity_id; },
          [](const InspectionRecorded& e) { return e.inspection_id; },
          [](const RiskGradeAssigned& e) { return e.entity_id; },
          [](const InspectionDrawRecorded& e) { return e.draw_id; },
      },
      event);
}

}  // namespace agritrace::core
