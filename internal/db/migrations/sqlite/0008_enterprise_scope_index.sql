-- A covering index for the scoped count of the enterprise list: the count
-- reads region codes and statuses from the index alone instead of every row.
CREATE INDEX enterprises_scope ON enterprises (region_code, status, name);
