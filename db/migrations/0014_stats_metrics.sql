CREATE INDEX `appointments_stats_idx` ON `appointments` (`date`,`department_id`,`channel`,`status`,`lead_days`,`start_at`,`cancel_reason`,`doctor_id`);--> statement-breakpoint
CREATE INDEX `consultations_stats_idx` ON `consultations` (`created_at`,`category`,`conversion`);--> statement-breakpoint
CREATE INDEX `feedback_created_idx` ON `feedback` (`created_at`);--> statement-breakpoint
CREATE INDEX `feedback_complaints_idx` ON `feedback` (`kind`,`created_at`);--> statement-breakpoint
CREATE INDEX `followup_enrolments_encounter_idx` ON `followup_enrolments` (`encounter_id`);--> statement-breakpoint
CREATE INDEX `followup_task_attempts_at_idx` ON `followup_task_attempts` (`at`);--> statement-breakpoint
CREATE INDEX `followup_tasks_due_idx` ON `followup_tasks` (`due_at`);--> statement-breakpoint
CREATE INDEX `encounters_discharge_idx` ON `encounters` (`end_at`) WHERE class = 'inpatient';