-- A recommendation is made once per tenant, asset, evaluation day and history: a repeated call with the same daily
-- bars is served the stored row (so repeated calls cannot compound the daily maximum change). When the history of
-- that day is corrected, the recommendation is remade from the state that fed the day's first one.
alter table margin_recommendation add column history_fingerprint text;
alter table margin_recommendation add column previous_state jsonb;
