-- Transcript lifecycle (server/keys, server/retention, server/privacy).

-- Data-subject erasure (DELETE /api/me/data) removes the caller's own users row (profile attributes, settings) on
-- the request path. The users_self policy already limits strongroom_app to the caller's row.
GRANT DELETE ON users TO strongroom_app;

-- Re-wrapping after a key rotation walks conversations still on an older key version, like messages_key_version_idx.
CREATE INDEX conversations_key_version_idx ON conversations (tenant_id, key_version);
