// The commands of every area, as one variant; the structs live in core/<area>/commands.h.
// Values arrive already parsed into typed form by the API layer; business rules are checked by
// decide() (core/domain/decide.h).
#pragma once

#include <variant>
#include <vector>

#include "core/accounts/commands.h"
#include "core/base/command_context.h"
#include "core/codes/commands.h"
#include "core/devices/commands.h"
#include "core/finance/commands.h"
#include "core/inventory/commands.h"
#include "core/market/commands.h"
#include "core/production/commands.h"
#include "core/public/complaint_commands.h"
#include "core/public/payment_commands.h"
#include "core/public/sampling_commands.h"
#include "core/receiving/commands.h"
#include "core/regulator/commands.h"
#include "core/regulator/inspection_commands.h"
#include "core/retail/commands.h"
#include "core/sales/commands.h"

namespace agritrace::core {

struct CommandGroup;  // below

using Command = std::variant<RegisterEnterprise, RegisterCounterparty, AmendCounterparty, ErasePersonalData,
                             CreatePurchaseOrder, AmendPurchaseOrder, CancelPurchaseOrder,
                             ReceivePurchaseOrder, CreateBatch, AmendBatch, ConsumeMaterial,
                             AttachDocument,
                             CreateSalesOrder, AmendSalesOrder, CancelSalesOrder, ShipSalesOrder,
                             RaiseRecall,
                             LoadCatalogue, SetMainVarieties, CreateCodeTemplate, GenerateCodes,
                             DisableCode, EnableCode, DisableCodeRun, EnableCodeRun,
                             PublishProduct, UnpublishProduct,
                             PlaceMarketOrder, CancelMarketOrder, AcceptMarketOrder,
                             DeclineMarketOrder, ReceiveGoods, ReceiveGoodsManually,
                             RecordStocktake, RecordFinanceEntry, RecordRetailSale,
                             RegisterLine, RegisterDevice, QueuePrintJob, RecordPrintJobProgress,
                             CreateUser, CreateApiKey, RotateApiKey, RevokeApiKey,
                             RecordPaymentNotification, RecordSamplingResults,
                             FinaliseSamplingResult, CorrectSamplingResult,
                             WithdrawSamplingResult, FileComplaint,
                             ChangeComplaintState, RateComplaint, RegisterBureau,
                             CreateRegulatorUser, FileEntity, AmendEntity, RecordInspection,
                             AssignRiskGrade, DrawInspections, CommandGroup>;

// Commands decided together, all or nothing (issue 14: an EPCIS document captured whole): each is
// decided against the state the earlier ones leave; the first refusal refuses the group, its
// field prefixed with "commands[n]." (n = its index). Their events are appended in one group.
struct CommandGroup {
  std::vector<Command> commands;
};

}  // namespace agritrace::core
