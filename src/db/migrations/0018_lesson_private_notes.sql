-- Lessons carry two kinds of notes: `notes`, shared with the family, and `private_notes`, written by
-- the teacher or the office and never shown to a parent (the lessons module leaves the field out of
-- every answer a parent gets). Row access is the lessons table's (lessons_read / lessons_update);
-- who may write which column is the lessons module's rule (parents write neither).
ALTER TABLE lessons ADD COLUMN private_notes text;
ALTER TABLE lessons ADD CONSTRAINT lessons_private_notes_length_check CHECK (char_length(private_notes) <= 2000);
