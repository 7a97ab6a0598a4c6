-- The Dfns user a started registration is for (from the challenge's user.id). If the companion
-- stops after Dfns completed the registration and before the mapping was stored, this is what
-- lets it adopt the registration instead of leaving the user stuck.
ALTER TABLE dfns_pending_registrations ADD COLUMN dfns_user_id TEXT;
