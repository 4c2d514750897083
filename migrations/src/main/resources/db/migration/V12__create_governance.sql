-- Issue 8: the governance workflow. One policy row per tenant (approvals, expiry, timelock, freeze), proposals with
-- their evidence, committee votes, and the append-only audit trail.
create table governance_policy (
    tenant_id           uuid        not null primary key references tenant (id),
    approvals_required  integer     not null check (approvals_required between 1 and 10),
    proposal_ttl_seconds bigint     not null check (proposal_ttl_seconds between 1 and 2592000),
    timelock_seconds    bigint      not null check (timelock_seconds between 0 and 2592000),
    frozen              boolean     not null default false,
    frozen_reason       text,
    frozen_by           text,
    frozen_at           timestamptz,
    version             integer     not null check (version > 0),
    updated_at          timestamptz not null
);

create table governance_proposal (
    id                  uuid        not null primary key,
    tenant_id           uuid        not null references tenant (id),
    kind                varchar(16) not null check (kind in ('PARAMETERS', 'POLICY')),
    origin              varchar(16) not null check (origin in ('RECOMMENDATION', 'MANUAL')),
    asset_id            uuid,
    status              varchar(16) not null check (status in ('OPEN', 'APPROVED', 'REJECTED', 'EXPIRED', 'VETOED', 'EFFECTIVE')),
    proposer_subject    text        not null,
    proposer_client     text,
    recommendation_id   uuid,
    model_version       text,
    reason              text,
    changes             jsonb       not null,
    before              jsonb       not null,
    evidence            text        not null, -- JSON kept verbatim: sha256(evidence) = evidence_digest
    evidence_digest     char(64)    not null,
    approvals_required  integer     not null check (approvals_required >= 1),
    approvals           integer     not null default 0,
    created_at          timestamptz not null,
    expires_at          timestamptz not null,
    approved_at         timestamptz,
    effective_at        timestamptz,
    closed_at           timestamptz,
    closed_by           text,
    closed_comment      text,
    foreign key (tenant_id, asset_id) references asset (tenant_id, id)
);
create index governance_proposal_list on governance_proposal (tenant_id, created_at desc);
create index governance_proposal_due on governance_proposal (effective_at) where status = 'APPROVED';
create index governance_proposal_open on governance_proposal (expires_at) where status = 'OPEN';

-- One vote per member and proposal (the unique constraint is the backstop behind the row lock on the proposal).
create table governance_vote (
    id                  uuid        not null primary key,
    tenant_id           uuid        not null references tenant (id),
    proposal_id         uuid        not null references governance_proposal (id),
    voter_subject       text        not null,
    voter_client        text,
    vote                varchar(8)  not null check (vote in ('APPROVE', 'REJECT')),
    comment             text        not null,
    created_at          timestamptz not null,
    unique (proposal_id, voter_subject)
);

-- The audit trail: appended, never changed. Grants that keep the service role from UPDATE/DELETE/TRUNCATE are
-- issue 11's work (deploy/); the triggers below refuse them for every role, the owner included.
create table governance_audit (
    id                  bigserial   primary key,
    tenant_id           uuid        not null references tenant (id),
    occurred_at         timestamptz not null default clock_timestamp(),
    action              varchar(32) not null,
    actor_subject       text        not null,
    actor_client        text,
    asset_id            uuid,
    proposal_id         uuid,
    before              jsonb,
    after               jsonb,
    reason              text,
    evidence_digest     char(64)
);
create index governance_audit_query on governance_audit (tenant_id, occurred_at desc, id desc);

create function governance_audit_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'governance_audit is append-only';
end;
$$;
create trigger governance_audit_no_update before update or delete on governance_audit
    for each row execute function governance_audit_is_append_only();
create trigger governance_audit_no_truncate before truncate on governance_audit
    for each statement execute function governance_audit_is_append_only();
