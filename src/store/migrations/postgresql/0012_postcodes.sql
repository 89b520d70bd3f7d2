-- PostgreSQL's reading of 0012_postcodes.sql: the same table (PostgreSQL has no WITHOUT ROWID;
-- its tables are heaps and the primary key an index beside it).
CREATE TABLE postcode (
  postcode TEXT NOT NULL PRIMARY KEY,
  district TEXT,
  easting INTEGER,
  northing INTEGER
);
