ALTER TABLE `runs` ADD `agent_id` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `agent_host` text;