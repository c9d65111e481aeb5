ALTER TABLE `consultations` ADD `reply_status` text;--> statement-breakpoint
ALTER TABLE `consultations` ADD `reply_attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `consultations` ADD `reply_due_at` text;--> statement-breakpoint
ALTER TABLE `consultations` ADD `reply_error` text;--> statement-breakpoint
ALTER TABLE `consultations` ADD `reply_provider_id` text;--> statement-breakpoint
ALTER TABLE `consultations` ADD `reply_sent_at` text;--> statement-breakpoint
CREATE INDEX `consultations_reply_idx` ON `consultations` (`reply_status`,`reply_due_at`);