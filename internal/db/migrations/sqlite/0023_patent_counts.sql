-- Patent rollups (package patent): the statistics' counts kept exact by
-- every write that moves them, in the same transaction (Create, SetStatus,
-- Link, Import), and recounted from the patents by RebuildRollups.
--
-- measure is 'applied' (counted in the month of the application date),
-- 'granted' (the month of the grant date, whatever the status now) or
-- 'valid_invention' (invention patents in force — granted or valid — in the
-- month of their grant date). month is year*100+month, e.g. 202605.
-- enterprise_id is 0 for a patent not linked to an enterprise; every patent
-- also counts once more under enterprise_id -1, all enterprises and none,
-- so that a district's totals read a few rows per month rather than one
-- per enterprise. Rows whose count fell to 0 may stay.
--
-- The key leads with the enterprise (a district's totals: -1; an
-- enterprise's own figures); the second index serves the lines by
-- enterprise and industry of a period, and holds n so it is read alone.
CREATE TABLE patent_counts (
    measure       TEXT NOT NULL CHECK (measure IN ('applied', 'granted', 'valid_invention')),
    month         INTEGER NOT NULL,
    region_code   TEXT NOT NULL,
    enterprise_id INTEGER NOT NULL DEFAULT 0,
    type          TEXT NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (measure, enterprise_id, month, region_code, type)
);
CREATE INDEX patent_counts_month ON patent_counts (measure, month, region_code, enterprise_id, type, n);

-- The counts of the patents already on file.
INSERT INTO patent_counts (measure, month, region_code, enterprise_id, type, n)
SELECT measure, month, region_code, enterprise_id, type, COUNT(*) FROM (
    SELECT 'applied' AS measure, CAST(substr(application_date, 1, 4) || substr(application_date, 6, 2) AS INTEGER) AS month, region_code, COALESCE(enterprise_id, 0) AS enterprise_id, type
    FROM patents
    UNION ALL
    SELECT 'granted', CAST(substr(grant_date, 1, 4) || substr(grant_date, 6, 2) AS INTEGER), region_code, COALESCE(enterprise_id, 0), type
    FROM patents WHERE grant_date IS NOT NULL
    UNION ALL
    SELECT 'valid_invention', CAST(substr(grant_date, 1, 4) || substr(grant_date, 6, 2) AS INTEGER), region_code, COALESCE(enterprise_id, 0), type
    FROM patents WHERE grant_date IS NOT NULL AND type = 'invention' AND status IN ('granted', 'valid')
) c
GROUP BY measure, month, region_code, enterprise_id, type;
INSERT INTO patent_counts (measure, month, region_code, enterprise_id, type, n)
SELECT measure, month, region_code, -1, type, SUM(n) FROM patent_counts GROUP BY measure, month, region_code, type;
