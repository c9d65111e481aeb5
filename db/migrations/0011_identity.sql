CREATE TABLE `identity_decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text,
	`source` text NOT NULL,
	`record_key` text,
	`decision` text NOT NULL,
	`method` text NOT NULL,
	`patient_id` text NOT NULL,
	`candidate_patient_id` text,
	`score` real,
	`explanation` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `identity_decisions_patient_idx` ON `identity_decisions` (`patient_id`,`id`);--> statement-breakpoint
CREATE INDEX `identity_decisions_run_idx` ON `identity_decisions` (`run_id`);--> statement-breakpoint
CREATE TABLE `identity_index_changes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`patient_id` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `identity_reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`decision_id` text NOT NULL,
	`patient_id` text NOT NULL,
	`candidate_patient_id` text NOT NULL,
	`score` real,
	`source` text NOT NULL,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`decided_at` text,
	`decided_by` text,
	`note` text,
	`merge_id` text,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`decision_id`) REFERENCES `identity_decisions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`candidate_patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `identity_reviews_status_idx` ON `identity_reviews` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `identity_reviews_patient_idx` ON `identity_reviews` (`patient_id`);--> statement-breakpoint
CREATE INDEX `identity_reviews_candidate_idx` ON `identity_reviews` (`candidate_patient_id`);--> statement-breakpoint
CREATE TABLE `patient_merges` (
	`id` text PRIMARY KEY NOT NULL,
	`survivor_id` text NOT NULL,
	`merged_id` text NOT NULL,
	`origin` text NOT NULL,
	`status` text NOT NULL,
	`moved` text NOT NULL,
	`reason` text,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`undone_at` text,
	`undone_by` text,
	FOREIGN KEY (`survivor_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`merged_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `patient_merges_merged_idx` ON `patient_merges` (`merged_id`,`status`);--> statement-breakpoint
CREATE INDEX `patient_merges_survivor_idx` ON `patient_merges` (`survivor_id`);