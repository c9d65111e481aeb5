ALTER TABLE `staff_notices` ADD `attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `staff_notices` ADD `due_at` text;--> statement-breakpoint
ALTER TABLE `staff_notices` ADD `sent_to` text;--> statement-breakpoint
ALTER TABLE `staff_notices` ADD `provider` text;--> statement-breakpoint
ALTER TABLE `staff_notices` ADD `provider_id` text;--> statement-breakpoint
ALTER TABLE `staff_notices` ADD `last_error` text;--> statement-breakpoint
ALTER TABLE `staff_notices` ADD `sent_at` text;--> statement-breakpoint
CREATE INDEX `staff_notices_due_idx` ON `staff_notices` (`status`,`due_at`);--> statement-breakpoint
ALTER TABLE `staff` ADD `email` text;