-- Every `cairn due`, `drift` and `indicators` call and every server start loads every child's
-- chronology. Read from the event rows that means parsing half a million rows for a council of
-- 55,000; chronology_image keeps each child's events as one compact value (store/chronology_image.h)
-- so that a load reads one row a child.
--
-- The rows stay the record: an image is a copy that is used only while it is known to be current.
-- It holds the record generation it was made at, and is used only when no change naming the child
-- (child_change) came after that generation. The chronology writer removes the image of a child it
-- changes and writes a new one before it finishes; a child without a current image is read from
-- its rows. `cairn copy` does not copy images; the target makes its own.
CREATE TABLE chronology_image (
  child_id INTEGER NOT NULL PRIMARY KEY REFERENCES child(id),
  generation INTEGER NOT NULL,
  image BLOB NOT NULL
);

-- The latest change to each child, which decides whether its image is current.
CREATE INDEX child_change_by_child ON child_change (child_id, generation);
