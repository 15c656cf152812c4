CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ts` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_ts_idx` ON `audit_log` (`ts`);--> statement-breakpoint
CREATE TABLE `instance_overrides` (
	`id` integer PRIMARY KEY NOT NULL,
	`overrides` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `run_keys` (
	`kind` text NOT NULL,
	`location` text NOT NULL,
	`name` text NOT NULL,
	`run_key` text NOT NULL,
	`run_id` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`kind`, `location`, `name`, `run_key`)
);
--> statement-breakpoint
CREATE TABLE `run_retries` (
	`failed_run_id` text PRIMARY KEY NOT NULL,
	`decision` text NOT NULL,
	`retry_run_id` text,
	`reason` text,
	`decided_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `run_retries_retry_run_id_idx` ON `run_retries` (`retry_run_id`);--> statement-breakpoint
CREATE TABLE `schedule_state` (
	`location` text NOT NULL,
	`name` text NOT NULL,
	`status` text,
	`cursor` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`location`, `name`)
);
--> statement-breakpoint
CREATE TABLE `schedule_ticks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`location` text NOT NULL,
	`name` text NOT NULL,
	`scheduled_time` integer NOT NULL,
	`status` text NOT NULL,
	`run_ids` text NOT NULL,
	`skip_reason` text,
	`error` text,
	`started_at` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `schedule_ticks_location_name_time_idx` ON `schedule_ticks` (`location`,`name`,`scheduled_time`);--> statement-breakpoint
CREATE TABLE `sensor_state` (
	`location` text NOT NULL,
	`name` text NOT NULL,
	`status` text,
	`cursor` text,
	`last_tick_at` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`location`, `name`)
);
--> statement-breakpoint
CREATE TABLE `sensor_ticks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`location` text NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`run_ids` text NOT NULL,
	`skip_reason` text,
	`error` text,
	`cursor` text,
	`started_at` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE INDEX `sensor_ticks_location_name_id_idx` ON `sensor_ticks` (`location`,`name`,`id`);--> statement-breakpoint
CREATE TABLE `run_reexecutions` (
	`run_id` text PRIMARY KEY NOT NULL,
	`parent_run_id` text NOT NULL,
	`strategy` text NOT NULL,
	`step_keys` text NOT NULL,
	`created_at` integer NOT NULL
);
