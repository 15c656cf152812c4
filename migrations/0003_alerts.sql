CREATE TABLE `alert_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`policy_id` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`event` text NOT NULL,
	`summary` text NOT NULL,
	`run_id` text,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`response_code` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`policy_id`) REFERENCES `alert_policies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_deliveries_policy_key_idx` ON `alert_deliveries` (`policy_id`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `alert_deliveries_policy_created_idx` ON `alert_deliveries` (`policy_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `alert_policies` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`enabled` integer NOT NULL,
	`events` text NOT NULL,
	`skip_if_will_retry` integer NOT NULL,
	`long_running_minutes` real,
	`long_queued_minutes` real,
	`filters` text NOT NULL,
	`destination` text NOT NULL,
	`secret` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_policies_name_idx` ON `alert_policies` (`name`);