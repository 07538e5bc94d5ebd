#include "core/uploads/xlsx_stream.h"

#include <expat.h>
#include <minizip/unzip.h>

#include <charconv>
#include <cstring>
#include <string>

#include "core/base/civil_time.h"

namespace agritrace::core::uploads {
namespace {

constexpr size_t kReadBytes = 64 * 1024;
constexpr const char* kSheet = "xl/worksheets/sheet1.xml";
constexpr const char* kSharedStrings = "xl/sharedStrings.xml";

Error xlsx_error(std::string reason, std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(reason), std::move(message), "file");
}

// minizip reads the zip from memory through these (its I/O API, ioapi.h).
struct MemoryFile {
  std::string_view data;
  uint64_t pos = 0;
};

voidpf mem_open(voidpf opaque, const void*, int) { return opaque; }
uLong mem_read(voidpf, voidpf stream, void* buf, uLong size) {
  auto* f = static_cast<MemoryFile*>(stream);
  const uint64_t n =
      std::min<uint64_t>(size, f->data.size() - std::min<uint64_t>(f->pos, f->data.size()));
  if (n > 0) std::memcpy(buf, f->data.data() + f->pos, n);
  f->pos += n;
  return static_cast<uLong>(n);
}
uLong mem_write(voidpf, voidpf, const void*, uLong) { return 0; }
ZPOS64_T mem_tell(voidpf, voidpf stream) { return static_cast<MemoryFile*>(stream)->pos; }
long mem_seek(voidpf, voidpf stream, ZPOS64_T offset, int origin) {
  auto* f = static_cast<MemoryFile*>(stream);
  uint64_t base = 0;
  if (origin == ZLIB_FILEFUNC_SEEK_CUR) base = f->pos;
  if (origin == ZLIB_FILEFUNC_SEEK_END) base = f->data.size();
  if (base + offset > f->data.size()) return -1;
  f->pos = base + offset;
  return 0;
}
int mem_close(voidpf, voidpf) { return 0; }
int mem_error(voidpf, voidpf) { return 0; }

// The local name of an element ("x:row" -> "row").
std::string_view local(const XML_Char* name) {
  std::string_view n(name);
  const size_t colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

const XML_Char* attribute(const XML_Char** attrs, std::string_view name) {
  for (size_t i = 0; attrs[i] != nullptr; i += 2) {
    if (local(attrs[i]) == name) return attrs[i + 1];
  }
  return nullptr;
}

// "BC12" -> 54 (0-based column), -1 when there are no letters.
int column_of(std::string_view ref) {
  int col = 0;
  size_t i = 0;
  for (; i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z'; ++i) col = col * 26 + (ref[i] - 'A' + 1);
  return i == 0 ? -1 : col - 1;
}

// The shared strings: the text of each <si> (runs <r><t> joined; phonetic <rPh> left out).
struct SharedStrings {
  std::vector<std::string> strings;
  std::string text;
  bool in_t = false;
  int rph = 0;

  static void XMLCALL start(void* ud, const XML_Char* name, const XML_Char**) {
    auto* s = static_cast<SharedStrings*>(ud);
    const std::string_view n = local(name);
    if (n == "si") s->text.clear();
    if (n == "rPh") ++s->rph;
    if (n == "t") s->in_t = true;
  }
  static void XMLCALL end(void* ud, const XML_Char* name) {
    auto* s = static_cast<SharedStrings*>(ud);
    const std::string_view n = local(name);
    if (n == "t") s->in_t = false;
    if (n == "rPh") --s->rph;
    if (n == "si") s->strings.push_back(std::move(s->text));
  }
  static void XMLCALL chars(void* ud, const XML_Char* data, int len) {
    auto* s = static_cast<SharedStrings*>(ud);
    if (s->in_t && s->rph == 0) s->text.append(data, static_cast<size_t>(len));
  }
};

}  // namespace

struct XlsxReader::Impl {
  MemoryFile file;
  unzFile zip = nullptr;
  XML_Parser parser = nullptr;
  std::vector<std::string> shared;
  int64_t consumed = 0, total = 0;
  bool done = false;

  // The sheet's parse state.
  std::vector<CsvRow>* out = nullptr;
  CsvRow row;
  int64_t last_row = 0;
  int col = -1;
  std::string cell_type, text;
  bool in_value = false, in_inline = false;
  std::optional<Error> failure;

  ~Impl() {
    if (parser != nullptr) XML_ParserFree(parser);
    if (zip != nullptr) {
      unzCloseCurrentFile(zip);
      unzClose(zip);
    }
  }

  void fail(Error e) {
    if (!failure) failure = std::move(e);
    XML_StopParser(parser, XML_FALSE);
  }

  static void XMLCALL start(void* ud, const XML_Char* name, const XML_Char** attrs) {
    auto* s = static_cast<Impl*>(ud);
    const std::string_view n = local(name);
    if (n == "row") {
      const XML_Char* r = attribute(attrs, "r");
      int64_t number = s->last_row + 1;
      if (r != nullptr) std::from_chars(r, r + std::strlen(r), number);
      s->row = CsvRow{number, {}};
      s->col = -1;
    } else if (n == "c") {
      const XML_Char* r = attribute(attrs, "r");
      const int c = r != nullptr ? column_of(r) : -1;
      s->col = c >= 0 ? c : s->col + 1;
      const XML_Char* t = attribute(attrs, "t");
      s->cell_type = t != nullptr ? t : "n";
      s->text.clear();
    } else if (n == "v") {
      s->in_value = true;
    } else if (n == "is") {
      s->in_inline = true;
    }
  }

  static void XMLCALL end(void* ud, const XML_Char* name) {
    auto* s = static_cast<Impl*>(ud);
    const std::string_view n = local(name);
    if (n == "v") {
      s->in_value = false;
    } else if (n == "is") {
      s->in_inline = false;
    } else if (n == "c") {
      if (s->col < 0 || static_cast<size_t>(s->col) >= CsvReader::kMaxFields) {
        return s->fail(make_error(ErrorCode::kInvalidArgument, "csv_too_many_fields",
                                  "more than " + std::to_string(CsvReader::kMaxFields) + " columns",
                                  "row " + std::to_string(s->row.number)));
      }
      std::string value = std::move(s->text);
      if (s->cell_type == "s") {
        size_t index = 0;
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), index);
        if (ec != std::errc() || p != value.data() + value.size() || index >= s->shared.size()) {
          return s->fail(xlsx_error("xlsx_xml_invalid", "a cell names no shared string"));
        }
        value = s->shared[index];
      }
      if (value.size() > CsvReader::kMaxFieldBytes) {
        return s->fail(make_error(
            ErrorCode::kInvalidArgument, "csv_field_too_long",
            "a cell is longer than " + std::to_string(CsvReader::kMaxFieldBytes) + " bytes",
            "row " + std::to_string(s->row.number)));
      }
      auto& fields = s->row.fields;
      if (fields.size() <= static_cast<size_t>(s->col))
        fields.resize(static_cast<size_t>(s->col) + 1);
      fields[static_cast<size_t>(s->col)] = std::move(value);
      s->text.clear();
    } else if (n == "row") {
      s->last_row = s->row.number;
      auto& fields = s->row.fields;
      while (!fields.empty() && fields.back().empty()) fields.pop_back();
      if (!fields.empty()) s->out->push_back(std::move(s->row));
      s->row = CsvRow{};
    }
  }

  static void XMLCALL chars(void* ud, const XML_Char* data, int len) {
    auto* s = static_cast<Impl*>(ud);
    if (s->in_value || s->in_inline) s->text.append(data, static_cast<size_t>(len));
  }
};

bool looks_like_xlsx(std::string_view head) {
  return head.substr(0, 4) == std::string_view("PK\x03\x04", 4);
}

XlsxReader::XlsxReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XlsxReader::~XlsxReader() = default;

Result<std::unique_ptr<XlsxReader>> XlsxReader::open(std::string_view file) {
  auto impl = std::make_unique<Impl>();
  impl->file.data = file;
  zlib_filefunc64_def io{};
  io.zopen64_file = mem_open;
  io.zread_file = mem_read;
  io.zwrite_file = mem_write;
  io.ztell64_file = mem_tell;
  io.zseek64_file = mem_seek;
  io.zclose_file = mem_close;
  io.zerror_file = mem_error;
  io.opaque = &impl->file;
  impl->zip = unzOpen2_64("upload.xlsx", &io);
  if (impl->zip == nullptr) return xlsx_error("xlsx_invalid", "the file is not an XLSX (zip) file");

  // The shared strings (absent when the sheet has none).
  if (unzLocateFile(impl->zip, kSharedStrings, 1) == UNZ_OK) {
    if (unzOpenCurrentFile(impl->zip) != UNZ_OK)
      return xlsx_error("xlsx_invalid", "unreadable sharedStrings.xml");
    SharedStrings ss;
    XML_Parser p = XML_ParserCreate(nullptr);
    XML_SetUserData(p, &ss);
    XML_SetElementHandler(p, SharedStrings::start, SharedStrings::end);
    XML_SetCharacterDataHandler(p, SharedStrings::chars);
    std::string buf(kReadBytes, '\0');
    bool ok = true;
    for (;;) {
      const int n = unzReadCurrentFile(impl->zip, buf.data(), static_cast<unsigned>(buf.size()));
      if (n < 0 || XML_Parse(p, buf.data(), n < 0 ? 0 : n, n == 0 ? XML_TRUE : XML_FALSE) ==
                       XML_STATUS_ERROR) {
        ok = false;
        break;
      }
      if (n == 0) break;
    }
    XML_ParserFree(p);
    unzCloseCurrentFile(impl->zip);
    if (!ok) return xlsx_error("xlsx_xml_invalid", "sharedStrings.xml is not well-formed XML");
    impl->shared = std::move(ss.strings);
  }

  if (unzLocateFile(impl->zip, kSheet, 1) != UNZ_OK) {
    return xlsx_error("xlsx_invalid", "the file has no first worksheet (xl/worksheets/sheet1.xml)");
  }
  unz_file_info64 info{};
  if (unzGetCurrentFileInfo64(impl->zip, &info, nullptr, 0, nullptr, 0, nullptr, 0) != UNZ_OK ||
      unzOpenCurrentFile(impl->zip) != UNZ_OK) {
    return xlsx_error("xlsx_invalid", "unreadable worksheet");
  }
  impl->total = static_cast<int64_t>(info.uncompressed_size);
  impl->parser = XML_ParserCreate(nullptr);
  XML_SetUserData(impl->parser, impl.get());
  XML_SetElementHandler(impl->parser, Impl::start, Impl::end);
  XML_SetCharacterDataHandler(impl->parser, Impl::chars);
  return std::unique_ptr<XlsxReader>(new XlsxReader(std::move(impl)));
}

Result<bool> XlsxReader::next(std::vector<CsvRow>* rows) {
  Impl& s = *impl_;
  if (s.done) return false;
  std::string buf(kReadBytes, '\0');
  const int n = unzReadCurrentFile(s.zip, buf.data(), static_cast<unsigned>(buf.size()));
  if (n < 0) return xlsx_error("xlsx_invalid", "the worksheet does not decompress");
  s.consumed += n;
  s.out = rows;
  const bool last = n == 0;
  if (XML_Parse(s.parser, buf.data(), n, last ? XML_TRUE : XML_FALSE) == XML_STATUS_ERROR) {
    if (s.failure) return *s.failure;
    return xlsx_error("xlsx_xml_invalid", std::string("the worksheet is not well-formed XML: ") +
                                              XML_ErrorString(XML_GetErrorCode(s.parser)));
  }
  s.out = nullptr;
  if (last) s.done = true;
  return !last;
}

int64_t XlsxReader::consumed() const { return impl_->consumed; }
int64_t XlsxReader::total() const { return impl_->total; }

std::optional<std::string> excel_serial_date(std::string_view cell) {
  // openpyxl and Excel write whole days as "46000" (sometimes "46000.0").
  if (cell.size() > 2 && cell.substr(cell.size() - 2) == ".0") cell.remove_suffix(2);
  int32_t serial = 0;
  auto [p, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), serial);
  if (ec != std::errc() || p != cell.data() + cell.size() || serial < 61 || serial > 2958465)
    return std::nullopt;
  return format_date(Date{serial - 25569});  // 25569: 1970-01-01
}

}  // namespace agritrace::core::uploads
