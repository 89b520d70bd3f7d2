-- Every audited request commits one audit row, and every index on audit_log is one more page
-- written at each commit. audit_log.child_id held the first audit rows' single child; since
-- audit_child took its place (0005) no row sets it, and nothing reads it, so its index goes.
DROP INDEX audit_log_child;
