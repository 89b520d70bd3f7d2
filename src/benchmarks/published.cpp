#include "benchmarks/published.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "benchmarks/dfe_file.h"
#include "store/chronology_store.h"

namespace cairn::benchmarks {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMissing = "missing";
// Enough of a file to hold any header Cairn recognises a file by.
constexpr std::streamsize kPeekBytes = 64 * 1024;
// The CSV reader refuses 2 GiB or more; reading stops just past that, for it to say so.
constexpr size_t kMaxFileBytes = static_cast<size_t>(std::numeric_limits<int>::max());

bool IsLaCode(std::string_view text) {
  return text.size() == 3 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string ToLower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; });
  return lower;
}

Result<std::string> ReadText(const fs::path& path, std::optional<std::streamsize> limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(fmt::format("{} could not be opened ({})", path.filename().string(), path.string()));
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (limit && static_cast<std::streamsize>(text.size()) >= *limit) break;
    if (text.size() > kMaxFileBytes) break;
  }
  if (in.bad()) {
    return Status::IoError(fmt::format("{} could not be read to the end ({})", path.filename().string(), path.string()));
  }
  return text;
}

// "London (Inner)" (the neighbours file's GOReg) and "Inner London" (the statistics files') name
// the same region; so do "Yorkshire and the Humber" and "Yorkshire and The Humber".
std::string RegionKey(std::string_view name) {
  std::string key = ToLower(name);
  const size_t open = key.rfind(" (");
  if (open != std::string::npos && key.ends_with(')')) {
    key = key.substr(open + 2, key.size() - open - 3) + " " + key.substr(0, open);
  }
  return key;
}

std::string JsonArray(const std::vector<std::string>& names) {
  return nlohmann::json(names).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

struct FoundFile {
  fs::path path;
  std::string name;
  const KnownDfeFile* known = nullptr;
};

// Every regular file in `dir`, in name order, with what Cairn recognises it as.
Result<std::vector<FoundFile>> FindFiles(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    if (fs::exists(dir, ec)) {
      return Status::InvalidArgument(fmt::format("{} is a file; give the folder that holds the DfE files", dir.string()));
    }
    return Status::NotFound(fmt::format("there is no folder {}", dir.string()));
  }
  std::vector<FoundFile> files;
  fs::directory_iterator it(dir, ec);
  if (ec) return Status::IoError(fmt::format("the folder {} could not be read: {}", dir.string(), ec.message()));
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return Status::IoError(fmt::format("the folder {} could not be read: {}", dir.string(), ec.message()));
    std::error_code type_error;
    if (!it->is_regular_file(type_error)) continue;
    files.push_back({it->path(), it->path().filename().string(), nullptr});
  }
  if (ec) return Status::IoError(fmt::format("the folder {} could not be read: {}", dir.string(), ec.message()));
  std::sort(files.begin(), files.end(), [](const FoundFile& a, const FoundFile& b) { return a.name < b.name; });
  for (FoundFile& file : files) {
    CAIRN_ASSIGN_OR_RETURN(std::string start, ReadText(file.path, kPeekBytes));
    file.known = RecogniseDfeFile(file.name, start);
  }
  return files;
}

// Areas from every file, each with its details from the latest period that named it.
using AreaMap = std::map<std::pair<std::string, std::string>, DfeArea>;

void MergeAreas(const std::vector<DfeArea>& areas, AreaMap& merged) {
  for (const DfeArea& area : areas) {
    DfeArea& held = merged[{std::string(area.level), area.code}];
    if (held.code.empty() || area.time_period >= held.time_period) held = area;
  }
}

// An LA the statistics rows do not place in a region takes its region from the neighbours file
// (matched to a region the rows name), and an LA only the neighbours file names is added.
void AddNeighbourFileAreas(const std::vector<DfeNeighbours>& neighbours, AreaMap& areas) {
  std::map<std::string, const DfeArea*> regions;
  for (const auto& [key, area] : areas) {
    if (area.level == kRegional) regions.emplace(RegionKey(area.name), &area);
  }
  for (const DfeNeighbours& la : neighbours) {
    DfeArea& area = areas[{std::string(kLocalAuthority), la.la_code}];
    if (area.code.empty()) {
      area.level = kLocalAuthority;
      area.code = la.la_code;
      area.name = la.la_name;
    }
    if (area.region_code.empty() && area.region_name.empty() && !la.region_name.empty()) {
      const auto region = regions.find(RegionKey(la.region_name));
      area.region_name = region == regions.end() ? la.region_name : region->second->name;
      area.region_code = region == regions.end() ? "" : region->second->code;
    }
  }
}

Status StoreStatistics(store::Connection& db, int64_t dataset_id, const DfeFile& file, store::Statement& insert) {
  CAIRN_RETURN_IF_ERROR(db.Execute(
      "INSERT INTO published_dataset (id, prefix, file_name, filters, measures, row_count, imported_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {dataset_id, std::string(file.known->prefix), file.file_name, JsonArray(file.filters), JsonArray(file.measures),
       static_cast<int64_t>(file.rows.size()), store::UtcTimestamp()}));
  for (const DfeRow& row : file.rows) {
    for (size_t i = 0; i < row.cells.size(); ++i) {
      const DfeCell& cell = row.cells[i];
      CAIRN_RETURN_IF_ERROR(insert.Bind(1, dataset_id));
      CAIRN_RETURN_IF_ERROR(insert.Bind(2, row.time_period));
      CAIRN_RETURN_IF_ERROR(insert.Bind(3, row.level));
      CAIRN_RETURN_IF_ERROR(insert.Bind(4, row.area_code));
      CAIRN_RETURN_IF_ERROR(insert.Bind(5, row.breakdown));
      CAIRN_RETURN_IF_ERROR(insert.Bind(6, file.measures[i]));
      CAIRN_RETURN_IF_ERROR(insert.Bind(7, cell.value));
      CAIRN_RETURN_IF_ERROR(insert.Bind(8, cell.mark));
      CAIRN_RETURN_IF_ERROR(insert.Run());
    }
  }
  return Status::Ok();
}

Status StoreNeighbours(store::Connection& db, const DfeFile& file) {
  CAIRN_ASSIGN_OR_RETURN(auto insert, db.Prepare("INSERT INTO statistical_neighbour (la_code, neighbour_rank, "
                                                 "neighbour_code, closeness) VALUES ($1, $2, $3, $4)"));
  for (const DfeNeighbours& la : file.neighbours) {
    for (size_t rank = 0; rank < la.neighbours.size(); ++rank) {
      CAIRN_RETURN_IF_ERROR(insert->BindAll({la.la_code, static_cast<int64_t>(rank + 1), la.neighbours[rank].first,
                                             la.neighbours[rank].second}));
      CAIRN_RETURN_IF_ERROR(insert->Run());
    }
  }
  return Status::Ok();
}

Status StoreAreas(store::Connection& db, const AreaMap& areas) {
  CAIRN_ASSIGN_OR_RETURN(auto insert, db.Prepare("INSERT INTO published_area (geographic_level, code, name, new_code, "
                                                 "region_code, region_name) VALUES ($1, $2, $3, $4, $5, $6)"));
  for (const auto& [key, area] : areas) {
    CAIRN_RETURN_IF_ERROR(insert->BindAll({key.first, area.code, area.name, area.new_code, area.region_code,
                                           area.region_name}));
    CAIRN_RETURN_IF_ERROR(insert->Run());
  }
  return Status::Ok();
}

// ---- Reading figures back -------------------------------------------------------------------

struct Dataset {
  int64_t id = 0;
  std::string prefix;
  std::string file_name;
  std::vector<std::string> filters;
  std::vector<std::string> measures;
};

std::vector<std::string> ParseNames(std::string_view json_text) {
  std::vector<std::string> names;
  const nlohmann::json json = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_array()) return names;
  for (const nlohmann::json& name : json) {
    if (name.is_string()) names.push_back(name.get<std::string>());
  }
  return names;
}

Result<std::vector<Dataset>> LoadDatasets(store::Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(auto select,
                         db.Prepare("SELECT id, prefix, file_name, filters, measures FROM published_dataset ORDER BY id"));
  std::vector<Dataset> datasets;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    datasets.push_back({select->ColumnInt(0), std::string(select->ColumnText(1)), std::string(select->ColumnText(2)),
                        ParseNames(select->ColumnText(3)), ParseNames(select->ColumnText(4))});
  }
  return datasets;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "" : ", ") + name;
  return joined.empty() ? "none" : joined;
}

// Reads single figures by area, through prepared statements reused for every area.
class FigureReader {
 public:
  static Result<FigureReader> Create(store::Connection& db) {
    constexpr std::string_view kSelect =
        "SELECT breakdown, value, mark FROM published_figure WHERE dataset_id = $1 AND measure = $2 AND "
        "time_period = $3 AND area_code = $4 AND geographic_level = $5";
    CAIRN_ASSIGN_OR_RETURN(auto any, db.Prepare(kSelect));
    CAIRN_ASSIGN_OR_RETURN(auto exact, db.Prepare(std::string(kSelect) + " AND breakdown = $6"));
    return FigureReader(std::move(any), std::move(exact));
  }

  // The figure in the one row whose breakdown has every `where` pair. A `where` naming every
  // breakdown column is one breakdown's text; otherwise each row's breakdown is checked.
  Result<Figure> Read(const Dataset& dataset, std::string_view measure,
                      const std::vector<std::pair<std::string, std::string>>& where, int time_period,
                      std::string_view level, std::string_view area_code) {
    std::set<std::string_view> named;
    for (const auto& pair : where) named.insert(pair.first);
    const bool exact = !where.empty() && named.size() == where.size() && named.size() == dataset.filters.size();
    store::Statement& select = exact ? *exact_ : *any_;
    CAIRN_RETURN_IF_ERROR(select.BindAll({dataset.id, std::string(measure), static_cast<int64_t>(time_period),
                                          std::string(area_code), std::string(level)}));
    if (exact) CAIRN_RETURN_IF_ERROR(select.Bind(6, BreakdownText(where)));
    Figure figure{std::nullopt, std::string(kMissing)};
    int matches = 0;
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      if (!exact && !where.empty()) {
        const nlohmann::json breakdown = nlohmann::json::parse(select.ColumnText(0), nullptr, false);
        const bool match = breakdown.is_object() && std::all_of(where.begin(), where.end(), [&](const auto& pair) {
                             const auto value = breakdown.find(pair.first);
                             return value != breakdown.end() && value->is_string() && *value == pair.second;
                           });
        if (!match) continue;
      }
      if (++matches > 1) {
        CAIRN_RETURN_IF_ERROR(select.Reset());
        return Status::InvalidArgument(fmt::format(
            "{} has more than one row of {} for {} {} in {}: the catalogue's `where` must pick one by each of its "
            "breakdown columns ({})",
            dataset.file_name, measure, level, area_code, time_period, JoinNames(dataset.filters)));
      }
      if (!select.ColumnIsNull(1)) {
        figure = Figure{select.ColumnDouble(1), ""};
      } else {
        const std::string_view mark = select.ColumnText(2);
        figure = Figure{std::nullopt, std::string(mark.empty() ? kMissing : mark)};
      }
    }
    return figure;
  }

 private:
  FigureReader(std::unique_ptr<store::Statement> any, std::unique_ptr<store::Statement> exact)
      : any_(std::move(any)), exact_(std::move(exact)) {}
  std::unique_ptr<store::Statement> any_;
  std::unique_ptr<store::Statement> exact_;
};

Result<std::optional<Dataset>> FindPopulationDataset(store::Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<Dataset> datasets, LoadDatasets(db));
  for (Dataset& dataset : datasets) {
    if (dataset.prefix == kPopulationPrefix) return std::optional<Dataset>(std::move(dataset));
  }
  return std::optional<Dataset>();
}

const std::vector<std::pair<std::string, std::string>>& PopulationWhere() {
  static const std::vector<std::pair<std::string, std::string>> where = {
      {"age_group", std::string(kPopulationAgeGroup)}};
  return where;
}

// Everything one Compare() reads with: the dataset, the population file, the statements.
struct Lookup {
  const indicators::PublishedSource& source;
  Dataset dataset;
  std::optional<Dataset> population;
  FigureReader reader;
  int time_period = 0;

  Result<Figure> Area(std::string_view level, std::string_view code) {
    CAIRN_ASSIGN_OR_RETURN(Figure figure, reader.Read(dataset, source.column, source.where, time_period, level, code));
    if (!source.per_10000 || !figure.value) return figure;
    Figure children{std::nullopt, std::string(kMissing)};
    if (population) {
      CAIRN_ASSIGN_OR_RETURN(children, reader.Read(*population, kPopulationMeasure, PopulationWhere(),
                                                   PopulationYearFor(time_period), level, code));
    }
    if (!children.value || *children.value <= 0) {
      return Figure{std::nullopt, children.mark.empty() ? std::string(kMissing) : children.mark};
    }
    return Figure{*figure.value / *children.value * 10000.0, ""};
  }
};

}  // namespace

Result<ImportSummary> ImportPublished(store::Connection& db, const std::filesystem::path& dir,
                                      const std::function<void(std::string_view)>& progress) {
  const auto report = [&](const std::string& line) {
    if (progress) progress(line);
  };
  CAIRN_ASSIGN_OR_RETURN(std::vector<FoundFile> files, FindFiles(dir));

  ImportSummary summary;
  std::map<const KnownDfeFile*, std::string> seen;
  for (const FoundFile& file : files) {
    if (file.known == nullptr) {
      summary.ignored_files.push_back(file.name);
      continue;
    }
    const auto [earlier, inserted] = seen.emplace(file.known, file.name);
    if (!inserted) {
      return Status::InvalidArgument(fmt::format(
          "{} and {} are both the DfE's {} file; keep only the release to compare with, and import again",
          earlier->second, file.name, file.known->prefix));
    }
  }
  if (seen.empty()) {
    return Status::InvalidArgument(fmt::format(
        "{} holds none of the DfE files Cairn reads (b1_children_in_need_*.csv, c1_children_in_need_referrals_*.csv, "
        "... as downloaded from explore-education-statistics.service.gov.uk); nothing was imported",
        dir.string()));
  }

  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(db));
  for (const char* table : {"statistical_neighbour", "published_area", "published_figure", "published_dataset"}) {
    CAIRN_RETURN_IF_ERROR(db.Execute(std::string("DELETE FROM ") + table));
  }
  CAIRN_ASSIGN_OR_RETURN(auto insert_figure,
                         db.Prepare("INSERT INTO published_figure (dataset_id, time_period, geographic_level, "
                                    "area_code, breakdown, measure, value, mark) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"));
  AreaMap areas;
  std::vector<DfeNeighbours> neighbours;
  int64_t dataset_id = 0;
  bool any_rows = false;
  for (const FoundFile& found : files) {
    if (found.known == nullptr) {
      report(found.name + ": not a DfE file Cairn reads; ignored");
      continue;
    }
    CAIRN_ASSIGN_OR_RETURN(std::string text, ReadText(found.path, std::nullopt));
    CAIRN_ASSIGN_OR_RETURN(DfeFile file, ReadDfeFile(*found.known, found.name, text));
    text = std::string();  // the rows hold what is needed
    ++summary.files;
    if (found.known->kind == DfeFileKind::kNeighbours) {
      CAIRN_RETURN_IF_ERROR(StoreNeighbours(db, file));
      report(fmt::format("{}: statistical neighbours of {} local authorities", found.name, file.neighbours.size()));
      neighbours.insert(neighbours.end(), std::make_move_iterator(file.neighbours.begin()),
                        std::make_move_iterator(file.neighbours.end()));
      continue;
    }
    CAIRN_RETURN_IF_ERROR(StoreStatistics(db, ++dataset_id, file, *insert_figure));
    const int64_t figures = static_cast<int64_t>(file.rows.size() * file.measures.size());
    summary.figures += figures;
    if (!file.rows.empty()) {
      summary.first_year = any_rows ? std::min(summary.first_year, file.first_year) : file.first_year;
      summary.last_year = any_rows ? std::max(summary.last_year, file.last_year) : file.last_year;
      any_rows = true;
    }
    MergeAreas(file.areas, areas);
    report(fmt::format("{}: {} rows, {} figures{}{}", found.name, file.rows.size(), figures,
                       file.rows.empty()                      ? ""
                       : file.first_year == file.last_year ? fmt::format(", {}", file.first_year)
                                                           : fmt::format(", {} to {}", file.first_year, file.last_year),
                       file.skipped_rows == 0
                           ? ""
                           : fmt::format(" ({} rows at other geographic levels left out)", file.skipped_rows)));
  }
  AddNeighbourFileAreas(neighbours, areas);
  CAIRN_RETURN_IF_ERROR(StoreAreas(db, areas));
  summary.areas = static_cast<int>(areas.size());
  insert_figure.reset();
  CAIRN_RETURN_IF_ERROR(transaction.Commit());
  return summary;
}

Result<Comparison> Compare(store::Connection& db, const indicators::PublishedSource& source, int reporting_year,
                           std::string_view la_code) {
  if (!IsLaCode(la_code)) {
    return Status::InvalidArgument(fmt::format("'{}' is not a DfE LA number (three digits, e.g. 343)", la_code));
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<Dataset> datasets, LoadDatasets(db));
  std::vector<const Dataset*> matching;
  std::optional<Dataset> population;
  for (const Dataset& dataset : datasets) {
    if (dataset.file_name.starts_with(source.file)) matching.push_back(&dataset);
    if (dataset.prefix == kPopulationPrefix) population = dataset;
  }
  if (matching.empty()) {
    return Status::NotFound(fmt::format("no DfE file whose name starts with {} has been imported; download it and run "
                                        "`cairn benchmarks import`",
                                        source.file));
  }
  if (matching.size() > 1) {
    return Status::InvalidArgument(fmt::format("'{}' is the start of more than one imported file ({} and {}); the "
                                               "catalogue must name one",
                                               source.file, matching[0]->file_name, matching[1]->file_name));
  }
  const Dataset& dataset = *matching.front();
  if (std::find(dataset.measures.begin(), dataset.measures.end(), source.column) == dataset.measures.end()) {
    return Status::InvalidArgument(fmt::format("{} has no column of figures called {} (it has {})", dataset.file_name,
                                               source.column, JoinNames(dataset.measures)));
  }
  for (const auto& [column, value] : source.where) {
    if (std::find(dataset.filters.begin(), dataset.filters.end(), column) == dataset.filters.end()) {
      return Status::InvalidArgument(fmt::format("{} has no breakdown column called {} (its breakdowns: {})",
                                                 dataset.file_name, column, JoinNames(dataset.filters)));
    }
  }

  CAIRN_ASSIGN_OR_RETURN(FigureReader reader, FigureReader::Create(db));
  Lookup lookup{source, dataset, std::move(population), std::move(reader), reporting_year + source.year_offset};
  Comparison comparison;
  comparison.time_period = lookup.time_period;
  CAIRN_ASSIGN_OR_RETURN(comparison.council, lookup.Area(kLocalAuthority, la_code));
  CAIRN_ASSIGN_OR_RETURN(comparison.england, lookup.Area(kNational, kEnglandCode));

  CAIRN_ASSIGN_OR_RETURN(auto region, db.Prepare("SELECT region_code, region_name FROM published_area "
                                                 "WHERE geographic_level = $1 AND code = $2"));
  CAIRN_RETURN_IF_ERROR(region->BindAll({std::string(kLocalAuthority), std::string(la_code)}));
  CAIRN_ASSIGN_OR_RETURN(bool has_area, region->Step());
  if (has_area) {
    comparison.region_code = std::string(region->ColumnText(0));
    comparison.region_name = std::string(region->ColumnText(1));
  }
  region.reset();
  comparison.region = Figure{std::nullopt, std::string(kMissing)};
  if (!comparison.region_code.empty()) {
    CAIRN_ASSIGN_OR_RETURN(comparison.region, lookup.Area(kRegional, comparison.region_code));
  }

  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> neighbours, StatisticalNeighbours(db, la_code));
  double sum = 0;
  bool any_withheld = false;
  for (const std::string& neighbour : neighbours) {
    CAIRN_ASSIGN_OR_RETURN(Figure figure, lookup.Area(kLocalAuthority, neighbour));
    if (!figure.value) {
      any_withheld |= !figure.mark.empty() && figure.mark != kMissing;
      continue;
    }
    sum += *figure.value;
    ++comparison.neighbours_counted;
  }
  if (comparison.neighbours_counted > 0) {
    comparison.neighbours = Figure{sum / comparison.neighbours_counted, ""};
  } else {
    // Withheld when some neighbour's figure was; not published when none was (a year the file lacks).
    comparison.neighbours = Figure{std::nullopt, any_withheld ? std::string("c") : std::string(kMissing)};
  }
  return comparison;
}

Result<std::optional<double>> Population(store::Connection& db, std::string_view la_code, int ons_year) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<Dataset> population, FindPopulationDataset(db));
  if (!population) return std::optional<double>();
  CAIRN_ASSIGN_OR_RETURN(FigureReader reader, FigureReader::Create(db));
  CAIRN_ASSIGN_OR_RETURN(Figure figure, reader.Read(*population, kPopulationMeasure, PopulationWhere(), ons_year,
                                                    kLocalAuthority, la_code));
  return figure.value;
}

Result<std::vector<std::string>> StatisticalNeighbours(store::Connection& db, std::string_view la_code) {
  CAIRN_ASSIGN_OR_RETURN(auto select, db.Prepare("SELECT neighbour_code FROM statistical_neighbour WHERE la_code = $1 "
                                                 "ORDER BY neighbour_rank"));
  CAIRN_RETURN_IF_ERROR(select->Bind(1, la_code));
  std::vector<std::string> codes;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    codes.emplace_back(select->ColumnText(0));
  }
  return codes;
}

Result<bool> HasPublished(store::Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(auto select, db.Prepare("SELECT count(*) FROM published_dataset"));
  CAIRN_ASSIGN_OR_RETURN(bool row, select->Step());
  return row && select->ColumnInt(0) > 0;
}

}  // namespace cairn::benchmarks
