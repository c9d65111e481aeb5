CREATE TABLE `inbound_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`provider_id` text NOT NULL,
	`from_phone` text NOT NULL,
	`body` text NOT NULL,
	`patient_id` text,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`received_at` text NOT NULL,
	`reviewed_by` text,
	`reviewed_at` text,
	`resolution` text,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_messages_provider_id` ON `inbound_messages` (`provider_id`);--> statement-breakpoint
CREATE INDEX `inbound_messages_status_idx` ON `inbound_messages` (`status`,`received_at`);--> statement-breakpoint
CREATE TABLE `message_senders` (
	`sender` text PRIMARY KEY NOT NULL,
	`tokens` real NOT NULL,
	`refilled_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`dedupe_key` text NOT NULL,
	`patient_id` text NOT NULL,
	`purpose` text NOT NULL,
	`category` text NOT NULL,
	`channel` text NOT NULL,
	`template` text NOT NULL,
	`locale` text NOT NULL,
	`recipient` text,
	`subject_line` text,
	`body` text NOT NULL,
	`segments` integer DEFAULT 1 NOT NULL,
	`about_type` text,
	`about_id` text,
	`urgent` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`scheduled_at` text NOT NULL,
	`due_at` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`lease_until` text,
	`lease_owner` text,
	`provider` text,
	`provider_id` text,
	`error_code` text,
	`error` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`sent_at` text,
	`delivered_at` text,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_dedupe_key` ON `messages` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `messages_due_idx` ON `messages` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `messages_patient_idx` ON `messages` (`patient_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `messages_provider_idx` ON `messages` (`provider_id`);--> statement-breakpoint
CREATE INDEX `messages_about_idx` ON `messages` (`about_type`,`about_id`);--> statement-breakpoint
CREATE TABLE `webhook_receipts` (
	`token` text PRIMARY KEY NOT NULL,
	`received_at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `patients` ADD `deceased_at` text;--> statement-breakpoint
ALTER TABLE `patients` ADD `merged_into_id` text;