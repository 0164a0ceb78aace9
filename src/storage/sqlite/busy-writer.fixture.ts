// Test fixture, run as a worker thread: another writer on the same SQLite file, as the async
// queue's connections (claims, finishes) are beside the log store's worker. It commits small
// transactions in a loop, holding the write lock about half the time, until the shared flag is
// set; it posts 'writing' once it has started and the number of its commits when it stops.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteDatabase } from './sqlite-database.js';

export interface BusyWriterData {
  readonly file: string;
  /** An Int32Array's buffer; the writer stops once element 0 is not 0. */
  readonly stop: SharedArrayBuffer;
}

const { file, stop } = workerData as BusyWriterData;
const stopFlag = new Int32Array(stop);
const nap = new Int32Array(new SharedArrayBuffer(4));
const pause = (ms: number): void => void Atomics.wait(nap, 0, 0, ms);

const db = openSqliteDatabase(file, 'NORMAL');
db.exec('CREATE TABLE IF NOT EXISTS other_writes (n INTEGER NOT NULL)');
const insert = db.prepare('INSERT INTO other_writes (n) VALUES (?)');
const write = db.transaction((n: number) => {
  insert.run(n);
  pause(1); // the lock is held a while, as by a commit waiting on the disk
});
let commits = 0;
parentPort?.postMessage('writing');
while (Atomics.load(stopFlag, 0) === 0) {
  write.immediate(commits);
  commits += 1;
  pause(1);
}
db.close();
parentPort?.postMessage(commits);
