-- The ONS Postcode Directory as `cairn postcodes import` loads it: each postcode (upper case, no
-- spaces, as the DfE's SSDA903 validator compares them), the local authority district it lies in
-- and its OS grid reference in metres (NULL where the ONS gives none). Validating the record
-- reads the postcodes its returns name, to derive each placement's authority and distance.
-- An import replaces every row. WITHOUT ROWID: the 2.7 million rows are found by postcode only,
-- so the table is its primary key's b-tree (about half the file of a table and an index).
CREATE TABLE postcode (
  postcode TEXT NOT NULL PRIMARY KEY,
  district TEXT,
  easting INTEGER,
  northing INTEGER
) WITHOUT ROWID;
