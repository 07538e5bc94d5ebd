#include "core/uploads/templates.h"

#include <fmt/format.h>

#include "core/base/csv_cell.h"
#include "core/base/identifiers.h"

namespace agritrace::core::uploads {
namespace {

// The columns shared by both templates, named for each direction.
// production_date is required where the row's command needs it: a goods-in row is a receipt by
// hand (core::ReceiveGoodsManually, R-4.3.2), which records the goods' production date; a
// goods-out row is a sales order (core::CreateSalesOrder), where it is optional.
std::vector<Column> columns(std::string_view date, std::string_view date_example,
                            std::string_view who, std::string_view lot,
                            std::string_view lot_description, bool production_required) {
  return {
      {date, ColumnKind::kDate, true, 10, date_example, "YYYY-MM-DD, not in the future"},
      {who == "supplier" ? "supplier_uscc" : "customer_uscc", ColumnKind::kUscc, true, 18,
       "91441900MA51ABCD7J", "unified social credit code (GB 32100, check character verified)"},
      {who == "supplier" ? "supplier_name" : "customer_name", ColumnKind::kText, true, 128,
       "东莞市鲜达农产品加工有限公司", "name"},
      {"product", ColumnKind::kText, true, 64, "菜心", "product name"},
      {lot, ColumnKind::kText, true, 20, "CX-1125", lot_description},
      {"quantity", ColumnKind::kQuantity, true, 20, "400", "positive; up to 3 decimals in kg or l"},
      {"unit", ColumnKind::kUnit, true, 5, "kg", "g, kg, t, ml, l or piece"},
      production_required
          ? Column{"production_date", ColumnKind::kDate, true, 10, "2026-11-20",
                   "YYYY-MM-DD, required (a receipt records when the goods were produced), not "
                   "after received_on"}
          : Column{"production_date", ColumnKind::kDate, false, 10, "",
                   "YYYY-MM-DD, optional, not after ship_date"},
      {"expiry_date", ColumnKind::kDate, false, 10, "",
       "YYYY-MM-DD, optional, not before production_date"},
      {"reference", ColumnKind::kText, false, 64, "PO-2026-001",
       "the ERP document number, optional"},
  };
}

Error invalid(std::string reason, std::string message, std::string field) {
  return make_error(ErrorCode::kInvalidArgument, std::move(reason), std::move(message),
                    std::move(field));
}

// "400", "12.5" with kg / l (up to 3 decimals) → the base unit.
Result<Quantity> parse_amount(std::string_view text, std::string_view unit,
                              std::string_view field) {
  std::string_view whole = text;
  std::string_view frac;
  if (const size_t dot = text.find('.'); dot != std::string_view::npos) {
    whole = text.substr(0, dot);
    frac = text.substr(dot + 1);
  }
  auto digits = [](std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (!digits(whole) || (text.find('.') != std::string_view::npos && !digits(frac)) ||
      whole.size() > 15) {
    return invalid("quantity_invalid", "a quantity is a number such as 400 or 12.5",
                   std::string(field));
  }
  const bool thousandths = unit == "kg" || unit == "l" || unit == "L";
  if (!frac.empty() && (!thousandths || frac.size() > 3)) {
    return invalid("quantity_invalid", "decimals only in kg or l, at most 3", std::string(field));
  }
  int64_t amount = std::stoll(std::string(whole));
  if (thousandths) {
    std::string f(frac);
    f.resize(3, '0');
    amount = amount * 1000 + std::stoll(f);
    return parse_quantity(amount, unit == "kg" ? "g" : "ml", field);
  }
  return parse_quantity(amount, unit, field);
}

std::string csv_field(std::string_view s) { return csv_cell(s); }

}  // namespace

Result<RecordType> parse_record_type(std::string_view name, std::string_view field) {
  if (name == "goods-in") return RecordType::kGoodsIn;
  if (name == "goods-out") return RecordType::kGoodsOut;
  return invalid("record_type_unknown", "record_type is goods-in or goods-out", std::string(field));
}

std::string_view record_type_name(RecordType type) {
  return type == RecordType::kGoodsIn ? "goods-in" : "goods-out";
}

const std::vector<Column>& template_columns(RecordType type) {
  static const std::vector<Column> in = columns("received_on", "2026-11-25", "supplier", "lot_code",
                                                "the supplier's lot (batch) number", true);
  static const std::vector<Column> out = columns("ship_date", "2026-11-26", "customer", "lot_code",
                                                 "the lot (batch) number of the goods shipped",
                                                 false);
  return type == RecordType::kGoodsIn ? in : out;
}

std::string template_csv(RecordType type) {
  std::string header, example;
  for (const Column& c : template_columns(type)) {
    if (!header.empty()) header += ',';
    header += c.name;
    if (!example.empty()) example += ',';
    example += csv_field(c.example);
  }
  return header + "\r\n" + example + "\r\n";
}

RowValidator::RowValidator(RecordType type, Date today) : type_(type), today_(today) {}

bool RowValidator::read_header(const CsvRow& header, std::vector<RowError>* errors) {
  const auto& cols = template_columns(type_);
  index_.assign(cols.size(), -1);
  bool ok = true;
  for (size_t f = 0; f < header.fields.size(); ++f) {
    std::string name = header.fields[f];
    while (!name.empty() && name.back() == ' ') name.pop_back();
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
    size_t k = 0;
    while (k < cols.size() && cols[k].name != name) ++k;
    if (k == cols.size()) {
      errors->push_back({header.number, name, "column_unknown",
                         fmt::format("{} has no column \"{}\" (see docs/templates/{}.csv)",
                                     record_type_name(type_), name, record_type_name(type_))});
      ok = false;
    } else if (index_[k] != -1) {
      errors->push_back({header.number, name, "column_repeated", "the column appears twice"});
      ok = false;
    } else {
      index_[k] = static_cast<int>(f);
    }
  }
  for (size_t k = 0; k < cols.size(); ++k) {
    if (cols[k].required && index_[k] == -1) {
      errors->push_back({header.number, std::string(cols[k].name), "column_missing",
                         "a required column is missing"});
      ok = false;
    }
  }
  return ok;
}

std::optional<UploadRecord> RowValidator::validate(const CsvRow& row,
                                                   std::vector<RowError>* errors) const {
  const auto& cols = template_columns(type_);
  const size_t before = errors->size();
  UploadRecord r;
  r.row = row.number;
  std::string unit;
  std::string amount;
  auto fail = [&](const Column& c, std::string code, std::string message) {
    errors->push_back({row.number, std::string(c.name), std::move(code), std::move(message)});
  };
  for (size_t k = 0; k < cols.size(); ++k) {
    const Column& c = cols[k];
    const int f = index_[k];
    std::string value = f >= 0 && static_cast<size_t>(f) < row.fields.size()
                            ? row.fields[static_cast<size_t>(f)]
                            : "";
    while (!value.empty() && value.back() == ' ') value.pop_back();
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (value.empty()) {
      if (c.required) fail(c, "field_required", "a value is required");
      continue;
    }
    if (value.size() > c.max_bytes) {
      fail(c, "field_too_long", fmt::format("at most {} bytes", c.max_bytes));
      continue;
    }
    switch (c.kind) {
      case ColumnKind::kDate: {
        auto d = parse_date(value, c.name);
        if (!d.ok()) {
          fail(c, "date_invalid", "a date is YYYY-MM-DD");
        } else if (*d > today_ && k == 0) {
          fail(c, "date_in_future", "the date is after today");
        } else if (k == 0) {
          r.date = *d;
        } else if (c.name == "production_date") {
          r.production_date = *d;
        } else {
          r.expiry_date = *d;
        }
        break;
      }
      case ColumnKind::kUscc:
        if (Status s = validate_uscc(value, c.name); !s.ok()) {
          fail(c, s.error().reason, s.error().message);
        } else {
          r.counterparty_uscc = value;
        }
        break;
      case ColumnKind::kText:
        if (c.name == "product")
          r.product = value;
        else if (c.name == "lot_code")
          r.lot_code = value;
        else if (c.name == "reference")
          r.reference = value;
        else
          r.counterparty_name = value;
        break;
      case ColumnKind::kQuantity:
        amount = value;
        break;
      case ColumnKind::kUnit:
        unit = value;
        break;
    }
  }
  if (!amount.empty() && !unit.empty()) {
    auto q = parse_amount(amount, unit, "quantity");
    if (!q.ok()) {
      errors->push_back({row.number,
                         q.error().field.find("unit") != std::string::npos ? "unit" : "quantity",
                         q.error().reason, q.error().message});
    } else {
      r.quantity = *q;
    }
  }
  if (r.production_date && *r.production_date > r.date && errors->size() == before) {
    errors->push_back(
        {row.number, "production_date", "production_after_date", "produced after the goods moved"});
  }
  if (r.production_date && r.expiry_date && *r.expiry_date < *r.production_date) {
    errors->push_back(
        {row.number, "expiry_date", "expiry_before_production", "expires before it was produced"});
  }
  if (errors->size() != before) return std::nullopt;
  return r;
}

std::string error_report_header() { return "\xEF\xBB\xBFrow,column,code,message\r\n"; }

std::string error_report_line(const RowError& e) {
  return fmt::format("{},{},{},{}\r\n", e.row, csv_field(e.column), csv_field(e.code),
                     csv_field(e.message));
}

}  // namespace agritrace::core::uploads
