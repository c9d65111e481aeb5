import { expect } from 'vitest';
import { ClinicSession, Doctor } from '../../src/modules/appointments/appointments.schemas.js';
import type { StaffSession, TestHospital } from '../helpers/app.js';

export interface Clinic {
  departmentId: string;
  doctor: Doctor;
  admin: StaffSession;
  agent: StaffSession;
  /** The department's open sessions from today, for the channel asked. */
  week(channel?: 'web' | 'phone' | 'desk', from?: string): Promise<ClinicSession[]>;
  session(id: string, channel?: 'web' | 'phone' | 'desk'): Promise<ClinicSession>;
  /** New sessions for the admin and agent, after the test moved the clock past their idle timeout. */
  refresh(): Promise<void>;
}

/**
 * A cardiology clinic: 李明 (主任医师, 专家号) holds a Tuesday-morning clinic, 08:00–10:00, four half-hour slots of
 * `capacity` places each, one kept for the web until the release time. Made through the staff API as an admin would.
 */
export async function cardiologyClinic(h: TestHospital, options: { capacity?: number; reserve?: { web: number; phone: number; desk: number }; code?: string } = {}): Promise<Clinic> {
  const departmentId = await h.department(options.code ?? 'CARD', '心内科');
  const admin = await h.signIn('admin');
  const agent = await h.signIn('agent');
  const created = await h.app.inject({
    method: 'POST',
    url: '/api/doctors',
    headers: admin.headers,
    payload: { departmentId, name: '李明', title: 'chief', specialty: '冠心病介入治疗、高血压', feeClass: 'expert' },
  });
  expect(created.statusCode, created.body).toBe(201);
  const doctor = Doctor.parse(created.json());
  const template = await h.app.inject({
    method: 'POST',
    url: '/api/schedule-templates',
    headers: admin.headers,
    payload: { doctorId: doctor.id, weekday: 2, halfDay: 'morning', startTime: '08:00', endTime: '10:00', slotMinutes: 30, slotCapacity: options.capacity ?? 2, reserve: options.reserve ?? { web: 1, phone: 0, desk: 0 } },
  });
  expect(template.statusCode, template.body).toBe(201);
  const clinic: Clinic = {
    async refresh() {
      clinic.admin = await h.signIn('admin');
      clinic.agent = await h.signIn('agent');
    },
    departmentId,
    doctor,
    admin,
    agent,
    async week(channel = 'phone', from) {
      const reply = await h.app.inject({ method: 'GET', url: `/api/schedules?departmentId=${departmentId}&days=14&channel=${channel}${from ? `&from=${from}` : ''}`, headers: clinic.admin.headers });
      expect(reply.statusCode, reply.body).toBe(200);
      return (reply.json() as { items: unknown[] }).items.map((s) => ClinicSession.parse(s));
    },
    async session(id, channel = 'phone') {
      const reply = await h.app.inject({ method: 'GET', url: `/api/schedules/${id}?channel=${channel}`, headers: clinic.admin.headers });
      expect(reply.statusCode, reply.body).toBe(200);
      return ClinicSession.parse(reply.json());
    },
  };
  return clinic;
}

export function messagesOf(h: TestHospital, patientId: string): { purpose: string; status: string; body: string; scheduled_at: string; error: string | null; about_type: string | null }[] {
  return h.db.$client.prepare('SELECT purpose, status, body, scheduled_at, error, about_type FROM messages WHERE patient_id = ? ORDER BY scheduled_at, created_at').all(patientId) as never;
}
