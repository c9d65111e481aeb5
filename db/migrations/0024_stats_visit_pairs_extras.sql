-- Days rolled up before the visit-pairs rollup existed have no pairs: forget them, so every day is read live (exact)
-- until the nightly job (or npm run stats:rebuild) rolls them up again with their pairs.
DELETE FROM `stats_rollup_days`;
