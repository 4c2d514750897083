-- Cursor paging of every list (?after=<Next-Cursor of the previous page>): each list is read from the row after the
-- cursor in its order, and an index on the tenant and the order's columns answers any page by a seek.
-- Lists already covered: assets and instruments by symbol (unique (tenant_id, symbol), V2), risk parameter versions
-- (unique (tenant_id, scope, target_id, version), V3), oracle configuration versions (unique (tenant_id, asset_id,
-- version), V20), daily bars (primary key (tenant_id, asset_id, bar_date), V7), accounts and the ledger (V61).

-- GET /api/v1/tenants: oldest first, ties by id
create index tenant_page on tenant (created_at, id);

-- GET /api/v1/governance/proposals: newest first, ties by id (descending; the index is read backwards)
create index governance_proposal_page on governance_proposal (tenant_id, created_at, id);
drop index governance_proposal_list;

-- GET /api/v1/governance/audit: append order (id)
create index governance_audit_page on governance_audit (tenant_id, id);
