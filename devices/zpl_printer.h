// Zebra ZPL II label printers over raw TCP (port 9100).
//
// One label per code: a ^XA…^XZ format with the code's GS1 Digital Link URI as a QR code (^BQ)
// and its serial in plain text, ^PQ1. Status comes from ~HS (Host Status Return), whose reply is
// three <STX>…<ETX><CR><LF> strings (ZPL II Programming Guide, "~HS Host Status Return",
// docs.zebra.com/us/en/printers/software/zpl-pg/zpl-commands/~hs4.html; same layout in the
// 45541L-004 Rev. A guide, p. 171-172):
//   1: aaa,b,c,dddd,eee,f,g,h,iii,j,k,l   b paper out, c pause, eee formats in receive buffer,
//                                          f receive buffer full, h partial format in progress
//   2: mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www   o head up, p ribbon out, uuuuuuuu labels remaining in
//                                          batch
//   3: xxxx,y                              password, static RAM installed
// The guide also says newer firmware sends NO reply while in MEDIA OUT, RIBBON OUT, HEAD OPEN,
// REWINDER FULL or HEAD OVER-TEMPERATURE: an unanswered ~HS blocks sending (no_status_response).
//
// How "printed" is inferred (ZPL has no per-label acknowledgement). Tilde commands are executed
// on receipt, ahead of the formats waiting in the buffer, and TCP delivers bytes in order; so when
// the printer answers a ~HS, it has received every format we wrote before that ~HS. Of those W
// formats, eee are still waiting in the receive buffer, h (0/1) is still being received, and the
// format being printed counts uuuuuuuu labels remaining (^PQ1: 1 while its label prints). Formats
// leave the buffer in order, so the first W - eee - h - uuuuuuuu formats of this connection are
// printed; the driver acknowledges exactly those codes, in order, never more. A code is printed
// only on such a status reply; a reply that does not come proves nothing.
// Codes written before a lost connection and not yet confirmed are in doubt (they may or may not
// have printed); connect() begins with ~JA (cancel all) so none of them prints afterwards, and
// the runner voids them. Back-pressure: at most max_in_flight unconfirmed formats, and nothing
// while the printer reports its receive buffer full or any error.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "devices/driver.h"
#include "devices/tcp.h"

namespace agritrace::devices {

struct ZplHostStatus {
  bool paper_out = false;
  bool paused = false;
  int label_length_dots = 0;
  int formats_in_buffer = 0;
  bool buffer_full = false;
  bool partial_format = false;
  bool head_up = false;
  bool ribbon_out = false;
  int64_t labels_remaining = 0;
};

// Parses one ~HS reply (the three framed strings). `consumed` gets the bytes used. nullopt when
// `bytes` does not yet hold three complete strings; kInvalidArgument `hs_malformed` when it holds
// something else.
Result<std::optional<ZplHostStatus>> parse_host_status(std::string_view bytes, size_t* consumed);
std::string format_host_status(const ZplHostStatus& s);  // what a printer sends (simulator)

struct ZplLabelLayout {
  int qr_x = 40, qr_y = 40, qr_magnification = 5;
  int text_x = 40, text_y = 330, text_height = 28;
};
// The ^XA…^XZ format of one code. Field data goes through ^FH (hex escapes _XX for ^ ~ _ and
// control bytes), so no code can break out of its field.
std::string zpl_label(std::string_view code, const ZplLabelLayout& layout = {});
// The code inside a label made by zpl_label (the simulator's view of what it printed).
std::optional<std::string> code_of_zpl_label(std::string_view format);

struct ZplOptions {
  DeviceEndpoint endpoint;
  size_t max_in_flight = 64;    // unconfirmed formats; keep under the printer's buffer
  int status_interval_ms = 100;  // ~HS while idle
  ZplLabelLayout layout;
};

class ZplPrinterDriver final : public PrintDriver {
 public:
  ZplPrinterDriver(Env& env, ZplOptions options);
  const char* protocol() const override { return "zpl"; }
  Status connect() override;
  void disconnect() override;
  bool connected() const override { return conn_.is_open(); }
  size_t capacity() const override;
  Status send(const std::vector<std::string>& codes) override;
  Status poll(int timeout_ms, DriverProgress& progress) override;
  const DeviceStatus& status() const override { return status_; }
  size_t in_flight() const override { return in_flight_.size(); }
  Status clear_device(DriverProgress& progress) override;

 private:
  Status request_status();
  Status fail(Status st);

  Env& env_;
  ZplOptions options_;
  TcpConnection conn_;
  std::string rx_;
  std::deque<std::string> in_flight_;
  int64_t written_ = 0;    // formats written on this connection
  int64_t confirmed_ = 0;  // of which confirmed printed
  bool hs_outstanding_ = false;
  int64_t hs_written_at_ = 0;
  int64_t hs_sent_ns_ = 0;
  int64_t last_status_ns_ = 0;
  DeviceStatus status_;
};

}  // namespace agritrace::devices
