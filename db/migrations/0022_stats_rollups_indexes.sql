DROP INDEX `feedback_complaints_idx`;--> statement-breakpoint
CREATE INDEX `feedback_complaints_idx` ON `feedback` (`kind`,`created_at`,`resolved_at`,`patient_id`,`department_id`);--> statement-breakpoint
CREATE INDEX `followup_tasks_department_due_idx` ON `followup_tasks` (`department_id`,`due_at`,`status`,`closed_at`,`assignee_id`);