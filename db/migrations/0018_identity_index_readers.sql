CREATE TABLE `identity_index_readers` (
	`reader_id` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`seen_at` text NOT NULL
);
