// End to end on both ledgers (R-4.4.2): a consumer files a food-safety complaint from a payment
// voucher (the POS webhook recorded the payment of a retail sale) with a PNG whose text chunk
// (a GPS position) is stripped; oversized, non-image, too many and broken uploads are refused with
// precise problem+json; the consumer follows the case by its number and follow token (a wrong
// token is refused); the respondent lists and answers it but cannot accept it, another enterprise
// cannot see it; a regulator (the platform operator until bureaus land) accepts, the respondent
// handles and closes, the consumer rates once. A second complaint left pending is overdue and
// escalated to the regulators once the server's clock has moved past its deadline (restart with
// --clock-start 30 days ahead).
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>
#include <string>
#include <vector>

#include "core/base/civil_time.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"
#include "tests/support/test_images.h"

namespace agritrace::testing {
namespace {

constexpr const char* kWebhookSecret = "pos-webhook-secret-of-at-least-32-bytes";

std::string b64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string hmac_hex(const std::string& key, const std::string& message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", mac[i]);
  return hex;
}

std::string complaint_body(const std::string& voucher, int64_t amount, const std::string& date,
                           const std::vector<std::string>& images,
                           const std::string& extra = "") {
  std::string list;
  for (const std::string& im : images) {
    list += fmt::format(R"({}{{"data_base64":"{}"}})", list.empty() ? "" : ",", b64(im));
  }
  return fmt::format(
      R"({{"voucher":"{}","amount_fen":{},"date":"{}","text":"买回的菜心有异味，食用后腹泻","images":[{}]{}}})",
      voucher, amount, date, list, extra);
}

void complaint_slice(Backend backend) {
  TempDir keys_dir;
  const std::string keys_file = keys_dir.path() + "/payment_keys.json";
  std::ofstream(keys_file) << fmt::format(
      R"({{"merchants":[{{"uscc":"{}","webhook":{{"secret":"{}"}}}}]}})", kFarmUscc,
      kWebhookSecret);
  TestLedger ledger(backend);
  auto server = std::make_unique<ServerProcess>(with(ledger.flags(), {"--payment-keys", keys_file}));
  server->start();
  uint16_t port = server->port();
  ApiClient farm(port, register_enterprise(port, kFarmUscc, "惠州博罗绿源农场"));
  ApiClient plant(port, register_enterprise(port, kPlantUscc, "鲜达食品"));
  ApiClient platform(port, kAdminKey);
  ApiClient consumer(port);

  // A retail sale of one code with a voucher, paid at the till (the POS webhook).
  const std::string supplier = new_counterparty(farm, individual_supplier_body());
  const ReceivedLot lot = receive_material(farm, supplier, 100);
  const std::string batch = batch_of_lot(farm, "BL-TS-1", lot.lot_id, 50);
  std::vector<std::string> uris;
  code_run(farm, batch, "6901234000016", R"({"amount":1,"unit":"piece"})", 2, &uris);
  const std::string voucher = "POS" + unique_suffix();
  REQUIRE(farm.post("/v1/retail-sales",
                    fmt::format(R"({{"codes":["{}"],"payment_voucher":"{}","price_fen":2580}})",
                                uris[0], voucher))
              .status == 201);
  const std::string paid_body =
      fmt::format(R"({{"transaction_id":"{}","amount_fen":2580,"paid_at":"{}"}})", voucher,
                  test_now_rfc3339());
  const std::string ts = std::to_string(test_now_ms() / 1000);
  const std::string nonce = unique_suffix();
  Reply paid = consumer.call(
      "POST", fmt::format("/v1/public/payments/webhook/{}", kFarmUscc), paid_body,
      {{"Content-Type", "application/json"},
       {"X-Agritrace-Timestamp", ts},
       {"X-Agritrace-Nonce", nonce},
       {"X-Agritrace-Signature",
        hmac_hex(kWebhookSecret, ts + "\n" + nonce + "\n" + paid_body + "\n")}});
  INFO(paid.body);
  REQUIRE(paid.status == 200);
  const std::string file_url = "/v1/public/complaints?after=" + paid.str("/position");
  const std::string today = test_today();

  // Refused uploads: precise problem+json, nothing filed.
  const std::string png = png_with_location_text(40, 30);
  REQUIRE(png.find("GPS 23.1N") != std::string::npos);
  check_problem(consumer.post(file_url, complaint_body(voucher, 2580, today,
                                                       {std::string("%PDF-1.7 not an image")})),
                415, "image_type_unsupported", "images[0]");
  check_problem(consumer.post(file_url, complaint_body(voucher, 2580, today,
                                                       {png, std::string(2 * 1024 * 1024 + 1, 'x')})),
                413, "image_too_large", "images[1]");
  check_problem(consumer.post(file_url, complaint_body(voucher, 2580, today, {png, png, png, png})),
                422, "images_too_many", "images");
  check_problem(consumer.post(file_url, complaint_body(voucher, 2580, today,
                                                       {png.substr(0, png.size() / 2)})),
                422, "image_invalid", "images[0]");
  check_problem(
      consumer.post(file_url,
                    fmt::format(
                        R"({{"voucher":"V1","amount_fen":1,"date":"{}","text":"x","images":[{{"data_base64":"***"}}]}})",
                        today)),
      422, "image_base64_invalid", "images[0].data_base64");
  // Only the buyer knows the amount and the day.
  check_problem(consumer.post(file_url, complaint_body(voucher, 2581, today, {})), 404,
                "voucher_not_found", "voucher");
  check_problem(consumer.post(file_url, complaint_body(voucher, 2580, days_from_today(-1), {})),
                404, "voucher_not_found", "voucher");
  check_problem(consumer.post(file_url, R"({"voucher":"V1"})"), 422, "field_required",
                "amount_fen");

  // Filed, with the image (re-encoded) and a phone.
  Reply filed = consumer.post(
      file_url, complaint_body(voucher, 2580, today, {png}, R"(,"phone":"13800138000")"));
  INFO(filed.body);
  REQUIRE(filed.status == 201);
  CHECK(filed.str("/events/0/type") == "complaint.filed");
  const std::string case_id = filed.str("/case_id");
  const std::string token = filed.str("/follow_token");
  CHECK(case_id.rfind("TS" + today.substr(0, 4) + today.substr(5, 2) + today.substr(8, 2), 0) == 0);
  CHECK(filed.str("/accept_by") > today);
  CHECK(filed.str("/follow_url") == fmt::format("/public/complaints/{}?token={}", case_id, token));
  std::string at = filed.str("/position");

  // The consumer follows it by number and token; a wrong or missing token tells nothing.
  const std::string follow = fmt::format("/v1/public/complaints/{}", case_id);
  Reply mine = consumer.get(fmt::format("{}?token={}&after={}", follow, token, at));
  INFO(mine.body);
  REQUIRE(mine.status == 200);
  CHECK(mine.str("/state") == "pending");
  CHECK(mine.str("/state_label") == "待受理");
  CHECK(mine.str("/respondent/name") == "惠州博罗绿源农场");
  CHECK(mine.str("/batch_ids/0") == batch);
  CHECK(mine.str("/serials/0") == serial_of(uris[0]));
  CHECK(mine.num("/amount_fen") == 2580);
  CHECK(mine.str("/phone") == "13800138000");
  CHECK(mine.body.find("overdue\":false") != std::string::npos);
  REQUIRE(mine.size("/images") == 1);
  CHECK(mine.str("/images/0/media_type") == "image/png");
  const std::string image = mine.str("/images/0/sha256");
  check_problem(consumer.get(fmt::format("{}?token={}", follow, std::string(32, 'a'))), 404,
                "complaint_not_found", "case_id");
  check_problem(consumer.get(follow), 400, "token_required", "token");
  // The image comes back to the consumer without its metadata, and to nobody without the token.
  Reply img = consumer.get(fmt::format("{}/images/{}?token={}", follow, image, token));
  REQUIRE(img.status == 200);
  CHECK(img.header("Content-Type") == "image/png");
  CHECK(img.body.rfind("\x89PNG", 0) == 0);
  CHECK(img.body.find("GPS 23.1N") == std::string::npos);
  CHECK(img.body.find("Location") == std::string::npos);
  check_problem(consumer.get(fmt::format("{}/images/{}?token=x", follow, image)), 404,
                "complaint_not_found", "case_id");

  // The respondent sees its case with the phone masked; another enterprise sees nothing.
  Reply listed = farm.get("/v1/complaints?after=" + at);
  INFO(listed.body);
  REQUIRE(listed.status == 200);
  REQUIRE(listed.size("/items") == 1);
  CHECK(listed.str("/items/0/case_id") == case_id);
  CHECK(listed.str("/items/0/phone") != "13800138000");
  CHECK(listed.str("/items/0/phone").find("****") != std::string::npos);
  CHECK(farm.get(fmt::format("/v1/complaints/{}/images/{}", case_id, image)).status == 200);
  Reply other = plant.get("/v1/complaints?after=" + at);
  REQUIRE(other.status == 200);
  CHECK(other.size("/items") == 0);
  check_problem(plant.get(fmt::format("/v1/complaints/{}", case_id)), 404, "complaint_not_found",
                "case_id");
  check_problem(plant.get(fmt::format("/v1/complaints/{}/images/{}", case_id, image)), 404,
                "complaint_not_found", "case_id");
  check_problem(plant.post(fmt::format("/v1/complaints/{}/transitions", case_id),
                           R"({"state":"accepted","feedback":"x"})"),
                404, "complaint_not_found", "case_id");
  // Regulators only: the respondent cannot accept, an enterprise cannot read the regulators' list.
  check_problem(farm.post(fmt::format("/v1/complaints/{}/transitions", case_id),
                          R"({"state":"accepted","feedback":"我们受理"})"),
                403, "complaint_transition_forbidden", "state");
  check_problem(farm.get("/v1/regulator/complaints"), 403, "regulator_required", "");
  check_problem(consumer.get("/v1/regulator/complaints"), 401, "api_key_missing",
                "Authorization");

  // A regulator accepts; an illegal jump is refused 409; the respondent handles and closes.
  const std::string reg_case = fmt::format("/v1/regulator/complaints/{}/{}", kFarmUscc, case_id);
  Reply accepted = platform.post(reg_case + "/transitions",
                                 R"({"state":"accepted","feedback":"已受理，请企业七日内处理"})");
  INFO(accepted.body);
  REQUIRE(accepted.status == 201);
  // Issue 13: a bureau sees the cases of respondents in its jurisdiction only (the farm is
  // registered in 广东省: the province's bureau sees it, Shenzhen's does not, even by its id).
  {
    ApiClient province(port, bureau_session(port, "gd-amr", "440000"));
    ApiClient shenzhen(port, bureau_session(port, "sz-amr", "440300"));
    const std::string at = "?after=" + accepted.str("/position");
    Reply seen = province.get("/v1/regulator/complaints" + at);
    INFO(seen.body);
    REQUIRE(seen.status == 200);
    CHECK(seen.size("/items") == 1);
    CHECK(province.get(reg_case + at).status == 200);
    Reply unseen = shenzhen.get("/v1/regulator/complaints" + at);
    INFO(unseen.body);
    REQUIRE(unseen.status == 200);
    CHECK(unseen.size("/items") == 0);
    check_problem(shenzhen.get(reg_case + at), 404, "complaint_not_found", "case_id");
    check_problem(shenzhen.post(reg_case + "/transitions", R"({"state":"in_progress","feedback":"x"})"),
                  404, "complaint_not_found", "case_id");
  }
  check_problem(platform.post(reg_case + "/transitions", R"({"state":"closed","feedback":"结案"})"),
                409, "complaint_transition_invalid", "state");
  REQUIRE(farm.post(fmt::format("/v1/complaints/{}/transitions", case_id),
                    R"({"state":"in_progress","feedback":"已联系消费者，安排退款"})")
              .status == 201);
  check_problem(consumer.post(follow + "/rating", fmt::format(R"({{"token":"{}","stars":5}})", token)),
                409, "complaint_not_closed", "stars");
  Reply closed = farm.post(fmt::format("/v1/complaints/{}/transitions", case_id),
                           R"({"state":"closed","feedback":"已全额退款并致歉"})");
  REQUIRE(closed.status == 201);
  // The consumer rates once, with the token only.
  check_problem(consumer.post(follow + "/rating", R"({"token":"guess","stars":5})"), 404,
                "complaint_not_found", "case_id");
  Reply rated = consumer.post(follow + "/rating",
                              fmt::format(R"({{"token":"{}","stars":4,"comment":"处理及时"}})", token));
  INFO(rated.body);
  REQUIRE(rated.status == 201);
  check_problem(consumer.post(follow + "/rating", fmt::format(R"({{"token":"{}","stars":5}})", token)),
                409, "complaint_already_rated", "stars");
  Reply history = consumer.get(
      fmt::format("{}?token={}&after={}", follow, token, rated.str("/position")));
  INFO(history.body);
  REQUIRE(history.status == 200);
  CHECK(history.str("/state") == "closed");
  REQUIRE(history.size("/history") == 4);
  CHECK(history.str("/history/1/state_label") == "已受理");
  CHECK(history.str("/history/1/actor_role") == "regulator");
  CHECK(history.str("/history/3/feedback") == "已全额退款并致歉");
  CHECK_FALSE(history.has("/history/1/actor"));  // actors by role only to the consumer
  CHECK(history.num("/rating/stars") == 4);

  // A second complaint nobody decides: overdue only once the clock passes its deadline.
  Reply second = consumer.post(file_url, complaint_body(voucher, 2580, today, {}));
  INFO(second.body);
  REQUIRE(second.status == 201);
  const std::string late_case = second.str("/case_id");
  const std::string late_token = second.str("/follow_token");
  Reply none = platform.get("/v1/regulator/complaints?overdue=true&after=" + second.str("/position"));
  REQUIRE(none.status == 200);
  CHECK(none.size("/items") == 0);
  Reply all = platform.get("/v1/regulator/complaints?after=" + second.str("/position"));
  REQUIRE(all.status == 200);
  CHECK(all.size("/items") == 2);
  at = second.str("/position");
  REQUIRE(server->stop() == 0);

  // 30 days later (7 working days are at most 19 calendar days even across the Spring Festival).
  server = std::make_unique<ServerProcess>(
      with(ledger.flags(), {"--payment-keys", keys_file, "--clock-start",
                            core::format_rfc3339_utc(test_now_ms() + 30LL * 86'400'000)}));
  server->start();
  port = server->port();
  ApiClient regulator(port, kAdminKey);
  ApiClient later(port);
  Reply overdue = regulator.get("/v1/regulator/complaints?overdue=true&after=" + at);
  INFO(overdue.body);
  REQUIRE(overdue.status == 200);
  REQUIRE(overdue.size("/items") == 1);
  CHECK(overdue.str("/items/0/case_id") == late_case);
  CHECK(overdue.str("/items/0/overdue_stage") == "acceptance");
  CHECK(overdue.body.find("\"escalated\":true") != std::string::npos);
  CHECK(overdue.str("/items/0/respondent/uscc") == kFarmUscc);
  Reply late = later.get(fmt::format("/v1/public/complaints/{}?token={}", late_case, late_token));
  REQUIRE(late.status == 200);
  CHECK(late.body.find("\"overdue\":true") != std::string::npos);
  // The closed case is not overdue.
  Reply done = regulator.get(fmt::format("/v1/regulator/complaints/{}/{}", kFarmUscc, case_id));
  REQUIRE(done.status == 200);
  CHECK(done.body.find("\"overdue\":false") != std::string::npos);
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS(
    "R-4.4.2 complaints from a voucher: images, follow token, states, rating, overdue escalation",
    complaint_slice)

}  // namespace agritrace::testing
