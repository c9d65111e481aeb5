CREATE TABLE `audit_log` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`at` text NOT NULL,
	`actor_kind` text NOT NULL,
	`actor_id` text NOT NULL,
	`actor_role` text,
	`action` text NOT NULL,
	`patient_id` text,
	`entity_type` text NOT NULL,
	`entity_id` text,
	`ip` text,
	`request_id` text NOT NULL,
	`reason` text,
	`detail` text,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_log_id_unique` ON `audit_log` (`id`);--> statement-breakpoint
CREATE INDEX `audit_patient_idx` ON `audit_log` (`patient_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_actor_idx` ON `audit_log` (`actor_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`actor_id` text NOT NULL,
	`key` text NOT NULL,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer,
	`content_type` text,
	`body` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`actor_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `departments` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `departments_code_unique` ON `departments` (`code`);--> statement-breakpoint
CREATE TABLE `login_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`ip` text,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `login_failures_username_idx` ON `login_failures` (`username`,`at`);--> statement-breakpoint
CREATE INDEX `login_failures_ip_idx` ON `login_failures` (`ip`,`at`);--> statement-breakpoint
CREATE TABLE `staff` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`department_id` text,
	`password_hash` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`failed_logins` integer DEFAULT 0 NOT NULL,
	`locked_until` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_username_unique` ON `staff` (lower("username"));--> statement-breakpoint
CREATE INDEX `staff_department_idx` ON `staff` (`department_id`);--> statement-breakpoint
CREATE TABLE `staff_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`staff_id` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	`revoked_at` text,
	`ip` text,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_sessions_token_hash_unique` ON `staff_sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `staff_sessions_staff_idx` ON `staff_sessions` (`staff_id`);--> statement-breakpoint
CREATE TABLE `allergies` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`substance` text NOT NULL,
	`reaction` text,
	`severity` text,
	`recorded_at` text NOT NULL,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `allergies_patient_idx` ON `allergies` (`patient_id`);--> statement-breakpoint
CREATE TABLE `diagnoses` (
	`id` text PRIMARY KEY NOT NULL,
	`encounter_id` text NOT NULL,
	`patient_id` text NOT NULL,
	`code` text NOT NULL,
	`text` text NOT NULL,
	`is_primary` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`encounter_id`) REFERENCES `encounters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `diagnoses_patient_idx` ON `diagnoses` (`patient_id`);--> statement-breakpoint
CREATE INDEX `diagnoses_code_idx` ON `diagnoses` (`code`,`patient_id`);--> statement-breakpoint
CREATE INDEX `diagnoses_encounter_idx` ON `diagnoses` (`encounter_id`);--> statement-breakpoint
CREATE TABLE `encounters` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`class` text NOT NULL,
	`status` text NOT NULL,
	`department_id` text,
	`attending_doctor_id` text,
	`attending_doctor_name` text,
	`start_at` text NOT NULL,
	`end_at` text,
	`charges_cents` integer DEFAULT 0 NOT NULL,
	`summary` text,
	`source_system` text,
	`source_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`attending_doctor_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `encounters_patient_idx` ON `encounters` (`patient_id`,`start_at`);--> statement-breakpoint
CREATE INDEX `encounters_department_patient_idx` ON `encounters` (`department_id`,`patient_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `encounters_source_unique` ON `encounters` (`source_system`,`source_id`);--> statement-breakpoint
CREATE TABLE `patient_consents` (
	`patient_id` text NOT NULL,
	`channel` text NOT NULL,
	`purpose` text NOT NULL,
	`granted` integer NOT NULL,
	`recorded_at` text NOT NULL,
	`method` text NOT NULL,
	`recorded_by` text NOT NULL,
	PRIMARY KEY(`patient_id`, `channel`, `purpose`),
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `patient_identifiers` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`system` text NOT NULL,
	`value` text NOT NULL,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `patient_identifiers_system_value` ON `patient_identifiers` (`system`,`value`);--> statement-breakpoint
CREATE INDEX `patient_identifiers_value_idx` ON `patient_identifiers` (`value`);--> statement-breakpoint
CREATE INDEX `patient_identifiers_patient_idx` ON `patient_identifiers` (`patient_id`);--> statement-breakpoint
CREATE TABLE `patient_search_keys` (
	`key` text NOT NULL,
	`patient_id` text NOT NULL,
	PRIMARY KEY(`key`, `patient_id`),
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `patient_search_keys_patient_idx` ON `patient_search_keys` (`patient_id`);--> statement-breakpoint
CREATE TABLE `patient_tags` (
	`patient_id` text NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`patient_id`, `tag`),
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `patient_tags_tag_idx` ON `patient_tags` (`tag`,`patient_id`);--> statement-breakpoint
CREATE TABLE `patients` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_pinyin` text NOT NULL,
	`name_initials` text NOT NULL,
	`gender` text NOT NULL,
	`birth_date` text,
	`resident_id_sealed` text,
	`resident_id_hash` text,
	`phone` text,
	`phone_last4` text,
	`email` text,
	`province` text,
	`city` text,
	`district` text,
	`address_detail` text,
	`occupation` text,
	`employer` text,
	`source` text,
	`emergency_contacts` text NOT NULL,
	`preferred_language` text DEFAULT 'zh-CN' NOT NULL,
	`preferred_channel` text DEFAULT 'sms' NOT NULL,
	`past_history` text,
	`family_history` text,
	`tags` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`deactivated_at` text,
	`deactivation_reason` text,
	`last_visit_at` text,
	`visit_count` integer DEFAULT 0 NOT NULL,
	`total_spend_cents` integer DEFAULT 0 NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `patients_phone_idx` ON `patients` (`phone`);--> statement-breakpoint
CREATE INDEX `patients_phone_last4_idx` ON `patients` (`phone_last4`,`id`);--> statement-breakpoint
CREATE INDEX `patients_resident_id_idx` ON `patients` (`resident_id_hash`);--> statement-breakpoint
CREATE TABLE `procedures` (
	`id` text PRIMARY KEY NOT NULL,
	`encounter_id` text NOT NULL,
	`patient_id` text NOT NULL,
	`code` text,
	`text` text NOT NULL,
	`performed_at` text,
	FOREIGN KEY (`encounter_id`) REFERENCES `encounters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `procedures_patient_idx` ON `procedures` (`patient_id`);--> statement-breakpoint
CREATE INDEX `procedures_encounter_idx` ON `procedures` (`encounter_id`);