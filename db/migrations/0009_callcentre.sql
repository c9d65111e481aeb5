CREATE TABLE `consultations` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`category` text NOT NULL,
	`question` text NOT NULL,
	`answer` text,
	`automatic` integer DEFAULT false NOT NULL,
	`article_version_id` text,
	`status` text NOT NULL,
	`agent_id` text,
	`duration_seconds` integer,
	`patient_id` text,
	`phone` text,
	`email` text,
	`reply_channel` text,
	`reply_message_id` text,
	`source_message_id` text,
	`callback_due_at` text,
	`callback_reason` text,
	`callback_done_at` text,
	`callback_outcome` text,
	`callback_note` text,
	`conversion` text NOT NULL,
	`conversion_checked_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`article_version_id`) REFERENCES `knowledge_articles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consultations_patient_idx` ON `consultations` (`patient_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `consultations_conversion_idx` ON `consultations` (`conversion`,`created_at`);--> statement-breakpoint
CREATE INDEX `consultations_callback_idx` ON `consultations` (`callback_done_at`,`callback_due_at`);--> statement-breakpoint
CREATE INDEX `consultations_status_idx` ON `consultations` (`status`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `consultations_source_message_unique` ON `consultations` (`source_message_id`);--> statement-breakpoint
CREATE TABLE `knowledge_articles` (
	`id` text PRIMARY KEY NOT NULL,
	`article_id` text NOT NULL,
	`version` integer NOT NULL,
	`category` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`keywords` text NOT NULL,
	`current` integer NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `knowledge_articles_version_unique` ON `knowledge_articles` (`article_id`,`version`);--> statement-breakpoint
CREATE INDEX `knowledge_articles_current_idx` ON `knowledge_articles` (`current`,`category`);--> statement-breakpoint
CREATE TABLE `public_form_hits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`form` text NOT NULL,
	`ip` text NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `public_form_hits_idx` ON `public_form_hits` (`form`,`ip`,`at`);--> statement-breakpoint
CREATE TABLE `call_recordings` (
	`id` text PRIMARY KEY NOT NULL,
	`contact_id` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`media_type` text NOT NULL,
	`file` text NOT NULL,
	`uploaded_at` text NOT NULL,
	`uploaded_by` text NOT NULL,
	`retain_until` text NOT NULL,
	`deleted_at` text,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `call_recordings_contact_idx` ON `call_recordings` (`contact_id`);--> statement-breakpoint
CREATE INDEX `call_recordings_retention_idx` ON `call_recordings` (`deleted_at`,`retain_until`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`kind` text NOT NULL,
	`staff_id` text NOT NULL,
	`at` text NOT NULL,
	`duration_seconds` integer,
	`address` text,
	`outcome` text NOT NULL,
	`next_action` text,
	`summary` text,
	`consultation_id` text,
	`feedback_id` text,
	`quality_score` integer,
	`quality_note` text,
	`reviewed_by` text,
	`reviewed_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `contacts_patient_idx` ON `contacts` (`patient_id`,`at`,`id`);--> statement-breakpoint
CREATE INDEX `contacts_staff_idx` ON `contacts` (`staff_id`,`at`,`id`);--> statement-breakpoint
CREATE INDEX `contacts_at_idx` ON `contacts` (`at`,`id`);--> statement-breakpoint
CREATE TABLE `invalid_contact_points` (
	`patient_id` text NOT NULL,
	`address` text NOT NULL,
	`contact_id` text NOT NULL,
	`flagged_at` text NOT NULL,
	PRIMARY KEY(`patient_id`, `address`),
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `feedback` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`source` text NOT NULL,
	`patient_id` text,
	`anonymous` integer DEFAULT false NOT NULL,
	`contact_name` text,
	`contact_phone` text,
	`contact_email` text,
	`category` text NOT NULL,
	`department_id` text,
	`doctor_name` text,
	`severity` text NOT NULL,
	`text` text NOT NULL,
	`status` text NOT NULL,
	`responsible_id` text,
	`assignee_id` text,
	`assignee_group` text,
	`rule_id` text,
	`deadline_at` text,
	`escalation_level` integer DEFAULT 0 NOT NULL,
	`escalated_at` text,
	`resolution` text,
	`resolved_at` text,
	`closed_at` text,
	`closed_by` text,
	`reopen_count` integer DEFAULT 0 NOT NULL,
	`followup_event_id` text,
	`satisfaction` real,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`responsible_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignee_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `feedback_department_inbox_idx` ON `feedback` (`department_id`,`status`,`deadline_at`);--> statement-breakpoint
CREATE INDEX `feedback_status_deadline_idx` ON `feedback` (`status`,`deadline_at`);--> statement-breakpoint
CREATE INDEX `feedback_patient_idx` ON `feedback` (`patient_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `feedback_followup_event_unique` ON `feedback` (`followup_event_id`);--> statement-breakpoint
CREATE TABLE `feedback_log` (
	`id` text PRIMARY KEY NOT NULL,
	`feedback_id` text NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`level` integer,
	`to_staff_id` text,
	`note` text,
	FOREIGN KEY (`feedback_id`) REFERENCES `feedback`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `feedback_log_feedback_idx` ON `feedback_log` (`feedback_id`,`at`);--> statement-breakpoint
CREATE INDEX `feedback_log_action_idx` ON `feedback_log` (`action`,`at`);--> statement-breakpoint
CREATE TABLE `feedback_routing_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text,
	`category` text,
	`department_id` text,
	`severity` text,
	`assignee_id` text,
	`assignee_group` text,
	`deadline_hours` integer NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignee_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `staff_notices` (
	`id` text PRIMARY KEY NOT NULL,
	`staff_id` text NOT NULL,
	`feedback_id` text,
	`channel` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`feedback_id`) REFERENCES `feedback`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `staff_notices_staff_idx` ON `staff_notices` (`staff_id`,`created_at`);