// The consumer pages' static files (api/public/scan_assets.cpp), served at /public/scan.css and
// /public/scan.js.
#pragma once

namespace agritrace::api {

extern const char kScanCss[];
extern const char kScanJs[];

}  // namespace agritrace::api
