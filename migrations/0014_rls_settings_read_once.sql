-- The read policies of 0002, with each transaction-local setting read through a scalar subquery. The rule is the
-- same, word for word; only when it is computed changes. A bare current_setting(...)::text[] in a policy is
-- evaluated for every row the query touches (current_setting is STABLE, so the planner may not fold it), which made
-- the exact route pay for parsing two arrays and an integer per candidate chunk. As `(SELECT ...)` each becomes an
-- initplan, computed once per query, and its value can also drive an index condition.
ALTER POLICY documents_read ON documents USING (
  tenant_id = (SELECT current_setting('strongroom.tenant_id', true))
  AND classification <= (SELECT coalesce(nullif(current_setting('strongroom.clearance', true), '')::int, -1))
  AND (departments = '{}' OR departments && (SELECT coalesce(nullif(current_setting('strongroom.departments', true), ''), '{}')::text[]))
  AND (allowed_principals = '{}' OR allowed_principals && (SELECT coalesce(nullif(current_setting('strongroom.principals', true), ''), '{}')::text[]))
  AND NOT quarantined);
ALTER POLICY chunks_read ON chunks USING (
  tenant_id = (SELECT current_setting('strongroom.tenant_id', true))
  AND classification <= (SELECT coalesce(nullif(current_setting('strongroom.clearance', true), '')::int, -1))
  AND (departments = '{}' OR departments && (SELECT coalesce(nullif(current_setting('strongroom.departments', true), ''), '{}')::text[]))
  AND (allowed_principals = '{}' OR allowed_principals && (SELECT coalesce(nullif(current_setting('strongroom.principals', true), ''), '{}')::text[]))
  AND NOT quarantined);
