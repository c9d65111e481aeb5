CREATE TABLE `appointments` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`slot_id` text NOT NULL,
	`session_id` text NOT NULL,
	`doctor_id` text NOT NULL,
	`department_id` text NOT NULL,
	`date` text NOT NULL,
	`start_at` text NOT NULL,
	`type` text NOT NULL,
	`channel` text NOT NULL,
	`from_reserve` integer NOT NULL,
	`status` text NOT NULL,
	`booked_by` text NOT NULL,
	`created_at` text NOT NULL,
	`lead_days` integer NOT NULL,
	`rescheduled_from_id` text,
	`cancelled_at` text,
	`cancelled_by` text,
	`cancel_reason` text,
	`checked_in_at` text,
	`completed_at` text,
	`no_show_at` text,
	`no_show_reversed_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`slot_id`) REFERENCES `slots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`session_id`) REFERENCES `clinic_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`doctor_id`) REFERENCES `doctor_profiles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `appointments_patient_idx` ON `appointments` (`patient_id`,`start_at`);--> statement-breakpoint
CREATE INDEX `appointments_session_idx` ON `appointments` (`session_id`,`status`);--> statement-breakpoint
CREATE INDEX `appointments_department_idx` ON `appointments` (`department_id`,`date`);--> statement-breakpoint
CREATE INDEX `appointments_status_idx` ON `appointments` (`status`,`start_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `appointments_one_per_doctor_day` ON `appointments` (`patient_id`,`doctor_id`,`date`) WHERE status in ('requested', 'booked', 'checked_in');--> statement-breakpoint
CREATE TABLE `booking_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`phone_hash` text NOT NULL,
	`code_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`used_at` text
);
--> statement-breakpoint
CREATE INDEX `booking_codes_phone_idx` ON `booking_codes` (`phone_hash`,`created_at`);--> statement-breakpoint
CREATE TABLE `booking_departments` (
	`department_id` text PRIMARY KEY NOT NULL,
	`mode` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `booking_visits` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`phone_hash` text NOT NULL,
	`phone` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `clinic_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`doctor_id` text NOT NULL,
	`department_id` text NOT NULL,
	`date` text NOT NULL,
	`half_day` text NOT NULL,
	`start_at` text NOT NULL,
	`end_at` text NOT NULL,
	`status` text NOT NULL,
	`template_id` text,
	`capacity` integer NOT NULL,
	`booked` integer DEFAULT 0 NOT NULL,
	`free_shared` integer NOT NULL,
	`reserved_web` integer NOT NULL,
	`reserved_phone` integer NOT NULL,
	`reserved_desk` integer NOT NULL,
	`reserves_released_at` text,
	`no_shows_marked_at` text,
	`stopped_at` text,
	`stop_reason` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`doctor_id`) REFERENCES `doctor_profiles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`template_id`) REFERENCES `schedule_templates`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `clinic_sessions_doctor_unique` ON `clinic_sessions` (`doctor_id`,`date`,`half_day`);--> statement-breakpoint
CREATE INDEX `clinic_sessions_department_date_idx` ON `clinic_sessions` (`department_id`,`date`);--> statement-breakpoint
CREATE INDEX `clinic_sessions_start_idx` ON `clinic_sessions` (`start_at`);--> statement-breakpoint
CREATE INDEX `clinic_sessions_end_idx` ON `clinic_sessions` (`end_at`);--> statement-breakpoint
CREATE TABLE `doctor_profiles` (
	`id` text PRIMARY KEY NOT NULL,
	`staff_id` text,
	`department_id` text NOT NULL,
	`name` text NOT NULL,
	`title` text NOT NULL,
	`specialty` text,
	`photo_url` text,
	`fee_class` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `doctor_profiles_department_idx` ON `doctor_profiles` (`department_id`);--> statement-breakpoint
CREATE TABLE `schedule_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`doctor_id` text NOT NULL,
	`weekday` integer NOT NULL,
	`half_day` text NOT NULL,
	`start_time` text NOT NULL,
	`end_time` text NOT NULL,
	`slot_minutes` integer NOT NULL,
	`slot_capacity` integer NOT NULL,
	`reserve` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`doctor_id`) REFERENCES `doctor_profiles`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `schedule_templates_doctor_unique` ON `schedule_templates` (`doctor_id`,`weekday`,`half_day`);--> statement-breakpoint
CREATE TABLE `slots` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`start_at` text NOT NULL,
	`end_at` text NOT NULL,
	`capacity` integer NOT NULL,
	`booked` integer DEFAULT 0 NOT NULL,
	`reserved_web` integer NOT NULL,
	`reserved_phone` integer NOT NULL,
	`reserved_desk` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `clinic_sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `slots_session_idx` ON `slots` (`session_id`,`start_at`);--> statement-breakpoint
CREATE TABLE `waitlist_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`doctor_id` text NOT NULL,
	`date` text NOT NULL,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`offered_slot_id` text,
	`offer_channel` text,
	`offer_from_reserve` integer,
	`offer_token_hash` text,
	`offered_at` text,
	`offer_expires_at` text,
	`appointment_id` text,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`doctor_id`) REFERENCES `doctor_profiles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`offered_slot_id`) REFERENCES `slots`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `waitlist_doctor_day_idx` ON `waitlist_entries` (`doctor_id`,`date`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `waitlist_offer_idx` ON `waitlist_entries` (`status`,`offer_expires_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `waitlist_token_unique` ON `waitlist_entries` (`offer_token_hash`);