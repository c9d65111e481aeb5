CREATE TABLE `stats_item_daily` (
	`day` text NOT NULL,
	`department_id` text NOT NULL,
	`doctor_id` text NOT NULL,
	`questionnaire_id` text NOT NULL,
	`link_id` text NOT NULL,
	`tags` text NOT NULL,
	`n` integer NOT NULL,
	`sum` real NOT NULL,
	`sum_sq` real NOT NULL,
	PRIMARY KEY(`day`, `department_id`, `doctor_id`, `questionnaire_id`, `link_id`)
);
--> statement-breakpoint
CREATE INDEX `stats_item_daily_department_idx` ON `stats_item_daily` (`department_id`,`day`);--> statement-breakpoint
CREATE TABLE `stats_rollup_days` (
	`day` text PRIMARY KEY NOT NULL,
	`built_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `stats_satisfaction_daily` (
	`day` text NOT NULL,
	`department_id` text NOT NULL,
	`doctor_id` text NOT NULL,
	`questionnaire_id` text NOT NULL,
	`encounter_class` text NOT NULL,
	`responses` integer NOT NULL,
	`sat_n` integer NOT NULL,
	`sat_sum` real NOT NULL,
	`sat_sum_sq` real NOT NULL,
	`satisfied` integer NOT NULL,
	`nps_n` integer NOT NULL,
	`promoters` integer NOT NULL,
	`passives` integer NOT NULL,
	`detractors` integer NOT NULL,
	PRIMARY KEY(`day`, `department_id`, `doctor_id`, `questionnaire_id`, `encounter_class`)
);
--> statement-breakpoint
CREATE INDEX `stats_satisfaction_daily_department_idx` ON `stats_satisfaction_daily` (`department_id`,`day`);--> statement-breakpoint
CREATE INDEX `encounters_start_idx` ON `encounters` (`start_at`);