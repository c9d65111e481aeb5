import { ReadJournalFiles } from '../../src/modules/audit/read-journal-file.js';

/** Read journal files on a disk with no room left: every append fails as the operating system says it. */
export class FullDisk extends ReadJournalFiles {
  override append(): string {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  }
}
