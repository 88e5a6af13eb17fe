import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptRecordError, LocalRecordStore, parseRecord } from '../../scripts/deploy-record';
import { commercial } from '../support/deploy-record';


describe('deploy record', () => {
  it('reads back the record of the instance its file is named after', async () => {
    const store = new LocalRecordStore(mkdtempSync(join(tmpdir(), 'records-')));
    await store.write(commercial);
    expect((await store.read('aws-commercial'))?.input.instance).toBe('aws-commercial');
  });

  it("refuses a record whose instance is not its file's, naming the file (a copied file would report or rotate the other partition)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'records-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'aws-govcloud.json'), JSON.stringify(commercial));
    const store = new LocalRecordStore(dir);
    const read = store.read('aws-govcloud');
    await expect(read).rejects.toBeInstanceOf(CorruptRecordError);
    await expect(store.read('aws-govcloud')).rejects.toThrow(`The deploy record ${join(dir, 'aws-govcloud.json')} holds the input of aws-commercial, not aws-govcloud`);
  });

  it('parseRecord checks the instance only when told which one the file is', () => {
    expect(() => parseRecord(JSON.stringify(commercial), 's3://state/records/aws-govcloud.json', 'aws-govcloud')).toThrow(/s3:\/\/state\/records\/aws-govcloud\.json holds the input of aws-commercial, not aws-govcloud/);
    expect(parseRecord(JSON.stringify(commercial), 'aws-commercial.json', 'aws-commercial').input.instance).toBe('aws-commercial');
  });
});
