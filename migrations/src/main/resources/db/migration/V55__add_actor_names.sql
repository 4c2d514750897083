-- Issue 10: people are shown by name, not by token subject. Every row that records who acted keeps, next to the
-- token subject (the stable identity, used for "one vote per member" and "the proposer cannot vote"), the name the
-- actor had when acting: the token's preferred_username for a person, the client id for a machine (a service
-- account's token), "model <version>" for the recommender and "scheduler" / "onboarding" for the service's own steps.
-- Nullable: rows written before this migration have no name, and readers fall back to the subject. The audit table
-- stays append-only (adding a column is not an UPDATE; its triggers and revoked grants are unchanged).
alter table governance_audit add column actor_name text;
alter table governance_vote add column voter_name text;
alter table governance_proposal add column proposer_name text;
alter table governance_proposal add column closed_by_name text;
alter table governance_policy add column frozen_by_name text;
alter table risk_parameter add column actor_name text;
alter table risk_settings add column actor_name text;
