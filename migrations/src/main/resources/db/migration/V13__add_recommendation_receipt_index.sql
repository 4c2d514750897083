-- Governance receives each stored recommendation once: a hand-over repeated after a crash or a retry (the job hands
-- over again when it finds a recommendation it stored before) must not apply or propose it twice. The receipt is the
-- RECOMMENDATION_RECEIVED audit entry, whose "after" holds the recommendation id; two racing hand-overs of the same
-- recommendation cannot both append it.
create unique index governance_audit_recommendation_once on governance_audit (tenant_id, (after ->> 'recommendationId'))
    where action = 'RECOMMENDATION_RECEIVED' and after ->> 'recommendationId' is not null;
