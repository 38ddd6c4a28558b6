let backgroundWriters = 0;

/** Marks a long write transaction on a connection of its own (SQLite then refuses other writers). */
export async function writingInBackground<T>(work: () => Promise<T>): Promise<T> {
  backgroundWriters += 1;
  try {
    return await work();
  } finally {
    backgroundWriters -= 1;
  }
}

/** True while such a transaction is open: optional writes (a session's last-seen time) are skipped. */
export const busyWriting = () => backgroundWriters > 0;
