CREATE INDEX `appointments_stats_idx` ON `appointments` (`date`,`department_id`,`channel`,`status`,`lead_days`,`start_at`,`cancel_reason`,`doctor_id`);--> statement-breakpoint
CREATE INDEX `consultations_stats_idx` ON `consultations` (`created_at`,`category`,`conversion`);--> statement-breakpoint
CREATE INDEX `feedback_created_idx` ON `feedback` (`created_at`,`kind`,`category`,`department_id`,`resolved_at`,`deadline_at`,`escalated_at`);--> statement-breakpoint
CREATE INDEX `feedback_complaints_idx` ON `feedback` (`kind`,`created_at`);--> statement-breakpoint
CREATE INDEX `feedback_open_complaints_idx` ON `feedback` (`created_at`) WHERE kind = 'complaint' AND resolved_at IS NULL;--> statement-breakpoint
CREATE INDEX `feedback_complaints_resolved_idx` ON `feedback` (`kind`,`resolved_at`);--> statement-breakpoint
CREATE INDEX `followup_enrolments_encounter_idx` ON `followup_enrolments` (`encounter_id`);--> statement-breakpoint
CREATE INDEX `followup_task_attempts_at_idx` ON `followup_task_attempts` (`at`,`task_id`,`outcome`,`staff_id`);--> statement-breakpoint
CREATE INDEX `followup_tasks_due_idx` ON `followup_tasks` (`due_at`,`department_id`,`status`,`closed_at`,`assignee_id`);--> statement-breakpoint
CREATE INDEX `followup_tasks_department_of_idx` ON `followup_tasks` (`id`,`department_id`);--> statement-breakpoint
CREATE INDEX `encounters_discharge_idx` ON `encounters` (`end_at`,`department_id`,`status`,`attending_doctor_id`,`id`) WHERE class = 'inpatient';