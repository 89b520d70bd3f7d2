-- The DfE's published statistics, as `cairn benchmarks import` last read them, to compare the
-- council with England, its region and its statistical neighbours. Each import replaces every row
-- of these tables. Figures are kept generically (file, period, area, breakdown, column), so a new
-- indicator in data/indicators/catalogue.toml that uses another column or breakdown of a file
-- already imported needs neither code nor a re-import.

-- One row per DfE file imported.
CREATE TABLE published_dataset (
  id INTEGER PRIMARY KEY,                    -- assigned by the import, 1..n
  prefix TEXT NOT NULL UNIQUE,               -- the DfE file Cairn knows it as: 'b1_children_in_need'
  file_name TEXT NOT NULL,                   -- the file read: 'b1_children_in_need_2013_to_2025.csv'
  filters TEXT NOT NULL,                     -- JSON array: the breakdown columns ('["population_type"]')
  measures TEXT NOT NULL,                    -- JSON array: the columns holding figures
  row_count INTEGER NOT NULL,
  imported_at TEXT NOT NULL                  -- UTC, ISO 8601
);

-- One published cell: a column of one row of a DfE file.
CREATE TABLE published_figure (
  dataset_id INTEGER NOT NULL REFERENCES published_dataset(id),
  time_period INTEGER NOT NULL,              -- the file's year: 2025, or 2024 for the 30 Sept 2024 census
  geographic_level TEXT NOT NULL,            -- 'National', 'Regional' or 'Local authority'
  area_code TEXT NOT NULL,                   -- E92000001 (England), a region code, or the 3-digit LA number
  breakdown TEXT NOT NULL,                   -- JSON object, filter column -> value, keys sorted; '{}' if none
  measure TEXT NOT NULL,                     -- the column
  value DOUBLE PRECISION,                    -- NULL when withheld or empty (PostgreSQL's REAL is 4 bytes)
  mark TEXT NOT NULL DEFAULT ''              -- the DfE's symbol when withheld ('c', 'z', 'x', 'u', 'k', 'low', ...)
);
CREATE INDEX published_figure_lookup ON published_figure(dataset_id, measure, time_period, area_code);

-- Every area the files name: England, the regions (including Inner and Outer London) and the local
-- authorities, with each authority's region as its rows (or, failing those, the neighbours file) say.
CREATE TABLE published_area (
  geographic_level TEXT NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  new_code TEXT NOT NULL DEFAULT '',         -- an LA's 9-character ONS code (E08000014)
  region_code TEXT NOT NULL DEFAULT '',
  region_name TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (geographic_level, code)
);

-- The DfE's statistical neighbours: for each LA, its ten closest authorities in rank order.
CREATE TABLE statistical_neighbour (
  la_code TEXT NOT NULL,
  neighbour_rank INTEGER NOT NULL,           -- 1 = closest
  neighbour_code TEXT NOT NULL,
  closeness TEXT NOT NULL DEFAULT '',        -- as published: 'Extremely Close', 'Very Close', ...
  PRIMARY KEY (la_code, neighbour_rank)
);
