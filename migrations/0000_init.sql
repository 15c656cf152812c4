CREATE TABLE `code_locations` (
	`name` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`secret` text NOT NULL,
	`status` text NOT NULL,
	`load_error` text,
	`definitions` text,
	`loaded_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `event_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`seq` integer,
	`type` text NOT NULL,
	`ts` integer NOT NULL,
	`step_key` text,
	`level` text NOT NULL,
	`message` text,
	`data` text,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `event_log_run_attempt_seq_idx` ON `event_log` (`run_id`,`attempt`,`seq`);--> statement-breakpoint
CREATE INDEX `event_log_run_id_id_idx` ON `event_log` (`run_id`,`id`);--> statement-breakpoint
CREATE TABLE `run_tags` (
	`run_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`run_id`, `key`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `run_tags_key_value_run_id_idx` ON `run_tags` (`key`,`value`,`run_id`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`location` text NOT NULL,
	`job` text NOT NULL,
	`status` text NOT NULL,
	`run_config` text NOT NULL,
	`tags` text NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`attempt` integer DEFAULT 1 NOT NULL,
	`parent_run_id` text,
	`root_run_id` text,
	`run_token_hash` text,
	`launch_handle` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`started_at` integer,
	`ended_at` integer
);
--> statement-breakpoint
CREATE INDEX `runs_created_at_id_idx` ON `runs` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_status_created_at_idx` ON `runs` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_job_created_at_idx` ON `runs` (`job`,`created_at`,`id`);