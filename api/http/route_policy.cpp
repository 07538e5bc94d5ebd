// The route policy table and the role matrix (api/http/route_policy.h).
#include "api/http/route_policy.h"

#include <algorithm>

namespace agritrace::api {
namespace {

using core::Area;
constexpr Audience kPub = Audience::kPublic;
constexpr Audience kEnt = Audience::kEnterprise;
constexpr Audience kReg = Audience::kRegulator;
constexpr Audience kRegOrPlatform = Audience::kRegulatorOrPlatform;
using core::RegulatorRight;

// operationId -> audience and area. Methods: GET reads, everything else writes.
const std::vector<RoutePolicy>& table() {
  static const std::vector<RoutePolicy> t = {
      // platform and public
      {"healthz", kPub, Area::kEnterprise},
      {"metrics", kPub, Area::kEnterprise},
      {"resolveDigitalLink", kPub, Area::kCodes},
      {"resolveDigitalLinkOptions", kPub, Area::kCodes},
      {"resolveGtin", kPub, Area::kCodes},
      {"resolveGtinOptions", kPub, Area::kCodes},
      {"resolveGtinQualifier", kPub, Area::kCodes},
      {"resolveGtinQualifierOptions", kPub, Area::kCodes},
      {"resolvePartlyCompressedLink", kPub, Area::kCodes},
      {"resolveCompressedLink", kPub, Area::kCodes},
      {"resolveCompressedLinkOptions", kPub, Area::kCodes},
      {"describeResolver", kPub, Area::kCodes},
      // the public end, consumer scan side (issue 12, R-4.4.1)
      {"publicScanCss", kPub, Area::kCodes},
      {"publicScanJs", kPub, Area::kCodes},
      {"recordScanLocation", kPub, Area::kCodes},
      {"listMyScans", kPub, Area::kCodes},
      {"myScansPage", kPub, Area::kCodes},
      {"requestPhoneCode", kPub, Area::kCodes},
      {"verifyPhone", kPub, Area::kCodes},
      {"downloadPublicDocument", kPub, Area::kCodes},
      {"listScanAlerts", kEnt, Area::kCodes},
      {"listPlatformScanAlerts", kRegOrPlatform, Area::kCodes, RegulatorRight::kRead},
      {"createSession", kPub, Area::kAccounts},
      {"registerEnterprise", Audience::kPlatform, Area::kAccounts},
      {"getViewsDigest", Audience::kPlatform, Area::kAccounts},  // issue 17: views converge
      // .P: payment platforms (authenticated by their signatures) and consumers
      {"notifyWechatPayPayment", kPub, Area::kSales},
      {"notifyPaymentWebhook", kPub, Area::kSales},
      {"lookupPaymentVoucher", kPub, Area::kCodes},
      // .S: sampling results, published by regulators (or the platform operator), read by all
      {"recordSamplingResult", kRegOrPlatform, Area::kTrace, RegulatorRight::kPublishSampling},
      {"importSamplingResults", kRegOrPlatform, Area::kTrace, RegulatorRight::kPublishSampling},
      {"getSamplingResult", kRegOrPlatform, Area::kTrace, RegulatorRight::kRead},
      {"correctSamplingResult", kRegOrPlatform, Area::kTrace, RegulatorRight::kPublishSampling},
      {"finaliseSamplingResult", kRegOrPlatform, Area::kTrace, RegulatorRight::kPublishSampling},
      {"withdrawSamplingResult", kRegOrPlatform, Area::kTrace, RegulatorRight::kPublishSampling},
      {"listPlatformSamplingAlerts", kRegOrPlatform, Area::kTrace, RegulatorRight::kRead},
      {"listSamplingAlerts", kEnt, Area::kTrace},
      {"listPublicSamplingResults", kPub, Area::kCodes},
      {"getPublicSamplingResult", kPub, Area::kCodes},
      {"publicSamplingPage", kPub, Area::kCodes},
      // complaints: the consumer (by voucher, then by the case's follow token), the
      // respondent enterprise, the regulators
      {"fileComplaint", kPub, Area::kSales},
      {"followComplaint", kPub, Area::kSales},
      {"rateComplaint", kPub, Area::kSales},
      {"getComplaintImageAsConsumer", kPub, Area::kSales},
      {"voucherPage", kPub, Area::kSales},
      {"fileComplaintForm", kPub, Area::kSales},
      {"complaintPage", kPub, Area::kSales},
      {"rateComplaintForm", kPub, Area::kSales},
      {"publicComplaintJs", kPub, Area::kSales},
      // issue 13, the regulator portal: the page and its assets carry no data (public); the
      // script reads everything through the regulator routes with the bureau user's token
      {"regulatorPortal", kPub, Area::kAccounts},
      {"regulatorPortalCss", kPub, Area::kAccounts},
      {"regulatorPortalJs", kPub, Area::kAccounts},
      {"listComplaints", kEnt, Area::kSales},
      {"getComplaint", kEnt, Area::kSales},
      {"transitionComplaint", kEnt, Area::kSales},
      {"getComplaintImage", kEnt, Area::kSales},
      {"listRegulatorComplaints", kRegOrPlatform, Area::kSales, RegulatorRight::kRead},
      {"getRegulatorComplaint", kRegOrPlatform, Area::kSales, RegulatorRight::kRead},
      {"transitionRegulatorComplaint", kRegOrPlatform, Area::kSales, RegulatorRight::kHandleComplaints},
      {"getRegulatorComplaintImage", kRegOrPlatform, Area::kSales, RegulatorRight::kRead},
      // accounts (issue 16)
      {"deleteSession", Audience::kAnySession, Area::kAccounts},
      {"createUser", kEnt, Area::kAccounts},
      {"createApiKey", kEnt, Area::kAccounts},
      {"rotateApiKey", kEnt, Area::kAccounts},
      {"revokeApiKey", kEnt, Area::kAccounts},
      // personal-information deletion on request (issue 16): the administrator only
      {"erasePersonalData", kEnt, Area::kAccounts},
      {"getAuditTrail", Audience::kAdminOrPlatform, Area::kAccounts},
      // the regulator end (issue 13, docs/REGULATOR.md). The jurisdiction of each record is
      // checked by the handlers with core/regulator/access.h.
      {"registerBureau", Audience::kPlatform, Area::kAccounts},
      {"createRegulatorUser", kRegOrPlatform, Area::kAccounts, RegulatorRight::kManageUsers},
      {"createRegulatorSession", kPub, Area::kAccounts},
      {"getMyBureau", kReg, Area::kAccounts, RegulatorRight::kRead},
      {"listRegulatedEntities", kReg, Area::kAccounts, RegulatorRight::kRead},
      {"getRegulatedEntity", kReg, Area::kAccounts, RegulatorRight::kRead},
      {"fileRegulatedEntity", kReg, Area::kAccounts, RegulatorRight::kFileEntities},
      {"amendRegulatedEntity", kReg, Area::kAccounts, RegulatorRight::kFileEntities},
      // the regulators' signed webhooks: a supervisor of a bureau whose jurisdiction contains the
      // webhook's (checked by the handler), or the platform operator
      {"registerRegulatorWebhook", kRegOrPlatform, Area::kAccounts, RegulatorRight::kWebhooks},
      {"listRegulatorWebhooks", kRegOrPlatform, Area::kAccounts, RegulatorRight::kWebhooks},
      {"getRegulatorWebhook", kRegOrPlatform, Area::kAccounts, RegulatorRight::kWebhooks},
      // the enterprise itself
      {"getEnterprise", kEnt, Area::kEnterprise},
      {"listCatalogue", kEnt, Area::kEnterprise},
      {"setMainVarieties", kEnt, Area::kEnterprise},
      {"getMainVarieties", kEnt, Area::kEnterprise},
      // purchasing
      {"registerCounterparty", kEnt, Area::kPurchasing},
      {"listCounterparties", kEnt, Area::kPurchasing},
      {"getCounterparty", kEnt, Area::kPurchasing},
      {"amendCounterparty", kEnt, Area::kPurchasing},
      {"createPurchaseOrder", kEnt, Area::kPurchasing},
      {"listPurchaseOrders", kEnt, Area::kPurchasing},
      {"getPurchaseOrder", kEnt, Area::kPurchasing},
      {"amendPurchaseOrder", kEnt, Area::kPurchasing},
      {"cancelPurchaseOrder", kEnt, Area::kPurchasing},
      {"placeMarketOrder", kEnt, Area::kPurchasing},
      {"listMarketOrders", kEnt, Area::kPurchasing},
      {"getMarketOrder", kEnt, Area::kPurchasing},
      {"cancelMarketOrder", kEnt, Area::kPurchasing},
      {"browseMarket", kEnt, Area::kPurchasing},
      // warehouse
      {"receivePurchaseOrder", kEnt, Area::kWarehouse},
      {"getMaterialLot", kEnt, Area::kWarehouse},
      {"listReceipts", kEnt, Area::kWarehouse},
      {"getReceipt", kEnt, Area::kWarehouse},
      {"receiveGoods", kEnt, Area::kWarehouse},
      {"receiveGoodsManually", kEnt, Area::kWarehouse},
      // ERP file uploads (goods-in / goods-out)
      {"createUpload", kEnt, Area::kWarehouse},
      {"getUpload", kEnt, Area::kWarehouse},
      {"getUploadErrors", kEnt, Area::kWarehouse},
      {"listInventory", kEnt, Area::kWarehouse},
      {"getInventoryItem", kEnt, Area::kWarehouse},
      {"listInventoryMovements", kEnt, Area::kWarehouse},
      {"recordStocktake", kEnt, Area::kWarehouse},
      {"listStocktakes", kEnt, Area::kWarehouse},
      {"getStocktake", kEnt, Area::kWarehouse},
      // production
      {"createBatch", kEnt, Area::kProduction},
      {"listBatches", kEnt, Area::kProduction},
      {"getBatch", kEnt, Area::kProduction},
      {"amendBatch", kEnt, Area::kProduction},
      {"consumeMaterial", kEnt, Area::kProduction},
      {"attachDocument", kEnt, Area::kProduction},
      {"uploadDocument", kEnt, Area::kProduction},
      {"getDocument", kEnt, Area::kProduction},
      {"registerLine", kEnt, Area::kProduction},
      {"listLines", kEnt, Area::kProduction},
      {"registerDevice", kEnt, Area::kProduction},
      {"listDevices", kEnt, Area::kProduction},
      {"startPrintJob", kEnt, Area::kProduction},
      {"listPrintJobs", kEnt, Area::kProduction},
      {"getPrintJob", kEnt, Area::kProduction},
      {"pausePrintJob", kEnt, Area::kProduction},
      {"resumePrintJob", kEnt, Area::kProduction},
      {"cancelPrintJob", kEnt, Area::kProduction},
      {"voidPrintJob", kEnt, Area::kProduction},
      // codes
      {"createCodeTemplate", kEnt, Area::kCodes},
      {"listCodeTemplates", kEnt, Area::kCodes},
      {"getCodeTemplate", kEnt, Area::kCodes},
      {"generateCodes", kEnt, Area::kCodes},
      {"listCodeRuns", kEnt, Area::kCodes},
      {"getCodeRun", kEnt, Area::kCodes},
      {"downloadCodesCsv", kEnt, Area::kCodes},
      {"downloadCodesSvg", kEnt, Area::kCodes},
      {"downloadCodesPng", kEnt, Area::kCodes},
      {"disableCodeRun", kEnt, Area::kCodes},
      {"enableCodeRun", kEnt, Area::kCodes},
      {"getCode", kEnt, Area::kCodes},
      {"disableCode", kEnt, Area::kCodes},
      {"enableCode", kEnt, Area::kCodes},
      {"publishProduct", kEnt, Area::kCodes},
      {"listPublications", kEnt, Area::kCodes},
      {"withdrawPublication", kEnt, Area::kCodes},
      // sales
      {"createSalesOrder", kEnt, Area::kSales},
      {"listSalesOrders", kEnt, Area::kSales},
      {"getSalesOrder", kEnt, Area::kSales},
      {"amendSalesOrder", kEnt, Area::kSales},
      {"cancelSalesOrder", kEnt, Area::kSales},
      {"shipSalesOrder", kEnt, Area::kSales},
      {"getShipment", kEnt, Area::kSales},
      {"getWhereabouts", kEnt, Area::kSales},
      {"raiseRecall", kEnt, Area::kSales},
      {"listRecalls", kEnt, Area::kSales},
      {"getRecall", kEnt, Area::kSales},
      {"getRecallReport", kEnt, Area::kSales},
      {"getRecallStatus", kEnt, Area::kSales},
      {"getDownstreamAnalytics", kEnt, Area::kSales},
      {"listIncomingMarketOrders", kEnt, Area::kSales},
      {"getIncomingMarketOrder", kEnt, Area::kSales},
      {"acceptMarketOrder", kEnt, Area::kSales},
      {"declineMarketOrder", kEnt, Area::kSales},
      {"recordRetailSale", kEnt, Area::kSales},
      // finance
      {"recordFinanceEntry", kEnt, Area::kFinance},
      {"listFinanceEntries", kEnt, Area::kFinance},
      {"getFinanceStatement", kEnt, Area::kFinance},
      // trace
      {"traceMaterialLotBackward", kEnt, Area::kTrace},
      {"traceMaterialLotForward", kEnt, Area::kTrace},
      {"traceBatchBackward", kEnt, Area::kTrace},
      {"traceCode", kEnt, Area::kTrace},
      {"traceForward", kEnt, Area::kTrace},
      {"traceBackward", kEnt, Area::kTrace},
      {"getRecallLineage", kEnt, Area::kSales},
      // interchange (issue 14): EPCIS 2.0 query of the enterprise's own goods events; capture of
      // receiving events (they become receipts by scan, a warehouse write)
      {"queryEpcisEvents", kEnt, Area::kTrace},
      {"captureEpcisEvents", kEnt, Area::kWarehouse},
      {"getEpcisCaptureJob", kEnt, Area::kWarehouse},
      // national platform feed: the records, their push deliveries (seen and resent by
      // the platform operator or the enterprise's administrator) and inbound records (receipts)
      {"listNationalFeedRecords", kEnt, Area::kTrace},
      {"createNationalFeedDelivery", kEnt, Area::kTrace},
      {"listNationalFeedDeliveries", Audience::kAdminOrPlatform, Area::kTrace},
      {"resendNationalFeedDelivery", Audience::kAdminOrPlatform, Area::kTrace},
      {"receiveNationalFeedRecords", kEnt, Area::kWarehouse},
      // issue 13, R-4.5.3 / R-4.5.4: the jurisdiction's ledger lines, statistics, chains (both
      // bureau roles; the jurisdiction applied by projections/regulator/flow_queries.h)
      {"listRegulatorLedgerLines", kReg, Area::kAccounts, RegulatorRight::kRead},
      {"getRegulatorChain", kReg, Area::kAccounts, RegulatorRight::kRead},
      {"getRegulatorStatistics", kReg, Area::kAccounts, RegulatorRight::kRead},
      {"listRegulatorEnterpriseStatistics", kReg, Area::kAccounts, RegulatorRight::kRead},
      {"getRegulatorCompliance", kReg, Area::kAccounts, RegulatorRight::kRead},
      // inspections (api/regulator/inspection_routes.cpp); records by jurisdiction
      {"getInspectionChecklist", kReg, Area::kAccounts, RegulatorRight::kRead},
      {"uploadRegulatorDocument", kReg, Area::kAccounts, RegulatorRight::kRecordInspections},
      {"getRegulatorDocument", kReg, Area::kAccounts, RegulatorRight::kRead},
      {"recordInspection", kReg, Area::kAccounts, RegulatorRight::kRecordInspections},
      {"listInspections", kReg, Area::kAccounts, RegulatorRight::kRead},
      {"getInspection", kReg, Area::kAccounts, RegulatorRight::kRead},
      {"setEntityRiskGrade", kReg, Area::kAccounts, RegulatorRight::kRiskGrades},
      {"listOverdueEntities", kReg, Area::kAccounts, RegulatorRight::kRead},
      {"createInspectionDraw", kReg, Area::kAccounts, RegulatorRight::kDraws},
      {"listInspectionDraws", kReg, Area::kAccounts, RegulatorRight::kDraws},
      {"getInspectionDraw", kReg, Area::kAccounts, RegulatorRight::kDraws},
      {"verifyInspectionDraw", kReg, Area::kAccounts, RegulatorRight::kDraws},
  };
  return t;
}

struct Grant {
  core::Role role;
  std::vector<Area> write;
  std::vector<Area> read;  // in addition to `write`
};

// Least privilege: each role writes its own area and reads what its work needs. Administrators
// read and write everything, accounts included; finance figures are for finance.
const std::vector<Grant>& matrix() {
  using core::Role;
  static const std::vector<Grant> m = {
      {Role::kPurchasing,
       {Area::kPurchasing},
       {Area::kEnterprise, Area::kProduction, Area::kWarehouse, Area::kTrace}},
      {Role::kProduction,
       {Area::kProduction, Area::kCodes},
       {Area::kEnterprise, Area::kPurchasing, Area::kWarehouse, Area::kTrace}},
      {Role::kSales,
       {Area::kSales},
       {Area::kEnterprise, Area::kProduction, Area::kCodes, Area::kWarehouse, Area::kTrace}},
      {Role::kWarehouse,
       {Area::kWarehouse},
       {Area::kEnterprise, Area::kPurchasing, Area::kProduction, Area::kSales, Area::kCodes,
        Area::kTrace}},
      {Role::kFinance,
       {Area::kFinance},
       {Area::kEnterprise, Area::kPurchasing, Area::kSales, Area::kWarehouse, Area::kTrace}},
  };
  return m;
}

bool contains(const std::vector<Area>& areas, Area a) {
  return std::find(areas.begin(), areas.end(), a) != areas.end();
}

bool key_allows(const Principal& p, Area area, core::Access access) {
  if (p.key_administrator) return true;
  if (area == Area::kAccounts) return false;
  if (access == core::Access::kWrite && p.access != core::Access::kWrite) return false;
  return p.areas.empty() || contains(p.areas, area);
}

}  // namespace

const std::vector<RoutePolicy>& route_policies() { return table(); }

const RoutePolicy* route_policy(std::string_view operation_id) {
  for (const RoutePolicy& p : table()) {
    if (p.operation_id == operation_id) return &p;
  }
  return nullptr;
}

bool role_allows(core::Role role, Area area, core::Access access) {
  if (role == core::Role::kAdministrator) return true;
  for (const Grant& g : matrix()) {
    if (g.role != role) continue;
    if (contains(g.write, area)) return true;
    return access == core::Access::kRead && contains(g.read, area);
  }
  return false;
}

std::optional<Refusal> check_policy(const RoutePolicy& policy, const Principal& p,
                                    core::Access access) {
  if (policy.audience == Audience::kPublic) return std::nullopt;
  if (p.kind == PrincipalKind::kAnonymous) {
    return Refusal{401, "api_key_missing",
                   "this route needs an API key or a session: 'Authorization: Bearer <token>'"};
  }
  const bool platform = p.kind == PrincipalKind::kPlatformOperator;
  switch (policy.audience) {
    case Audience::kPublic:
      return std::nullopt;
    case Audience::kPlatform:
      if (platform) return std::nullopt;
      return Refusal{403, "admin_key_required",
                     "only the platform administrator registers enterprises"};
    case Audience::kAdminOrPlatform:
      if (platform || p.enterprise_administrator()) return std::nullopt;
      return Refusal{403, "administrator_required",
                     "only the enterprise's administrator or the platform operator may do this"};
    case Audience::kRegulatorOrPlatform:
      if (platform) return std::nullopt;
      [[fallthrough]];
    case Audience::kRegulator:
      if (!p.regulator()) {
        return Refusal{403, "regulator_required",
                       "this route is for market supervision bureaus' accounts"};
      }
      if (core::regulator_role_allows(p.regulator_role, policy.regulator_right)) {
        return std::nullopt;
      }
      return Refusal{403, "regulator_role_forbidden",
                     "the bureau role does not allow this operation"};
    case Audience::kAnySession:
      if (p.regulator()) return std::nullopt;
      break;
    case Audience::kAnyEnterprise:
    case Audience::kEnterprise:
      break;
  }
  if (p.regulator()) {
    return Refusal{403, "enterprise_key_required",
                   "a regulator reads through the regulator routes and never acts for an "
                   "enterprise"};
  }
  if (platform || !p.enterprise()) {
    return Refusal{403, "enterprise_key_required",
                   "the administrator key manages enterprises; use an enterprise's key"};
  }
  if (policy.audience == Audience::kAnyEnterprise || policy.audience == Audience::kAnySession) {
    return std::nullopt;
  }
  if (p.kind == PrincipalKind::kUser) {
    if (role_allows(p.role, policy.area, access)) return std::nullopt;
    return Refusal{403, "role_forbidden", "the user's role does not allow this operation"};
  }
  if (key_allows(p, policy.area, access)) return std::nullopt;
  return Refusal{403, "key_scope_forbidden", "the API key's scope does not allow this operation"};
}

}  // namespace agritrace::api
