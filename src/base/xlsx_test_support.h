// For tests only: reads back an Excel workbook (.xlsx) as its sheets' cell text, so a test can
// check what Cairn wrote (or a reference workbook) without a spreadsheet program. Handles what
// workbooks hold in practice: stored or deflated zip entries, shared and inline strings, numbers.
#pragma once

#include <pugixml.hpp>
#include <zlib.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cairn::testing {

// The files in a zip archive, by name (stored or deflated), read through its central directory.
inline std::map<std::string, std::string> Unzip(const std::string& zip) {
  auto u16 = [&](size_t at) {
    return static_cast<uint32_t>(static_cast<unsigned char>(zip[at]) | static_cast<unsigned char>(zip[at + 1]) << 8);
  };
  auto u32 = [&](size_t at) { return u16(at) | u16(at + 2) << 16; };
  std::map<std::string, std::string> files;
  size_t end = zip.rfind(std::string("PK\x05\x06", 4));
  if (end == std::string::npos) return files;
  const uint32_t entries = u16(end + 10);
  size_t at = u32(end + 16);
  for (uint32_t i = 0; i < entries; ++i) {
    const uint32_t method = u16(at + 10), compressed = u32(at + 20), size = u32(at + 24);
    const uint32_t name_length = u16(at + 28), extra = u16(at + 30), comment = u16(at + 32), local = u32(at + 42);
    const std::string name = zip.substr(at + 46, name_length);
    const size_t data = local + 30 + u16(local + 26) + u16(local + 28);
    std::string content(size, '\0');
    if (method == 0) {
      content = zip.substr(data, compressed);
    } else {
      z_stream stream{};
      inflateInit2(&stream, -MAX_WBITS);
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zip.data() + data));
      stream.avail_in = compressed;
      stream.next_out = reinterpret_cast<Bytef*>(content.data());
      stream.avail_out = size;
      inflate(&stream, Z_FINISH);
      inflateEnd(&stream);
    }
    files[name] = content;
    at += 46 + name_length + extra + comment;
  }
  return files;
}

// One sheet: its name and its rows, each the text of its cells from column A (an empty cell is
// ""; a row's trailing empty cells are not there).
struct SheetText {
  std::string name;
  std::vector<std::vector<std::string>> rows;
};

// Every sheet of the workbook, in the workbook's order.
inline std::vector<SheetText> ReadWorkbook(const std::string& bytes) {
  const auto files = Unzip(bytes);
  std::vector<std::string> shared;
  if (auto it = files.find("xl/sharedStrings.xml"); it != files.end()) {
    pugi::xml_document doc;
    doc.load_buffer(it->second.data(), it->second.size());
    for (pugi::xml_node si : doc.child("sst").children("si")) {
      std::string text;
      for (pugi::xpath_node t : si.select_nodes(".//t")) text += t.node().text().get();
      shared.push_back(text);
    }
  }
  // Sheet names by relationship id, then each relationship's file.
  std::map<std::string, std::string> targets;
  if (auto it = files.find("xl/_rels/workbook.xml.rels"); it != files.end()) {
    pugi::xml_document doc;
    doc.load_buffer(it->second.data(), it->second.size());
    for (pugi::xml_node rel : doc.child("Relationships").children("Relationship")) {
      std::string target = rel.attribute("Target").value();
      if (target.rfind("/xl/", 0) == 0) target = target.substr(4);
      targets[rel.attribute("Id").value()] = "xl/" + target;
    }
  }
  std::vector<SheetText> sheets;
  pugi::xml_document workbook;
  if (auto it = files.find("xl/workbook.xml"); it != files.end()) workbook.load_buffer(it->second.data(), it->second.size());
  for (pugi::xml_node sheet : workbook.child("workbook").child("sheets").children("sheet")) {
    SheetText out{sheet.attribute("name").value(), {}};
    auto file = files.find(targets[sheet.attribute("r:id").value()]);
    if (file == files.end()) continue;
    pugi::xml_document doc;
    doc.load_buffer(file->second.data(), file->second.size());
    for (pugi::xml_node row : doc.child("worksheet").child("sheetData").children("row")) {
      const size_t row_number = row.attribute("r").as_ullong();
      while (out.rows.size() + 1 < row_number) out.rows.emplace_back();
      std::vector<std::string> cells;
      for (pugi::xml_node cell : row.children("c")) {
        std::string ref = cell.attribute("r").value();
        size_t column = 0;
        for (char c : ref) {
          if (c < 'A' || c > 'Z') break;
          column = column * 26 + static_cast<size_t>(c - 'A' + 1);
        }
        if (column > 0) cells.resize(std::max(cells.size(), column - 1));
        const std::string type = cell.attribute("t").value();
        std::string text;
        if (type == "s") {
          const size_t index = cell.child("v").text().as_ullong();
          text = index < shared.size() ? shared[index] : "";
        } else if (type == "inlineStr") {
          for (pugi::xpath_node t : cell.select_nodes(".//t")) text += t.node().text().get();
        } else {
          text = cell.child("v").text().get();
        }
        cells.push_back(text);
      }
      out.rows.push_back(std::move(cells));
    }
    sheets.push_back(std::move(out));
  }
  return sheets;
}

}  // namespace cairn::testing
