CREATE TABLE `stats_item_monthly` (
	`month` text NOT NULL,
	`department_id` text NOT NULL,
	`doctor_id` text NOT NULL,
	`questionnaire_id` text NOT NULL,
	`link_id` text NOT NULL,
	`tags` text NOT NULL,
	`n` integer NOT NULL,
	`sum` real NOT NULL,
	`sum_sq` real NOT NULL,
	PRIMARY KEY(`month`, `department_id`, `doctor_id`, `questionnaire_id`, `link_id`)
);
--> statement-breakpoint
CREATE TABLE `stats_satisfaction_monthly` (
	`month` text NOT NULL,
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
	PRIMARY KEY(`month`, `department_id`, `doctor_id`, `questionnaire_id`, `encounter_class`)
);
