// Optional phone verification of a consumer (issue 12, R-4.4.1): the platform sends a one-time
// code to the phone; the consumer types it in; the scan log then keeps the phone (masked, and its
// SHA-256) with the consumer's anonymous id. A real deployment implements PhoneVerifier with its
// SMS gateway; DevPhoneVerifier is the development stand-in: it sends nothing, prints the code on
// the server's stderr and lets the API answer it (dev_code), so tests and demos can verify.
#pragma once

#include <string_view>

#include "core/base/status.h"

namespace agritrace::api {

class PhoneVerifier {
 public:
  virtual ~PhoneVerifier() = default;
  // Delivers `code` to `phone` (an 11-digit mainland mobile number).
  virtual Status send_code(std::string_view phone, std::string_view code) = 0;
  // True for a stand-in that does not deliver: the code may be shown to the caller.
  virtual bool development() const = 0;
};

class DevPhoneVerifier final : public PhoneVerifier {
 public:
  Status send_code(std::string_view phone, std::string_view code) override;
  bool development() const override { return true; }
};

// 11 digits, 1[3-9]…: a mainland mobile number.
bool valid_mobile_number(std::string_view phone);
// "138****1234".
std::string mask_mobile_number(std::string_view phone);

}  // namespace agritrace::api
