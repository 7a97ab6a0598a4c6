-- The warnings shown when the action was prepared (JSON array), so the approval window shows
-- the same ones as the main window.
ALTER TABLE operations ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';

PRAGMA user_version = 2;
