-- Margin events leave from the live loop's own memory right after the transaction that stored them (the "direct"
-- path, messaging.DirectPublisher): that transaction also writes the rows' attempt rows with direct = true, so the
-- relay leaves them to their writer while they are young (ballast.outbox.direct-grace) and, once older (the writer
-- died or gave them back after a failed send), treats them as rows that may already be on their topic and looks them
-- up there before sending (OutboxReconciler): exactly one record per row either way.
alter table outbox_attempt add column direct boolean not null default false;
