-- A substitute covering a lesson (time off handed to them) reads and updates it like its own
-- teacher: their lesson lists, week, calendar feed, notes and attendance include the lessons they
-- cover. The absent teacher keeps access to their lessons.
DROP POLICY lessons_read ON lessons;
DROP POLICY lessons_update ON lessons;
CREATE POLICY lessons_read ON lessons FOR SELECT
  USING (app.is_admin() OR app.teacher_id() IN (teacher_id, substitute_teacher_id) OR app.is_parent_of(student_id));
CREATE POLICY lessons_update ON lessons FOR UPDATE
  USING (app.is_admin() OR app.teacher_id() IN (teacher_id, substitute_teacher_id) OR app.is_parent_of(student_id))
  WITH CHECK (app.is_admin() OR app.teacher_id() IN (teacher_id, substitute_teacher_id) OR app.is_parent_of(student_id));
-- ...and reads the students they teach that way (their names in the week, reports and notes).
DROP POLICY students_read ON students;
CREATE POLICY students_read ON students FOR SELECT
  USING (app.is_admin() OR parent_id = app.uid() OR (teacher_id IS NOT NULL AND teacher_id = app.teacher_id()) OR app.teaches_student(id));
