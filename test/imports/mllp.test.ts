import { connect, type Socket } from 'node:net';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { frame } from '../../src/modules/imports/mllp/framing.js';
import { startMllpServer, type MllpServer } from '../../src/modules/imports/mllp/server.js';
import { useTestHospital } from '../helpers/app.js';
import { adt } from './hl7-fixtures.js';

/*
 * An interface engine speaks MLLP to HCRM over real TCP on 127.0.0.1: it waits for each ACK, sometimes sends
 * several frames in one packet or one frame in pieces, and sometimes drops the line.
 */
const h = await useTestHospital();
const silent = { info() {}, warn() {}, error() {} };
let server: MllpServer;

beforeAll(async () => {
  await h.department('CARD', '心内科');
  server = await startMllpServer(h.deps, { port: 0, host: '127.0.0.1', log: silent });
});
afterAll(() => server.close());

/** A client that collects every ACK frame it receives. */
async function client(): Promise<{ socket: Socket; acks: string[]; next(n?: number): Promise<string[]> }> {
  const socket = connect(server.port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const acks: string[] = [];
  let pending = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (let end = pending.indexOf(0x1c); end >= 0; end = pending.indexOf(0x1c)) {
      acks.push(pending.subarray(pending.indexOf(0x0b) + 1, end).toString('utf8'));
      pending = pending.subarray(end + 2);
    }
    waiters.splice(0).forEach((w) => w());
  });
  let read = 0;
  return {
    socket,
    acks,
    async next(n = 1) {
      while (acks.length < read + n) await new Promise<void>((resolve) => waiters.push(resolve));
      read += n;
      return acks.slice(read - n, read);
    },
  };
}

const msa = (ack: string) => ack.split('\r').find((s) => s.startsWith('MSA'))!.split('|');
const patientCount = () => (h.db.$client.prepare('SELECT count(*) AS n FROM patients').get() as { n: number }).n;

describe('the MLLP listener', () => {
  it('answers AA with the message control id after the message is committed', async () => {
    const c = await client();
    c.socket.write(frame(adt({ event: 'A01', controlId: 'MLLP-1', mrn: 'ML0001', residentId: null, visit: 'MV1' })));
    const [ack] = await c.next();
    expect(msa(ack!).slice(0, 3)).toEqual(['MSA', 'AA', 'MLLP-1']);
    expect(h.db.$client.prepare("SELECT count(*) AS n FROM patient_identifiers WHERE value = 'ML0001'").get()).toEqual({ n: 1 });
    c.socket.end();
  });

  it('reassembles a frame split across packets', async () => {
    const c = await client();
    const bytes = frame(adt({ event: 'A28', controlId: 'MLLP-2', mrn: 'ML0002', residentId: null }));
    for (const [from, to] of [[0, 1], [1, 30], [30, bytes.length - 1], [bytes.length - 1, bytes.length]]) {
      c.socket.write(bytes.subarray(from, to));
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(msa((await c.next())[0]!)[1]).toBe('AA');
    c.socket.end();
  });

  it('answers each of several frames in one packet, in order', async () => {
    const c = await client();
    c.socket.write(Buffer.concat([1, 2, 3].map((i) => frame(adt({ event: 'A28', controlId: `MLLP-3-${i}`, mrn: `ML003${i}`, residentId: null })))));
    expect((await c.next(3)).map((a) => msa(a)[2])).toEqual(['MLLP-3-1', 'MLLP-3-2', 'MLLP-3-3']);
    c.socket.end();
  });

  it('ignores bytes outside a frame and a frame cut short by a new one, and carries on', async () => {
    const c = await client();
    const good = frame(adt({ event: 'A28', controlId: 'MLLP-4', mrn: 'ML0004', residentId: null }));
    c.socket.write(Buffer.concat([Buffer.from('GET / HTTP/1.1\r\n'), Buffer.from([0x0b]), Buffer.from('MSH|^~\\&|half'), good]));
    const [ack] = await c.next();
    expect(msa(ack!).slice(1, 3)).toEqual(['AA', 'MLLP-4']);
    expect(c.acks).toHaveLength(1);
    c.socket.end();
  });

  it('answers AR to a frame that is not an HL7 message we read, and AE with ERR to one it cannot apply', async () => {
    const c = await client();
    c.socket.write(frame('MSH|^~\\&|HIS|H|HCRM|H|20261120||ADT^A99|MLLP-5|P|2.5\rPID|1||X^^^HIS||A^B'));
    const [ar] = await c.next();
    expect(msa(ar!).slice(1, 3)).toEqual(['AR', 'MLLP-5']);
    expect(ar).toMatch(/\rERR\|\|MSH-9|\|200\^hl7\.unsupported_event/);
    c.socket.write(frame(adt({ event: 'A01', controlId: 'MLLP-6', mrn: 'ML0006', residentId: null, department: 'NOPE', visit: 'MV6' })));
    const [ae] = await c.next();
    expect(msa(ae!).slice(1, 3)).toEqual(['AE', 'MLLP-6']);
    expect(ae).toContain('ERR||');
    expect(ae).toContain('NOPE');
    c.socket.end();
  });

  it('drops a frame from a client that disconnects in the middle of it, and serves the next client', async () => {
    const before = patientCount();
    const c = await client();
    const bytes = frame(adt({ event: 'A28', controlId: 'MLLP-7', mrn: 'ML0007', residentId: null, name: '赵^小六', birth: '19900101', phone: '13700000007' }));
    c.socket.write(bytes.subarray(0, 40));
    c.socket.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(patientCount()).toBe(before);
    const d = await client();
    d.socket.write(bytes);
    expect(msa((await d.next())[0]!)[1]).toBe('AA');
    expect(patientCount()).toBe(before + 1);
    d.socket.end();
  });

  it('serves many connections at once, and a re-sent message changes nothing', async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => client()));
    clients.forEach((c, i) => c.socket.write(frame(adt({ event: 'A28', controlId: `MLLP-8-${i}`, mrn: `ML008${i}`, residentId: null }))));
    const acks = await Promise.all(clients.map((c) => c.next()));
    expect(acks.map(([a]) => msa(a!)[1])).toEqual(Array(8).fill('AA'));
    const count = patientCount();
    clients[0]!.socket.write(frame(adt({ event: 'A28', controlId: 'MLLP-8-0', mrn: 'ML0080', residentId: null })));
    expect(msa((await clients[0]!.next())[0]!)[1]).toBe('AA');
    expect(patientCount()).toBe(count);
    clients.forEach((c) => c.socket.end());
  });

  it('answers a stream of frames sent without waiting, in order, each ACK naming its own message', async () => {
    const c = await client();
    const ids = Array.from({ length: 40 }, (_, i) => `MLLP-9-${i}`);
    // Sent in several writes, as a pipelining interface engine does: the listener groups what has arrived.
    for (const [i, id] of ids.entries()) c.socket.write(frame(adt({ event: 'A28', controlId: id, mrn: `ML009${i}`, residentId: null, name: '钱^九', phone: `13700009${String(i).padStart(3, '0')}` })));
    const acks = await c.next(ids.length);
    expect(acks.map((a) => msa(a)[2])).toEqual(ids);
    expect(acks.map((a) => msa(a)[1])).toEqual(ids.map(() => 'AA'));
    const stored = h.db.$client.prepare("SELECT count(*) AS n FROM import_receipts WHERE key LIKE 'MLLP-9-%'").get() as { n: number };
    expect(stored.n).toBe(ids.length);
    c.socket.end();
  });

  it('rolls back and NAKs a bad frame amid good ones while the rest of its group lands', async () => {
    const c = await client();
    const frames = [
      frame(adt({ event: 'A28', controlId: 'MLLP-10-1', mrn: 'ML0101', residentId: null, name: '孙^一' })),
      frame(adt({ event: 'A01', controlId: 'MLLP-10-2', mrn: 'ML0102', residentId: null, name: '孙^二', department: 'NOPE', visit: 'MV102' })),
      frame('MSH|^~\\&|HIS|H|HCRM|H|20261120||ADT^A99|MLLP-10-3|P|2.5\rPID|1||X^^^HIS||A^B'),
      frame(adt({ event: 'A28', controlId: 'MLLP-10-4', mrn: 'ML0104', residentId: null, name: '孙^四' })),
    ];
    // One packet: the four arrive together and are applied as one group.
    c.socket.write(Buffer.concat(frames));
    const acks = await c.next(4);
    expect(acks.map((a) => msa(a).slice(1, 3))).toEqual([
      ['AA', 'MLLP-10-1'],
      ['AE', 'MLLP-10-2'],
      ['AR', 'MLLP-10-3'],
      ['AA', 'MLLP-10-4'],
    ]);
    expect(acks[1]).toContain('NOPE');
    expect(acks[2]).toContain('hl7.unsupported_event');
    const mrns = h.db.$client.prepare("SELECT value FROM patient_identifiers WHERE value LIKE 'ML010%' ORDER BY value").all();
    // The failing A01 was rolled back whole: no file for ML0102 although its person part was fine.
    expect(mrns).toEqual([{ value: 'ML0101' }, { value: 'ML0104' }]);
    const quarantined = h.db.$client.prepare("SELECT record_key AS key, code FROM import_quarantine WHERE record_key LIKE 'MLLP-10-%' ORDER BY record_key").all();
    expect(quarantined).toEqual([
      { key: 'MLLP-10-2', code: 'imports.unknown_department' },
      { key: 'MLLP-10-3', code: 'hl7.unsupported_event' },
    ]);
    c.socket.end();
  });

  it('sends each ACK only once its message is on disk, as another connection to the file sees it', async () => {
    const reader = new Database(h.dbPath, { readonly: true });
    const durable = reader.prepare("SELECT 1 FROM import_receipts WHERE source = 'HIS' AND key = ?");
    const c = await client();
    const seenOnDisk: boolean[] = [];
    c.socket.on('data', () => {
      for (const ack of c.acks.slice(seenOnDisk.length)) seenOnDisk.push(durable.get(msa(ack)[2]) !== undefined);
    });
    const ids = Array.from({ length: 30 }, (_, i) => `MLLP-11-${i}`);
    c.socket.write(Buffer.concat(ids.slice(0, 15).map((id, i) => frame(adt({ event: 'A28', controlId: id, mrn: `ML011${i}`, residentId: null })))));
    for (const [i, id] of ids.slice(15).entries()) c.socket.write(frame(adt({ event: 'A28', controlId: id, mrn: `ML011${15 + i}`, residentId: null })));
    await c.next(ids.length);
    expect(seenOnDisk).toEqual(ids.map(() => true));
    reader.close();
    c.socket.end();
  });

  it('keeps every whole frame of a client that leaves mid-stream, and acknowledges none it did not store', async () => {
    const held = h.db.$client.prepare("SELECT count(*) AS n FROM patient_identifiers WHERE value LIKE 'ML012%'");
    const c = await client();
    const ids = Array.from({ length: 12 }, (_, i) => `MLLP-12-${i}`);
    const whole = Buffer.concat(ids.map((id, i) => frame(adt({ event: 'A28', controlId: id, mrn: `ML012${i}`, residentId: null, name: '周^十二', phone: `137000012${String(i).padStart(2, '0')}` }))));
    const partial = frame(adt({ event: 'A28', controlId: 'MLLP-12-cut', mrn: 'ML012cut', residentId: null })).subarray(0, 60);
    await new Promise<void>((resolve) => c.socket.write(Buffer.concat([whole, partial]), () => resolve()));
    c.socket.destroy();
    // The listener applies what arrived whether or not anyone is left to answer, and files the connection's run
    // when it is done; the sender re-sends unACKed messages and the receipts make the second copy change nothing.
    const runs = h.db.$client.prepare("SELECT count(*) AS n FROM import_receipts r JOIN import_runs u ON u.id = r.run_id WHERE r.key = 'MLLP-12-0'");
    await vi.waitFor(() => expect(runs.get()).toEqual({ n: 1 }));
    const stored = h.db.$client.prepare("SELECT key FROM import_receipts WHERE key LIKE 'MLLP-12-%' ORDER BY rowid").all() as { key: string }[];
    expect(stored.map((r) => r.key)).toEqual(ids);
    expect(held.get()).toEqual({ n: ids.length });
    expect(c.acks.filter((a) => msa(a)[2] === 'MLLP-12-cut')).toEqual([]);
    const again = await client();
    again.socket.write(Buffer.concat(ids.map((id, i) => frame(adt({ event: 'A28', controlId: id, mrn: `ML012${i}`, residentId: null, name: '周^十二', phone: `137000012${String(i).padStart(2, '0')}` })))));
    expect((await again.next(ids.length)).map((a) => msa(a)[1])).toEqual(ids.map(() => 'AA'));
    expect(held.get()).toEqual({ n: ids.length });
    again.socket.end();
  });
});

describe('the MLLP listener under pressure', () => {
  /** A listener of its own, with a log the test can watch. */
  async function listener(options: { maxFrameBytes?: number; maxWaiting?: number } = {}) {
    const info = vi.fn();
    const warn = vi.fn();
    const own = await startMllpServer(h.deps, { port: 0, host: '127.0.0.1', log: { info, warn, error() {} }, ...options });
    const connectTo = async () => {
      const socket = connect(own.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const acks: string[] = [];
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk) => {
        pending = Buffer.concat([pending, chunk]);
        for (let end = pending.indexOf(0x1c); end >= 0; end = pending.indexOf(0x1c)) {
          acks.push(pending.subarray(pending.indexOf(0x0b) + 1, end).toString('utf8'));
          pending = pending.subarray(end + 2);
        }
      });
      const ended = new Promise<void>((resolve) => socket.once('end', () => resolve()));
      return { socket, acks, ended };
    };
    return { own, info, warn, connectTo };
  }

  it('answers a frame past the size limit with AR saying so, after the ACKs of the frames before it, then closes', async () => {
    const { own, connectTo } = await listener({ maxFrameBytes: 4000 });
    const huge = (id: string) => frame(adt({ event: 'A28', controlId: id, mrn: 'ML0130', residentId: null, extra: [`ZXX|${'x'.repeat(6000)}`] }));
    // Arriving in pieces: the limit is passed before the frame ends.
    const a = await connectTo();
    a.socket.write(frame(adt({ event: 'A28', controlId: 'MLLP-13-1', mrn: 'ML0131', residentId: null, name: '吴^十三' })));
    const big = huge('MLLP-13-2');
    a.socket.write(big.subarray(0, 2000));
    a.socket.write(big.subarray(2000, 5000));
    a.socket.write(big.subarray(5000));
    await a.ended;
    expect(a.acks.map((ack) => msa(ack).slice(1, 3))).toEqual([
      ['AA', 'MLLP-13-1'],
      ['AR', 'MLLP-13-2'],
    ]);
    expect(a.acks[1]).toContain('mllp.frame_too_large');
    expect(a.acks[1]).toContain('limit of 4000 bytes');
    a.socket.end();
    // Whole in one packet, and followed by a good frame that is never read.
    const b = await connectTo();
    b.socket.write(Buffer.concat([huge('MLLP-13-3'), frame(adt({ event: 'A28', controlId: 'MLLP-13-4', mrn: 'ML0134', residentId: null }))]));
    await b.ended;
    expect(b.acks.map((ack) => msa(ack).slice(1, 3))).toEqual([['AR', 'MLLP-13-3']]);
    b.socket.end();
    await own.close();
    const stored = h.db.$client.prepare("SELECT value FROM patient_identifiers WHERE value LIKE 'ML013%' ORDER BY value").all();
    expect(stored).toEqual([{ value: 'ML0131' }]);
  });

  it('stops reading while many frames wait, and answers every one of them in order', async () => {
    const { own, info, connectTo } = await listener({ maxWaiting: 64 });
    const c = await connectTo();
    const ids = Array.from({ length: 1024 }, (_, i) => `MLLP-14-${i}`);
    // Sent at once, without waiting: a few read chunks hold more than 64 frames.
    c.socket.write(Buffer.concat(ids.map((id, i) => frame(adt({ event: 'A28', controlId: id, mrn: `ML014${i}`, residentId: null, name: '郑^十四', phone: `1370014${String(i).padStart(4, '0')}` })))));
    await vi.waitFor(() => expect(c.acks.length).toBe(ids.length), { timeout: 30_000 });
    expect(info).toHaveBeenCalledWith(expect.stringMatching(/frames waiting; reading paused/));
    expect(c.acks.map((ack) => msa(ack)[2])).toEqual(ids);
    expect(c.acks.every((ack) => msa(ack)[1] === 'AA')).toBe(true);
    c.socket.end();
    await own.close();
  });

  it('stops reading while the sender does not read its ACKs, and carries on when it does', { timeout: 120_000 }, async () => {
    const { own, info, connectTo } = await listener();
    const c = await connectTo();
    c.socket.pause();
    // The same message again and again (each re-send changes nothing and costs little), with a long control id so
    // that its ACKs, unread, soon fill the kernel's buffers on both sides (a few MB on loopback).
    const id = `MLLP-15-${'z'.repeat(170)}`;
    const one = frame(adt({ event: 'A28', controlId: id, mrn: 'ML0150', residentId: null }));
    const copies = 20_000;
    const sent = new Promise<void>((resolve) => c.socket.write(Buffer.concat(Array.from({ length: copies }, () => one)), () => resolve()));
    await vi.waitFor(() => expect(info).toHaveBeenCalledWith('MLLP: the sender is not reading its ACKs; reading paused until it does'), { timeout: 30_000 });
    c.socket.resume();
    await sent;
    await vi.waitFor(() => expect(c.acks.length).toBe(copies), { timeout: 60_000 });
    expect(c.acks.every((ack) => msa(ack).slice(1, 3).join() === `AA,${id}`)).toBe(true);
    c.socket.end();
    await own.close();
  });
});
