#include "api/public/phone_verifier.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace agritrace::api {

Status DevPhoneVerifier::send_code(std::string_view phone, std::string_view code) {
  std::fprintf(stderr, "agritrace: development phone verifier: code %.*s for %s (not sent)\n",
               static_cast<int>(code.size()), code.data(), mask_mobile_number(phone).c_str());
  return Status::Ok();
}

bool valid_mobile_number(std::string_view p) {
  return p.size() == 11 && p[0] == '1' && p[1] >= '3' && p[1] <= '9' &&
         std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string mask_mobile_number(std::string_view p) {
  if (p.size() != 11) return "****";
  return std::string(p.substr(0, 3)) + "****" + std::string(p.substr(7));
}

}  // namespace agritrace::api
