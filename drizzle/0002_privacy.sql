CREATE TABLE `accepted_contacts` (
	`account_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`accepted_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `contact_id`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`contact_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `accepted_contacts_contact_idx` ON `accepted_contacts` (`contact_id`);--> statement-breakpoint
CREATE TABLE `blocks` (
	`blocker_id` text NOT NULL,
	`blocked_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`blocker_id`, `blocked_id`),
	FOREIGN KEY (`blocker_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`blocked_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `blocks_blocked_idx` ON `blocks` (`blocked_id`);--> statement-breakpoint
CREATE TABLE `declined_requests` (
	`doc_id` text NOT NULL,
	`account_id` text NOT NULL,
	`added_by` text,
	`joined_at` integer NOT NULL,
	`joined_epoch` integer NOT NULL,
	`declined_at` integer NOT NULL,
	PRIMARY KEY(`doc_id`, `account_id`),
	FOREIGN KEY (`doc_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `declined_requests_account_idx` ON `declined_requests` (`account_id`);--> statement-breakpoint
CREATE TABLE `privacy_settings` (
	`account_id` text PRIMARY KEY NOT NULL,
	`contact` text NOT NULL,
	`read_receipts` integer NOT NULL,
	`typing` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `accounts` ADD `deleted` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `accounts` ADD `handle_held_until` integer;--> statement-breakpoint
ALTER TABLE `document_members` ADD `status` text DEFAULT 'accepted' NOT NULL;