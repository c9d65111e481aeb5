CREATE TABLE `import_quarantine` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`format` text NOT NULL,
	`source` text NOT NULL,
	`mapping` text,
	`context` text,
	`position` text NOT NULL,
	`record_key` text,
	`raw` text NOT NULL,
	`code` text NOT NULL,
	`reason` text NOT NULL,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`resolved_at` text,
	`resolved_by` text
);
--> statement-breakpoint
CREATE INDEX `import_quarantine_status_idx` ON `import_quarantine` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `import_quarantine_source_idx` ON `import_quarantine` (`source`,`id`);--> statement-breakpoint
CREATE TABLE `import_receipts` (
	`source` text NOT NULL,
	`key` text NOT NULL,
	`run_id` text NOT NULL,
	`patient_id` text,
	`received_at` text NOT NULL,
	PRIMARY KEY(`source`, `key`)
);
--> statement-breakpoint
CREATE TABLE `import_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`format` text NOT NULL,
	`source` text NOT NULL,
	`channel` text NOT NULL,
	`actor_id` text NOT NULL,
	`started_at` text NOT NULL,
	`duration_ms` integer DEFAULT 0 NOT NULL,
	`received` integer DEFAULT 0 NOT NULL,
	`created` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`unchanged` integer DEFAULT 0 NOT NULL,
	`linked` integer DEFAULT 0 NOT NULL,
	`review` integer DEFAULT 0 NOT NULL,
	`quarantined` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `import_runs_started_idx` ON `import_runs` (`started_at`);--> statement-breakpoint
CREATE TABLE `imported_observations` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`source_system` text NOT NULL,
	`source_id` text NOT NULL,
	`code` text,
	`text` text NOT NULL,
	`value` text,
	`unit` text,
	`reference_range` text,
	`flag` text,
	`observed_at` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `imported_observations_patient_idx` ON `imported_observations` (`patient_id`,`observed_at`);--> statement-breakpoint
CREATE INDEX `imported_observations_source_idx` ON `imported_observations` (`source_system`,`source_id`);--> statement-breakpoint
CREATE TABLE `patient_field_sources` (
	`patient_id` text NOT NULL,
	`field` text NOT NULL,
	`source` text NOT NULL,
	`asserted_at` text NOT NULL,
	PRIMARY KEY(`patient_id`, `field`),
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
