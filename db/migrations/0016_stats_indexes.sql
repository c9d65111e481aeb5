DROP INDEX `encounters_patient_idx`;--> statement-breakpoint
DROP INDEX `encounters_start_idx`;--> statement-breakpoint
CREATE INDEX `encounters_patient_idx` ON `encounters` (`patient_id`,`start_at`,`status`);--> statement-breakpoint
CREATE INDEX `encounters_start_idx` ON `encounters` (`start_at`,`status`,`patient_id`,`department_id`);--> statement-breakpoint
CREATE INDEX `patients_created_idx` ON `patients` (`created_at`);--> statement-breakpoint
CREATE INDEX `messages_created_idx` ON `messages` (`created_at`,`channel`,`purpose`,`status`);