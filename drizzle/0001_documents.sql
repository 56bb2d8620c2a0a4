CREATE TABLE `doc_clients` (
	`doc_id` text NOT NULL,
	`client_id` integer NOT NULL,
	`account_id` text NOT NULL,
	PRIMARY KEY(`doc_id`, `client_id`),
	FOREIGN KEY (`doc_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `doc_updates` (
	`doc_id` text NOT NULL,
	`seq` integer NOT NULL,
	`update` blob NOT NULL,
	PRIMARY KEY(`doc_id`, `seq`),
	FOREIGN KEY (`doc_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `document_members` (
	`doc_id` text NOT NULL,
	`account_id` text NOT NULL,
	`added_by` text,
	`joined_at` integer NOT NULL,
	`joined_epoch` integer NOT NULL,
	PRIMARY KEY(`doc_id`, `account_id`),
	FOREIGN KEY (`doc_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `document_members_account_idx` ON `document_members` (`account_id`);--> statement-breakpoint
CREATE TABLE `documents` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`epoch` integer NOT NULL,
	`rotation_needed` integer DEFAULT false NOT NULL,
	`seq` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `entry_signatures` (
	`doc_id` text NOT NULL,
	`signature` blob NOT NULL,
	PRIMARY KEY(`doc_id`, `signature`),
	FOREIGN KEY (`doc_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `key_envelopes` (
	`doc_id` text NOT NULL,
	`epoch` integer NOT NULL,
	`recipient_id` text NOT NULL,
	`sender_id` text NOT NULL,
	`envelope` blob NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`doc_id`, `epoch`, `recipient_id`),
	FOREIGN KEY (`doc_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recipient_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `key_envelopes_recipient_idx` ON `key_envelopes` (`recipient_id`);