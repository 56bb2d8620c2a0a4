CREATE TABLE `community_directory` (
	`community_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`description` text NOT NULL,
	`published_at` integer NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `community_directory_name_idx` ON `community_directory` (`name_key`);--> statement-breakpoint
CREATE TABLE `community_invites` (
	`id` text PRIMARY KEY NOT NULL,
	`community_id` text NOT NULL,
	`created_by` text,
	`proof_hash` blob NOT NULL,
	`sealed_key` blob NOT NULL,
	`epoch` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`max_uses` integer NOT NULL,
	`uses` integer DEFAULT 0 NOT NULL,
	`revoked` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `community_invites_community_idx` ON `community_invites` (`community_id`);--> statement-breakpoint
CREATE TABLE `community_roles` (
	`community_id` text NOT NULL,
	`account_id` text NOT NULL,
	`role` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`community_id`, `account_id`),
	FOREIGN KEY (`community_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `community_roles_account_idx` ON `community_roles` (`account_id`);--> statement-breakpoint
CREATE TABLE `community_threads` (
	`thread_id` text PRIMARY KEY NOT NULL,
	`community_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`thread_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`community_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `community_threads_community_idx` ON `community_threads` (`community_id`);