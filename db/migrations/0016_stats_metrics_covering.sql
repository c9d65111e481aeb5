DROP INDEX `feedback_created_idx`;--> statement-breakpoint
CREATE INDEX `feedback_created_idx` ON `feedback` (`created_at`,`kind`,`category`,`department_id`,`resolved_at`,`deadline_at`,`escalated_at`);--> statement-breakpoint
DROP INDEX `followup_task_attempts_at_idx`;--> statement-breakpoint
CREATE INDEX `followup_task_attempts_at_idx` ON `followup_task_attempts` (`at`,`task_id`,`outcome`,`staff_id`);--> statement-breakpoint
DROP INDEX `followup_tasks_due_idx`;--> statement-breakpoint
CREATE INDEX `followup_tasks_due_idx` ON `followup_tasks` (`due_at`,`department_id`,`status`,`closed_at`,`assignee_id`);--> statement-breakpoint
DROP INDEX `encounters_discharge_idx`;--> statement-breakpoint
CREATE INDEX `encounters_discharge_idx` ON `encounters` (`end_at`,`department_id`,`status`,`attending_doctor_id`) WHERE class = 'inpatient';