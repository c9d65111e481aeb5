-- Days rolled up before the diagnosis rollup existed have no diagnosis rows: forget them, so every day is read live
-- (exact) until the nightly job (or npm run stats:rebuild) rolls them up again with diagnoses.
DELETE FROM `stats_rollup_days`;
