#include "core/production/customs.h"

#include <algorithm>
#include <string>

namespace agritrace::core {
namespace {

// The 249 officially assigned ISO 3166-1 alpha-2 codes, two letters each, sorted.
constexpr std::string_view kAlpha2 =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCM"
    "CNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGY"
    "HKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMF"
    "MGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARE"
    "RORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZ"
    "VAVCVEVGVIVNVUWFWSYEYTZAZMZW";

Status field_error(std::string reason, std::string message, std::string_view prefix,
                   std::string_view name) {
  return make_error(ErrorCode::kInvalidArgument, std::move(reason), std::move(message),
                    std::string(prefix) + "." + std::string(name));
}

}  // namespace

bool is_iso3166_alpha2(std::string_view code) {
  if (code.size() != 2) return false;
  for (size_t i = 0; i + 1 < kAlpha2.size(); i += 2) {
    if (kAlpha2.substr(i, 2) == code) return true;
  }
  return false;
}

Status validate_customs(const CustomsInfo& c, std::string_view prefix) {
  if (c.empty()) return Status::Ok();
  const auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  };
  if (c.declaration_number.size() != 18 || !digits(c.declaration_number)) {
    return field_error("customs_declaration_invalid", "a customs declaration number is 18 digits",
                       prefix, "declaration_number");
  }
  if (!is_iso3166_alpha2(c.origin_country)) {
    return field_error("origin_country_invalid",
                       "the country of origin is an ISO 3166-1 alpha-2 code in capitals, e.g. NZ",
                       prefix, "origin_country");
  }
  if (c.port_of_entry.empty() || c.port_of_entry.size() > 64) {
    return field_error("port_of_entry_invalid", "name the port of entry (1 to 64 bytes)", prefix,
                       "port_of_entry");
  }
  const std::string& cert = c.ciq_certificate_number;
  if (!cert.empty() &&
      (cert.size() < 6 || cert.size() > 32 || !std::all_of(cert.begin(), cert.end(), [](char ch) {
         return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || ch == '-';
       }))) {
    return field_error(
        "ciq_certificate_invalid",
        "an inspection and quarantine certificate number is 6 to 32 of A-Z, 0-9 and -", prefix,
        "ciq_certificate_number");
  }
  return Status::Ok();
}

}  // namespace agritrace::core
