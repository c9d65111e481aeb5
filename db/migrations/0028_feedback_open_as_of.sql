DROP INDEX `feedback_complaints_resolved_idx`;--> statement-breakpoint
CREATE INDEX `feedback_complaints_open_as_of_idx` ON `feedback` (`kind`,`resolved_at`,`created_at`,`patient_id`,`department_id`);