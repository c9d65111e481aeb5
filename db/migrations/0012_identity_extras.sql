-- The match index follows these rows (see identity_index_changes): any write to a patient's matching fields, by
-- any writer, is recorded in the same transaction. Identifiers are not among them: the patients table itself
-- answers identifier links, and the index compares demographics only.
CREATE TRIGGER identity_patient_inserted AFTER INSERT ON patients
BEGIN
  INSERT INTO identity_index_changes (patient_id) VALUES (NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER identity_patient_updated AFTER UPDATE OF name, gender, birth_date, resident_id_hash, phone, province, city, district, address_detail, active, merged_into_id ON patients
BEGIN
  INSERT INTO identity_index_changes (patient_id) VALUES (NEW.id);
END;
