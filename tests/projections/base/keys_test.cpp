// The views' key bytes are part of their digest: every kind keeps its prefix, and the typed
// builders of each area lay keys out exactly as view_key always did.
#include <doctest/doctest.h>

#include <set>
#include <string_view>
#include <utility>

#include "projections/base/keys.h"
#include "projections/codes/keys.h"
#include "projections/finance/keys.h"
#include "projections/market/keys.h"
#include "projections/production/keys.h"
#include "projections/receiving/keys.h"
#include "projections/sales/keys.h"

namespace agritrace::projections {

TEST_CASE("keys: every view kind keeps its stored prefix") {
  const std::pair<ViewKind, std::string_view> expected[] = {
      {ViewKind::kEnterprise, "ent"},
      {ViewKind::kCounterparty, "cp"},
      {ViewKind::kCounterpartyMasked, "cpm"},
      {ViewKind::kPurchaseOrder, "po"},
      {ViewKind::kPurchaseOrderStatus, "pos"},
      {ViewKind::kLot, "lot"},
      {ViewKind::kLotConsumed, "lotc"},
      {ViewKind::kLotByCode, "lotcode"},
      {ViewKind::kBatch, "batch"},
      {ViewKind::kBatchInput, "bin"},
      {ViewKind::kBatchDocument, "bdoc"},
      {ViewKind::kForward, "fwd"},
      {ViewKind::kSalesOrder, "so"},
      {ViewKind::kSalesOrderStatus, "sos"},
      {ViewKind::kSalesOrderShipped, "sosq"},
      {ViewKind::kSalesOrderByBatch, "sob"},
      {ViewKind::kOpenOrderByBatch, "soo"},
      {ViewKind::kShipment, "sh"},
      {ViewKind::kShipmentByBatch, "shb"},
      {ViewKind::kShipmentOfOrder, "shs"},
      {ViewKind::kShipmentOfCode, "shc"},
      {ViewKind::kBatchShipped, "bsh"},
      {ViewKind::kAtCustomer, "whc"},
      {ViewKind::kRecall, "rc"},
      {ViewKind::kRecallByBatch, "rcb"},
      {ViewKind::kRecallByLot, "rcl"},
      {ViewKind::kRecallByCode, "rcc"},
      {ViewKind::kLineage, "lin"},
      {ViewKind::kLineageHeld, "linq"},
      {ViewKind::kAnalytics, "ana"},
      {ViewKind::kReceipt, "rcv"},
      {ViewKind::kReceiptSummary, "rcvs"},
      {ViewKind::kReceiptOfLot, "rcvl"},
      {ViewKind::kReceivedCode, "rcvc"},
      {ViewKind::kMissingCode, "rcvm"},
      {ViewKind::kReceivedFromItem, "xrc"},
      {ViewKind::kReceivedFromShipment, "xrs"},
      {ViewKind::kAdjusted, "xadj"},
      {ViewKind::kCatalogue, "cat"},
      {ViewKind::kMainVarieties, "mainvar"},
      {ViewKind::kCodeTemplate, "ctpl"},
      {ViewKind::kCodeRun, "crun"},
      {ViewKind::kCodeRunDisabled, "crund"},
      {ViewKind::kCodeOfRun, "crcode"},
      {ViewKind::kCode, "code"},
      {ViewKind::kCodeDisabled, "codedis"},
      {ViewKind::kDigitalLink, "dl"},
      {ViewKind::kDigitalLinkLot, "dllot"},
      {ViewKind::kProductBatch, "pbatch"},
      {ViewKind::kPublication, "pub"},
      {ViewKind::kMarketListing, "market"},
      {ViewKind::kItem, "invi"},
      {ViewKind::kItemStock, "invq"},
      {ViewKind::kItemMovement, "invm"},
      {ViewKind::kItemByProduct, "invp"},
      {ViewKind::kStocktake, "stk"},
      {ViewKind::kStocktakeSummary, "stks"},
      {ViewKind::kFinanceEntry, "fin"},
      {ViewKind::kFinanceEntryDate, "fini"},
      {ViewKind::kFinanceSum, "fsum"},
      {ViewKind::kFinanceCount, "fcnt"},
      {ViewKind::kFinanceByDocument, "fdoc"},
      {ViewKind::kPricedMovements, "fmv"},
      {ViewKind::kPricedMovement, "fmvd"},
      {ViewKind::kMarketInbox, "mki"},
      {ViewKind::kMarketInboxAnswer, "mkia"},
      {ViewKind::kMarketInboxCancelled, "mkic"},
      {ViewKind::kMarketInboxIndex, "mkix"},
      {ViewKind::kMarketOrder, "mko"},
      {ViewKind::kMarketOrderAnswer, "mkoa"},
      {ViewKind::kMarketOrderCancelled, "mkoc"},
      {ViewKind::kMarketOrderReceipt, "mkorc"},
      {ViewKind::kMarketOrderShipment, "mkosh"},
      {ViewKind::kMarketOrderOfSalesOrder, "mkso"},
      {ViewKind::kPrintLine, "pline"},
      {ViewKind::kPrintDevice, "pdev"},
      {ViewKind::kPrintJob, "pjob"},
      {ViewKind::kPrintJobStatus, "pjst"},
      {ViewKind::kPrintJobCount, "pjn"},
      {ViewKind::kCodePrintStatus, "pcode"},
      {ViewKind::kLineageNode, "lnode"},
      {ViewKind::kLineageAncestors, "lanc"},
      {ViewKind::kLineageDescendants, "ldsc"},
      {ViewKind::kLineageMissingCode, "lmis"},
      {ViewKind::kEpcisEvent, "epcis"},
      {ViewKind::kEpcisRun, "epcisrun"},
      {ViewKind::kEpcisItem, "epcisitem"},
      {ViewKind::kPayment, "pay"},
      {ViewKind::kPaymentByVoucher, "payv"},
      {ViewKind::kSamplingResult, "smp"},
      {ViewKind::kSamplingRecord, "smpr"},
      {ViewKind::kSamplingPublic, "smpp"},
      {ViewKind::kSamplingByProducer, "smpk"},
      {ViewKind::kSamplingBatchByKey, "smpb"},
      {ViewKind::kSamplingBatchLink, "smpm"},
      {ViewKind::kSamplingAlert, "smpa"},
      {ViewKind::kSamplingBatchDate, "smpd"},
      {ViewKind::kComplaint, "cmp"},
      {ViewKind::kComplaintByToken, "cmpt"},
      {ViewKind::kRegulatedEntity, "rgent"},
      {ViewKind::kRegulatedEntityByDivision, "rgdiv"},
      {ViewKind::kLedgerLine, "rll"}, {ViewKind::kLedgerLineByProduct, "rllp"},
      {ViewKind::kLedgerLineByBatch, "rllb"}, {ViewKind::kLedgerLineByOrigin, "rllo"},
      {ViewKind::kLedgerLineByDirection, "rllx"}, {ViewKind::kFlowDay, "rlsd"},
      {ViewKind::kFlowMonth, "rlsm"}, {ViewKind::kFlowTotal, "rlst"},
      {ViewKind::kFlowEnterprise, "rlent"}, {ViewKind::kFlowEnterpriseByDivision, "rlend"},
      {ViewKind::kFlowLastEvent, "rllast"}, {ViewKind::kFlowItem, "rlitem"},
      {ViewKind::kFlowCounterparty, "rlcp"}, {ViewKind::kFlowGtin, "rlgtin"},
      {ViewKind::kRegulatorInspection, "rginsp"},
      {ViewKind::kRegulatorInspectionByEntity, "rginse"},
      {ViewKind::kRegulatorRiskGrade, "rgrisk"},
      {ViewKind::kRegulatorDraw, "rgdraw"},
      {ViewKind::kRegulatorFormRef, "rgform"},
  };
  REQUIRE(std::size(expected) == kViewPrefixes.size());
  std::set<std::string_view> seen;
  for (const auto& [kind, prefix] : expected) {
    CHECK(view_prefix(kind) == prefix);
    CHECK(seen.insert(prefix).second);
  }
}

TEST_CASE("keys: typed builders give the same bytes as the layout") {
  CHECK(sales::keys::order("T", sort_id("so-12")) == "so/T/so-000000000012");
  CHECK(sales::keys::order("T") == "so/T/");
  CHECK(sales::keys::order_by_batch("T", "b-000000000001") == "sob/T/b-000000000001");
  CHECK(sales::keys::order_by_batch("T", "b-1", "so-2") == "sob/T/b-1/so-2");
  CHECK(sales::keys::lineage("O", "b-1", "H/ev") == "lin/O/b-1/H/ev");
  CHECK(production::keys::enterprise("T") == "ent/T/");
  CHECK(codes::keys::market_listing("all", "T", "p1") == "market/all/T/p1");
  CHECK(codes::keys::digital_link("gs1", "S") == "dl/gs1/S");
  CHECK(receiving::keys::received_from_shipment("F", "sh-1", "T/lot-1") == "xrs/F/sh-1/T/lot-1");
  CHECK(finance::keys::entry("T", "2026-01-02", "fe-1") == "fin/T/2026-01-02/fe-1");
  CHECK(market::keys::inbox_index("P", "B", "mo-1") == "mkix/P/B/mo-1");
}

}  // namespace agritrace::projections

namespace agritrace::projections {

TEST_CASE("keys: UnsortedId gives unsort_id's text without allocating, long and odd ids too") {
  for (const std::string_view sid :
       {"po-000000000012", "lot-000000000000", "b-000000000326", "sh-1", "", "no-dash", "x-",
        "rc-000000000007", "a-b-000000000042",
        "a-very-long-prefix-that-does-not-fit-the-buffer-000000000001"}) {
    CAPTURE(sid);
    CHECK(UnsortedId(sid).view() == unsort_id(sid));
  }
  CHECK(UnsortedId(sort_id("lot-483")).view() == "lot-483");
}

}  // namespace agritrace::projections
