// Food-safety complaints, shared by the JSON routes (api/public/complaint_routes.cpp)
// and the consumer's pages (api/public/complaint_pages.cpp): the working-day calendar, the
// filing of a complaint from a voucher (images re-encoded, stored, the follow token drawn), and
// who acts as a regulator.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/http/http_types.h"
#include "api/http/router.h"
#include "core/base/env.h"
#include "core/base/status.h"
#include "core/public/complaint_calendar.h"

namespace agritrace::api {

struct RouteKit;

// Limits of a complaint (docs/PUBLIC.md): images per complaint and bytes per image as uploaded.
inline constexpr size_t kMaxComplaintImageBytes = 2 * 1024 * 1024;

// The built-in calendar (api/public/holidays_cn.txt compiled in) or `file` when not empty.
Result<core::WorkingCalendar> load_complaint_calendar(Env& env, const std::string& file);

// "cn_holidays" when the calendar file covers the year of `day`, else "weekends_only".
std::string calendar_basis(const core::WorkingCalendar& c, core::Date day);

// What a consumer files: the voucher and what only the buyer knows, the text, an optional phone,
// and the images as uploaded (any bytes: they are checked and re-encoded here).
struct ComplaintFiling {
  std::string voucher;
  int64_t amount_fen = 0;
  std::string date;  // YYYY-MM-DD the day paid
  std::string text;
  std::string phone;
  std::vector<std::string> images;
};

// The outcome of a filing: the command's answer (201 JSON or a problem), and on success the case
// number and the follow token (shown to the consumer once).
struct FiledComplaint {
  HttpResponse response;
  std::string case_id, token;
};

class ComplaintDesk {
 public:
  explicit ComplaintDesk(RouteKit& kit);
  RouteKit& kit;
  core::WorkingCalendar calendar;

  void file(const HttpRequest& req, ComplaintFiling filing,
            std::function<void(FiledComplaint)> done);
};

// The consumer's pages (api/public/complaint_pages.cpp): voucher lookup, filing, the case page.
void register_complaint_pages(RouteKit& kit, Router& router, std::shared_ptr<ComplaintDesk> desk);

}  // namespace agritrace::api
