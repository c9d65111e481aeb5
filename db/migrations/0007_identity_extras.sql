-- The match index follows these rows (see identity_index_changes): any write to a patient's matching fields or
-- identifiers, by any writer, is recorded in the same transaction.
CREATE TRIGGER identity_patient_inserted AFTER INSERT ON patients
BEGIN
  INSERT INTO identity_index_changes (patient_id) VALUES (NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER identity_patient_updated AFTER UPDATE OF name, gender, birth_date, resident_id_hash, phone, province, city, district, address_detail, active, merged_into_id ON patients
BEGIN
  INSERT INTO identity_index_changes (patient_id) VALUES (NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER identity_identifier_inserted AFTER INSERT ON patient_identifiers
BEGIN
  INSERT INTO identity_index_changes (patient_id) VALUES (NEW.patient_id);
END;
--> statement-breakpoint
CREATE TRIGGER identity_identifier_updated AFTER UPDATE ON patient_identifiers
BEGIN
  INSERT INTO identity_index_changes (patient_id) VALUES (OLD.patient_id);
  INSERT INTO identity_index_changes (patient_id) VALUES (NEW.patient_id);
END;
--> statement-breakpoint
CREATE TRIGGER identity_identifier_deleted AFTER DELETE ON patient_identifiers
BEGIN
  INSERT INTO identity_index_changes (patient_id) VALUES (OLD.patient_id);
END;
