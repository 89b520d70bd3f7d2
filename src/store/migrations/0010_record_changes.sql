-- Several `cairn serve` processes may share one database, each keeping the council's chronologies
-- in memory. Every change to a child's record moves record_generation.n on and leaves a row in
-- child_change naming the child, or naming none (child_id NULL) when many children changed at once
-- (an import, the simulator, the workforce): each server reads the one number per request and, when
-- it has moved, reloads the children named since the generation it last saw, or the whole council.
-- The changing transaction holds the counter's row until it commits, so generations are handed out
-- in the order the changes commit: a server that has seen generation n has seen every change up to n.
CREATE TABLE record_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n INTEGER NOT NULL
);
INSERT INTO record_generation (id, n) VALUES (1, 0);

CREATE TABLE child_change (
  generation INTEGER NOT NULL,
  child_id INTEGER REFERENCES child(id)  -- NULL: many children changed; reload them all
);
CREATE INDEX child_change_by_generation ON child_change (generation);
