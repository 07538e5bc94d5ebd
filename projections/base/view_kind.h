// Every kind of view record, in one enum, with the key prefix it is stored under. One place, so
// two areas cannot pick the same prefix (checked at compile time below); the prefixes are part of
// the views' bytes and never change. Keys are built by each area's key module
// (projections/<area>/keys.h) from these kinds; docs/ARCHITECTURE.md describes the layouts.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace agritrace::projections {

enum class ViewKind : uint8_t {
  // production
  kEnterprise,  // ent/ enterprise record
  kCounterparty,  // cp/ counterparty, unmasked (only to its own enterprise)
  kCounterpartyMasked,  // cpm/ counterparty, masked
  kPurchaseOrder,  // po/ purchase order
  kPurchaseOrderStatus,  // pos/ purchase order status
  kLot,  // lot/ material lot (also received lots)
  kLotConsumed,  // lotc/ amount consumed of a lot (sum)
  kLotByCode,  // lotcode/ lot by lot code
  kBatch,  // batch/ production batch
  kBatchInput,  // bin/ input lot of a batch
  kBatchDocument,  // bdoc/ document attached to a batch
  kForward,  // fwd/ lot -> batch forward index
  // sales
  kSalesOrder,  // so/ sales order
  kSalesOrderStatus,  // sos/ sales order status
  kSalesOrderShipped,  // sosq/ shipped amount of an order (sum)
  kSalesOrderByBatch,  // sob/ orders by batch
  kOpenOrderByBatch,  // soo/ open orders by batch
  kShipment,  // sh/ shipment
  kShipmentByBatch,  // shb/ shipment summary by batch
  kShipmentOfOrder,  // shs/ shipments of an order
  kShipmentOfCode,  // shc/ code -> shipment
  kBatchShipped,  // bsh/ shipped amount of a batch (sum)
  kAtCustomer,  // whc/ amount at each direct customer (sum)
  kRecall,  // rc/ recall
  kRecallByBatch,  // rcb/ recall index by batch
  kRecallByLot,  // rcl/ recall index by lot
  kRecallByCode,  // rcc/ recall index by code
  kLineage,  // lin/ lineage fact
  kLineageHeld,  // linq/ amount held in the lineage (sum)
  kAnalytics,  // ana/ downstream volume (sum)
  // receiving
  kReceipt,  // rcv/ goods receipt
  kReceiptSummary,  // rcvs/ receipt summary (lists)
  kReceiptOfLot,  // rcvl/ receipts of a lot
  kReceivedCode,  // rcvc/ code received
  kMissingCode,  // rcvm/ code missing at a receipt
  kReceivedFromItem,  // xrc/ sender's item -> receiver's lot (sum)
  kReceivedFromShipment,  // xrs/ sender's shipment -> receiver's lot (sum)
  kAdjusted,  // xadj/ net stock adjustment of an item (sum)
  // codes
  kCatalogue,  // cat/ catalogue product
  kMainVarieties,  // mainvar/ main varieties
  kCodeTemplate,  // ctpl/ code template
  kCodeRun,  // crun/ code run
  kCodeRunDisabled,  // crund/ code run disabled
  kCodeOfRun,  // crcode/ serial by run and index
  kCode,  // code/ code record
  kCodeDisabled,  // codedis/ code disabled individually
  kDigitalLink,  // dl/ resolver's global index
  kDigitalLinkLot,  // dllot/ resolver's global index of GTIN + lot (less specific URIs)
  kProductBatch,  // pbatch/ batches of a catalogue product
  kPublication,  // pub/ published product
  kMarketListing,  // market/ market listing
  // inventory
  kItem,  // invi/ stock item
  kItemStock,  // invq/ stock on hand (sum)
  kItemMovement,  // invm/ stock movement
  kItemByProduct,  // invp/ items by product
  kStocktake,  // stk/ stocktake
  kStocktakeSummary,  // stks/ stocktake summary
  // finance
  kFinanceEntry,  // fin/ finance entry
  kFinanceEntryDate,  // fini/ entry's date
  kFinanceSum,  // fsum/ amount (sum)
  kFinanceCount,  // fcnt/ number of entries (sum)
  kFinanceByDocument,  // fdoc/ posted amount per document (sum)
  kPricedMovements,  // fmv/ priced movements (sum)
  kPricedMovement,  // fmvd/ one priced movement
  // market
  kMarketInbox,  // mki/ order in a producer's inbox
  kMarketInboxAnswer,  // mkia/ the producer's answer, producer's side
  kMarketInboxCancelled,  // mkic/ buyer cancelled, producer's side
  kMarketInboxIndex,  // mkix/ index of mki: -> placed ms/B/mo
  kMarketOrder,  // mko/ buyer's market order
  kMarketOrderAnswer,  // mkoa/ the producer's answer (accepted or declined)
  kMarketOrderCancelled,  // mkoc/ buyer cancelled
  kMarketOrderReceipt,  // mkorc/ a receipt against the order
  kMarketOrderShipment,  // mkosh/ a shipment against the order
  kMarketOrderOfSalesOrder,  // mkso/ sales order -> market order
  // devices
  kPrintLine,  // pline/ production line
  kPrintDevice,  // pdev/ printer or coder of a line
  kPrintJob,  // pjob/ print job as queued
  kPrintJobStatus,  // pjst/ print job status
  kPrintJobCount,  // pjn/ print job counts (sum)
  kCodePrintStatus,  // pcode/ print status of a code
  // trace (the lineage read model, projections/trace/projection.h)
  kLineageNode,  // lnode/ one stock item's lineage document
  kLineageAncestors,  // lanc/ every item upstream of an item (closure)
  kLineageDescendants,  // ldsc/ every item downstream of an item (closure)
  kLineageMissingCode,  // lmis/ a code recorded missing at a receipt, until received
  // interchange (EPCIS 2.0, projections/interchange/projection.h)
  kEpcisEvent,  // epcis/ one EPCIS event of a tenant, by ledger sequence
  kEpcisRun,  // epcisrun/ a code run's GTIN, lot and batch
  kEpcisItem,  // epcisitem/ a batch's or lot's catalogue product and lot code
  // public: trace-linked payment (R-4.4.P)
  kPayment,  // pay/ a notified payment voucher
  kPaymentByVoucher,  // payv/ global index: voucher digest -> tenant and transaction
  // public: sampling inspection publication (R-4.4.S, projections/public/sampling_projection.h)
  kSamplingResult,  // smp/ a sampling result's status and dates (tenant "platform")
  kSamplingRecord,  // smpr/ a sampling result's columns (the recorded event's payload)
  kSamplingPublic,  // smpp/ final results, newest announcement first (tenant "platform")
  kSamplingByProducer,  // smpk/ final results by producer USCC and match key (lot code / date)
  kSamplingBatchByKey,  // smpb/ a tenant's batches by match key (lot code / production date)
  kSamplingBatchLink,  // smpm/ a final result linked to a batch
  kSamplingAlert,  // smpa/ a failing final result matched to a producer's batch
  kSamplingBatchDate,  // smpd/ a batch's production date as last matched (batch.amended re-matches)
  // public: food-safety complaints
  kComplaint,  // cmp/ a complaint case with its history and rating
  kComplaintByToken,  // cmpt/ global index: follow token digest -> tenant and case
  // regulator: entity filing (R-4.5.1, projections/regulator/projection.h)
  kRegulatedEntity,  // rgent/ a filed entity (plaintext; masked by the queries)
  kRegulatedEntityByDivision,  // rgdiv/ index: division code -> entity (jurisdiction scans)
  // regulator: ledger lines, statistics, chains (R-4.5.3/4, projections/regulator/flow_keys.h)
  kLedgerLine,  // rll/ a ledger line by division, date, id
  kLedgerLineByProduct,  // rllp/ index: product -> line
  kLedgerLineByBatch,  // rllb/ index: lot code -> line
  kLedgerLineByOrigin,  // rllo/ index: origin -> line
  kLedgerLineByDirection,  // rllx/ index: direction -> line
  kFlowDay,  // rlsd/ amount per division, enterprise, day, product, unit, direction (sum)
  kFlowMonth,  // rlsm/ the same per month (sum)
  kFlowTotal,  // rlst/ the same for all time (sum)
  kFlowEnterprise,  // rlent/ an enterprise's name, region, division
  kFlowEnterpriseByDivision,  // rlend/ index: division -> enterprise
  kFlowLastEvent,  // rllast/ an enterprise's last event time
  kFlowItem,  // rlitem/ a stock item's product, lot code, origin
  kFlowCounterparty,  // rlcp/ a counterparty's USCC, name, region
  kFlowGtin,  // rlgtin/ a catalogue product's GTIN
  // regulator: inspections, risk grades, draws (R-4.5.2, projections/regulator/inspection_projection.h)
  kRegulatorInspection,  // rginsp/ an inspection record
  kRegulatorInspectionByEntity,  // rginse/ index: entity -> its inspections' dates
  kRegulatorRiskGrade,  // rgrisk/ an entity's current risk grade
  kRegulatorDraw,  // rgdraw/ a random inspection draw with its inputs
  kRegulatorFormRef,  // rgform/ index: inspection form sha256 -> inspections citing it
};

inline constexpr std::array<std::string_view, 120> kViewPrefixes = {
    "ent",  // kEnterprise
    "cp",  // kCounterparty
    "cpm",  // kCounterpartyMasked
    "po",  // kPurchaseOrder
    "pos",  // kPurchaseOrderStatus
    "lot",  // kLot
    "lotc",  // kLotConsumed
    "lotcode",  // kLotByCode
    "batch",  // kBatch
    "bin",  // kBatchInput
    "bdoc",  // kBatchDocument
    "fwd",  // kForward
    "so",  // kSalesOrder
    "sos",  // kSalesOrderStatus
    "sosq",  // kSalesOrderShipped
    "sob",  // kSalesOrderByBatch
    "soo",  // kOpenOrderByBatch
    "sh",  // kShipment
    "shb",  // kShipmentByBatch
    "shs",  // kShipmentOfOrder
    "shc",  // kShipmentOfCode
    "bsh",  // kBatchShipped
    "whc",  // kAtCustomer
    "rc",  // kRecall
    "rcb",  // kRecallByBatch
    "rcl",  // kRecallByLot
    "rcc",  // kRecallByCode
    "lin",  // kLineage
    "linq",  // kLineageHeld
    "ana",  // kAnalytics
    "rcv",  // kReceipt
    "rcvs",  // kReceiptSummary
    "rcvl",  // kReceiptOfLot
    "rcvc",  // kReceivedCode
    "rcvm",  // kMissingCode
    "xrc",  // kReceivedFromItem
    "xrs",  // kReceivedFromShipment
    "xadj",  // kAdjusted
    "cat",  // kCatalogue
    "mainvar",  // kMainVarieties
    "ctpl",  // kCodeTemplate
    "crun",  // kCodeRun
    "crund",  // kCodeRunDisabled
    "crcode",  // kCodeOfRun
    "code",  // kCode
    "codedis",  // kCodeDisabled
    "dl",  // kDigitalLink
    "dllot",  // kDigitalLinkLot
    "pbatch",  // kProductBatch
    "pub",  // kPublication
    "market",  // kMarketListing
    "invi",  // kItem
    "invq",  // kItemStock
    "invm",  // kItemMovement
    "invp",  // kItemByProduct
    "stk",  // kStocktake
    "stks",  // kStocktakeSummary
    "fin",  // kFinanceEntry
    "fini",  // kFinanceEntryDate
    "fsum",  // kFinanceSum
    "fcnt",  // kFinanceCount
    "fdoc",  // kFinanceByDocument
    "fmv",  // kPricedMovements
    "fmvd",  // kPricedMovement
    "mki",  // kMarketInbox
    "mkia",  // kMarketInboxAnswer
    "mkic",  // kMarketInboxCancelled
    "mkix",  // kMarketInboxIndex
    "mko",  // kMarketOrder
    "mkoa",  // kMarketOrderAnswer
    "mkoc",  // kMarketOrderCancelled
    "mkorc",  // kMarketOrderReceipt
    "mkosh",  // kMarketOrderShipment
    "mkso",  // kMarketOrderOfSalesOrder
    "pline",  // kPrintLine
    "pdev",  // kPrintDevice
    "pjob",  // kPrintJob
    "pjst",  // kPrintJobStatus
    "pjn",  // kPrintJobCount
    "pcode",  // kCodePrintStatus
    "lnode",  // kLineageNode
    "lanc",  // kLineageAncestors
    "ldsc",  // kLineageDescendants
    "lmis",  // kLineageMissingCode
    "epcis",  // kEpcisEvent
    "epcisrun",  // kEpcisRun
    "epcisitem",  // kEpcisItem
    "pay",  // kPayment
    "payv",  // kPaymentByVoucher
    "smp",  // kSamplingResult
    "smpr",  // kSamplingRecord
    "smpp",  // kSamplingPublic
    "smpk",  // kSamplingByProducer
    "smpb",  // kSamplingBatchByKey
    "smpm",  // kSamplingBatchLink
    "smpa",  // kSamplingAlert
    "smpd",  // kSamplingBatchDate
    "cmp",  // kComplaint
    "cmpt",  // kComplaintByToken
    "rgent",  // kRegulatedEntity
    "rgdiv",  // kRegulatedEntityByDivision
    "rll", "rllp", "rllb", "rllo", "rllx", "rlsd", "rlsm", "rlst", "rlent", "rlend", "rllast",
    "rlitem", "rlcp", "rlgtin",  // kLedgerLine .. kFlowGtin
    "rginsp",  // kRegulatorInspection
    "rginse",  // kRegulatorInspectionByEntity
    "rgrisk",  // kRegulatorRiskGrade
    "rgdraw",  // kRegulatorDraw
    "rgform",  // kRegulatorFormRef
};
static_assert(kViewPrefixes.size() == static_cast<size_t>(ViewKind::kRegulatorFormRef) + 1);

// The key prefix of a kind ("so" for kSalesOrder), without the separator.
constexpr std::string_view view_prefix(ViewKind kind) { return kViewPrefixes[static_cast<size_t>(kind)]; }

namespace detail {
constexpr bool view_prefixes_unique() {
  for (size_t i = 0; i < kViewPrefixes.size(); ++i) {
    if (kViewPrefixes[i].empty() || kViewPrefixes[i].find('/') != std::string_view::npos) return false;
    for (size_t j = i + 1; j < kViewPrefixes.size(); ++j) {
      if (kViewPrefixes[i] == kViewPrefixes[j]) return false;
    }
  }
  return true;
}
}  // namespace detail
static_assert(detail::view_prefixes_unique(), "two view kinds share a key prefix");

}  // namespace agritrace::projections
