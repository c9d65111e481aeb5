-- Notices written before staff had e-mail (status queued, no due time) would otherwise all be e-mailed at once on
-- the job's first run, weeks late: they stay on record as not sent, with the reason.
UPDATE `staff_notices` SET `status` = 'failed', `last_error` = 'recorded before notices were e-mailed' WHERE `status` = 'queued' AND `due_at` IS NULL;
