-- The patient file cache (src/modules/patients/file-cache.ts) serves a file only while its patient's revision is
-- unchanged. Every table the file is built from raises the revision of the patients a change touches, here in the
-- database, so a write from any process or code path (imports, the CLI, a merge) is seen. A new patient needs no
-- row: revision 0 until the first change. A table added to the file must be added here, and to
-- test/patients/file-cache.test.ts, which changes each of them from a second connection.
CREATE TRIGGER patients_file_revision_update AFTER UPDATE ON patients
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (NEW.id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER patients_file_revision_delete AFTER DELETE ON patients
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (OLD.id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER patient_identifiers_file_revision_insert AFTER INSERT ON patient_identifiers
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (NEW.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER patient_identifiers_file_revision_update AFTER UPDATE ON patient_identifiers
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (NEW.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER patient_identifiers_file_revision_moved AFTER UPDATE OF patient_id ON patient_identifiers
WHEN OLD.patient_id IS NOT NEW.patient_id
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (OLD.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER patient_identifiers_file_revision_delete AFTER DELETE ON patient_identifiers
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (OLD.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER patient_consents_file_revision_insert AFTER INSERT ON patient_consents
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (NEW.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER patient_consents_file_revision_update AFTER UPDATE ON patient_consents
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (NEW.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER patient_consents_file_revision_moved AFTER UPDATE OF patient_id ON patient_consents
WHEN OLD.patient_id IS NOT NEW.patient_id
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (OLD.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER patient_consents_file_revision_delete AFTER DELETE ON patient_consents
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (OLD.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER encounters_file_revision_insert AFTER INSERT ON encounters
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (NEW.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER encounters_file_revision_update AFTER UPDATE ON encounters
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (NEW.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER encounters_file_revision_moved AFTER UPDATE OF patient_id ON encounters
WHEN OLD.patient_id IS NOT NEW.patient_id
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (OLD.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER encounters_file_revision_delete AFTER DELETE ON encounters
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (OLD.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER diagnoses_file_revision_insert AFTER INSERT ON diagnoses
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (NEW.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER diagnoses_file_revision_update AFTER UPDATE ON diagnoses
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (NEW.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER diagnoses_file_revision_moved AFTER UPDATE OF patient_id ON diagnoses
WHEN OLD.patient_id IS NOT NEW.patient_id
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (OLD.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER diagnoses_file_revision_delete AFTER DELETE ON diagnoses
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (OLD.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER procedures_file_revision_insert AFTER INSERT ON procedures
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (NEW.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER procedures_file_revision_update AFTER UPDATE ON procedures
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (NEW.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER procedures_file_revision_moved AFTER UPDATE OF patient_id ON procedures
WHEN OLD.patient_id IS NOT NEW.patient_id
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (OLD.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER procedures_file_revision_delete AFTER DELETE ON procedures
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (OLD.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER allergies_file_revision_insert AFTER INSERT ON allergies
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (NEW.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER allergies_file_revision_update AFTER UPDATE ON allergies
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (NEW.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER allergies_file_revision_moved AFTER UPDATE OF patient_id ON allergies
WHEN OLD.patient_id IS NOT NEW.patient_id
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (OLD.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
--> statement-breakpoint
CREATE TRIGGER allergies_file_revision_delete AFTER DELETE ON allergies
BEGIN
  INSERT INTO patient_file_revisions (patient_id, revision) VALUES (OLD.patient_id, 1)
    ON CONFLICT (patient_id) DO UPDATE SET revision = revision + 1;
END;
