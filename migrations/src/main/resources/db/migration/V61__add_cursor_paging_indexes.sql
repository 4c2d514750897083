-- Cursor paging (?after=<id of the last item>): the list of accounts and an account's ledger are read in
-- (created_at, id) order from the row after the cursor; these indexes serve both the order and the seek.
create index account_page on account (tenant_id, created_at, id);
create index ledger_entry_page on ledger_entry (tenant_id, account_id, created_at, id);
drop index ledger_entry_account;
