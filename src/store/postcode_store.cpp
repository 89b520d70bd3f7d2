#include "store/postcode_store.h"

#include <vector>

#include <fmt/format.h>

namespace cairn::store {

Result<PostcodeImport> ImportPostcodes(Connection& db, const std::string& path,
                                       const std::function<void(int64_t rows)>& progress) {
  CAIRN_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db));
  CAIRN_RETURN_IF_ERROR(db.Execute("DELETE FROM postcode"));
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<RowCopy> copy,
                         db.PrepareCopy("postcode", {"postcode", "district", "easting", "northing"}));
  PostcodeImport summary;
  geography::OnsReadOptions options;
  options.progress = progress;
  auto add = [&](const geography::OnsPostcodeRow& row) -> Status {
    // The views live until the callback returns, and the row is added (SQLite) or copied into
    // COPY's buffer (PostgreSQL) before it does.
    CAIRN_RETURN_IF_ERROR(copy->BindUnowned(1, row.postcode));
    CAIRN_RETURN_IF_ERROR(row.district.empty() ? copy->BindNull(2) : copy->BindUnowned(2, row.district));
    CAIRN_RETURN_IF_ERROR(row.easting ? copy->Bind(3, int64_t{*row.easting}) : copy->BindNull(3));
    CAIRN_RETURN_IF_ERROR(row.northing ? copy->Bind(4, int64_t{*row.northing}) : copy->BindNull(4));
    const Status added = copy->Run();
    if (!added.ok()) {
      if (added.code() == Status::Code::kAlreadyExists) {
        return Status::InvalidArgument(fmt::format("{} line {}, field pcd: the postcode {} is given twice", path,
                                                   row.line, row.postcode));
      }
      return added.WithContext(fmt::format("{} line {}", path, row.line));
    }
    summary.with_grid += row.easting && row.northing ? 1 : 0;
    summary.with_district += row.district.empty() ? 0 : 1;
    return Status::Ok();
  };
  CAIRN_ASSIGN_OR_RETURN(summary.rows, geography::ReadOnsPostcodes(path, options, add));
  const Status flushed = copy->Flush();
  if (!flushed.ok()) {
    if (flushed.code() == Status::Code::kAlreadyExists) {
      return Status::InvalidArgument(fmt::format("{}: a postcode is given twice ({})", path, flushed.message()));
    }
    return flushed;
  }
  copy.reset();
  CAIRN_RETURN_IF_ERROR(transaction.Commit());
  return summary;
}

Result<int64_t> CountPostcodes(Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(auto count, db.Prepare("SELECT count(*) FROM postcode"));
  CAIRN_ASSIGN_OR_RETURN(bool row, count->Step());
  return row ? count->ColumnInt(0) : 0;
}

Result<geography::PostcodeDirectory> LookUpPostcodes(Connection& db,
                                                     const std::set<std::string, std::less<>>& postcodes) {
  geography::PostcodeDirectory directory;
  // A few hundred postcodes a statement: one round trip each on PostgreSQL rather than one a postcode.
  constexpr std::size_t kBatch = 250;
  std::vector<const std::string*> batch;
  auto look_up = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    std::string placeholders;
    for (std::size_t i = 0; i < batch.size(); ++i) placeholders += fmt::format("{}${}", i == 0 ? "" : ", ", i + 1);
    CAIRN_ASSIGN_OR_RETURN(auto select, db.Prepare("SELECT postcode, district, easting, northing FROM postcode "
                                                   "WHERE postcode IN (" + placeholders + ")"));
    for (std::size_t i = 0; i < batch.size(); ++i) {
      CAIRN_RETURN_IF_ERROR(select->Bind(static_cast<int>(i + 1), *batch[i]));
    }
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, select->Step());
      if (!row) break;
      geography::PostcodeEntry entry;
      entry.district = std::string(select->ColumnText(1));
      if (!select->ColumnIsNull(2)) entry.easting = static_cast<int32_t>(select->ColumnInt(2));
      if (!select->ColumnIsNull(3)) entry.northing = static_cast<int32_t>(select->ColumnInt(3));
      directory.Add(select->ColumnText(0), std::move(entry));
    }
    batch.clear();
    return Status::Ok();
  };
  for (const std::string& postcode : postcodes) {
    if (postcode.empty()) continue;
    batch.push_back(&postcode);
    if (batch.size() == kBatch) CAIRN_RETURN_IF_ERROR(look_up());
  }
  CAIRN_RETURN_IF_ERROR(look_up());
  return directory;
}

Status ForEachPostcodeWithGrid(Connection& db, const std::function<void(const geography::OnsPostcodeRow&)>& row) {
  CAIRN_ASSIGN_OR_RETURN(auto select, db.Prepare("SELECT postcode, district, easting, northing FROM postcode "
                                                 "WHERE easting IS NOT NULL AND northing IS NOT NULL"));
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool found, select->Step());
    if (!found) return Status::Ok();
    geography::OnsPostcodeRow entry;
    entry.postcode = select->ColumnText(0);
    entry.district = select->ColumnIsNull(1) ? std::string_view() : select->ColumnText(1);
    entry.easting = static_cast<int32_t>(select->ColumnInt(2));
    entry.northing = static_cast<int32_t>(select->ColumnInt(3));
    row(entry);
  }
}

}  // namespace cairn::store
